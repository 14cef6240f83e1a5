import { ensureWebBuilt } from '../../server/src/http/web-app.ts';

/**
 * vitest globalSetup: the web app is built (when missing or stale) once, before any test file starts. Each browser
 * test file checking for itself, in parallel, made one file's rebuild empty `dist/` under another's pages.
 */
export default async function setup(): Promise<void> {
  await ensureWebBuilt((message) => console.log(`web: ${message}`));
}
