#!/usr/bin/env node
// Runs the compiled command (packages/cli/dist, built by the root `prepare` script at `npm install` / `npm ci`).
// When that build is missing, or a source this command loads changed since, runs the TypeScript sources through
// tsx instead, and says so: slower to start, never stale. ACCORD_CLI_SOURCES=1 asks for the sources.
import process from 'node:process';
import { URL } from 'node:url';
import { staleBuild } from './build-state.js';

const fromSources = process.env.ACCORD_CLI_SOURCES === '1';
/** The command whose sources the build must be fresh for: `sla simulate` is compiled apart (sla-simulate.command.ts). */
function command() {
  return process.argv[2] === 'sla' && process.argv[3] === 'simulate' ? 'sla-simulate' : process.argv[2];
}
const stale = fromSources
  ? undefined
  : staleBuild(new URL('../dist/', import.meta.url), new URL('../../../', import.meta.url), command());
if (!fromSources && stale === undefined) {
  await import('../dist/accord.js');
} else {
  if (stale !== undefined) {
    process.stderr.write(
      `accord: ${stale}; running the TypeScript sources through tsx (slower start). 'npm run build:cli' compiles them.\n`,
    );
  }
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}
