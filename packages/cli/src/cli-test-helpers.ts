import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from './cli.ts';

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
/** The real `accord` bin, for tests that prove the wiring a user gets from `npx accord`. */
export const BIN = join(REPO_ROOT, 'packages/cli/bin/accord.js');

/**
 * Compiles the CLI when a source changed since the last build (as `npm install` would have), so tests of the bin
 * run the compiled JavaScript a user runs. After `npm ci` the build is fresh and this does nothing.
 */
export function ensureCliBuilt(): void {
  execFileSync(process.execPath, [join(REPO_ROOT, 'packages/cli/scripts/build.mjs'), '--if-stale'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process on PassThrough streams; stdout is read as it is written so backpressure resolves. */
export async function runInProcess(
  args: readonly string[],
  options: { input?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  stdin.end(options.input ?? '');
  const code = await runCli(args, { stdin, stdout, stderr, env: { ...options.env } });
  stdout.end();
  stderr.end();
  await Promise.all([once(stdout, 'end'), once(stderr, 'end')]);
  return { code, stdout: out, stderr: err };
}
