// Whether the compiled build in packages/cli/dist can run a command: shared by the bin and the build script.
import { readFileSync, statSync } from 'node:fs';
import { URL } from 'node:url';

/**
 * Why the build under `distUrl` cannot run `command`, or undefined when it can: no build, or a source the command
 * loads (listed in build-info.json, relative to `rootUrl`) changed since the build started, or is gone.
 */
export function staleBuild(distUrl, rootUrl, command) {
  let info;
  try {
    info = JSON.parse(readFileSync(new URL('build-info.json', distUrl), 'utf8'));
  } catch {
    return 'no compiled build (packages/cli/dist)';
  }
  const own = Object.hasOwn(info.commands, command) ? info.commands[command] : [];
  for (const input of [...info.common, ...own]) {
    let mtimeMs;
    try {
      mtimeMs = statSync(new URL(input, rootUrl)).mtimeMs;
    } catch {
      return `${input} is gone since the last build`;
    }
    if (mtimeMs > info.builtAtMs) return `${input} changed since the last build`;
  }
  return undefined;
}

/** Why any command would not run from the build (every command's sources), or undefined. */
export function staleForAnyCommand(distUrl, rootUrl) {
  let commands;
  try {
    commands = Object.keys(JSON.parse(readFileSync(new URL('build-info.json', distUrl), 'utf8')).commands);
  } catch {
    return 'no compiled build (packages/cli/dist)';
  }
  for (const command of ['', ...commands]) {
    const reason = staleBuild(distUrl, rootUrl, command);
    if (reason !== undefined) return reason;
  }
  return undefined;
}
