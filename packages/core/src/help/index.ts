export * from './normalize.ts';
export * from './stem.ts';
export * from './analyze.ts';
