import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { APP_PAGES } from './app-pages.ts';

/** packages/web: the React app the server hands out at `/` (see packages/web/README.md). */
export const WEB_ROOT = resolve(fileURLToPath(new URL('../../../web', import.meta.url)));
export const WEB_DIST = join(WEB_ROOT, 'dist');

/** What a web build depends on: its sources and configuration, never its output or dependencies. */
const WEB_INPUTS = ['src', 'public', 'index.html', 'vite.config.ts', 'package.json'];

function newestMtimeMs(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  // Files only: a directory's own time moves on any checkout or editor temp file, and would rebuild for nothing.
  let newest = 0;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  return newest;
}

/** Whether `dist/` is missing or older than any source it was built from. */
export function webBuildIsStale(root: string = WEB_ROOT): boolean {
  const index = join(root, 'dist', 'index.html');
  if (!existsSync(index)) return true;
  const builtMs = statSync(index).mtimeMs;
  return WEB_INPUTS.some((input) => newestMtimeMs(join(root, input)) > builtMs);
}

/**
 * `npm start` needs no separate build step: the root `prepare` script builds after `npm install`, and this builds
 * again at start when the bundle is missing or older than the sources (an edit, a `git pull`).
 */
export async function ensureWebBuilt(
  log: (message: string) => void = () => {},
  root: string = WEB_ROOT,
): Promise<void> {
  if (!existsSync(join(root, 'index.html')) || !webBuildIsStale(root)) return;
  log('building the web app (packages/web/dist is missing or older than its sources)');
  const { build } = await import('vite');
  await build({ root, configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
}

/** Hashed file names (Vite's `assets/`) never change content: cache them for a year; everything else revalidates. */
function cacheControlFor(filePath: string): string {
  return /[\\/]assets[\\/]/.test(filePath) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

/**
 * Serves the built web app from `distDir` at `/`, with the single-page fallback: a deep link to one of the app's
 * pages (`/tickets/…`) answers `index.html`, and the app routes it. Without a build nothing is registered and the
 * API works as before.
 */
export async function registerWebApp(app: FastifyInstance, distDir: string = WEB_DIST): Promise<boolean> {
  const indexFile = join(distDir, 'index.html');
  if (!existsSync(indexFile)) return false;
  await app.register(fastifyStatic, {
    root: distDir,
    prefix: '/',
    wildcard: false,
    index: false,
    cacheControl: false,
    setHeaders: (res, filePath) => res.setHeader('cache-control', cacheControlFor(filePath)),
  });
  const sendIndex = (_request: unknown, reply: FastifyReply) =>
    reply.header('cache-control', 'no-cache').sendFile('index.html');
  // The app's own page paths only: a wildcard at `/` would also catch API paths the router refuses (an over-long
  // parameter is a 414, not a page).
  for (const path of APP_PAGES) app.get(path, { schema: { hide: true } }, sendIndex);
  return true;
}
