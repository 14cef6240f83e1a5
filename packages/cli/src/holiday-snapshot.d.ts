// The holiday table scripts/build.mjs computes and compiles into the CLI (see date-holidays-snapshot.ts).
declare module 'accord:holiday-snapshot' {
  const snapshot: unknown;
  export default snapshot;
}
