/** Why the compiled build under `distUrl` cannot run `command`, or undefined when it can. */
export function staleBuild(distUrl: URL, rootUrl: URL, command: string | undefined): string | undefined;
/** Why some command would not run from the compiled build, or undefined when every one can. */
export function staleForAnyCommand(distUrl: URL, rootUrl: URL): string | undefined;
