import type { Readable, Writable } from 'node:stream';

/** What a command may touch: its streams and environment, passed in so tests run commands in-process. */
export interface CliIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: NodeJS.ProcessEnv;
}

/** A bad flag, file or calendar: printed on stderr, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type Command = (args: readonly string[], io: CliIo) => Promise<number>;

/**
 * The subcommand of `accord <command> <subcommand> …`, or null when the caller asked for help (none, `help`,
 * `--help`, `-h`): the usage is then printed. An unknown subcommand is a UsageError naming the known ones.
 */
export function subcommandOf<S extends string>(
  command: string,
  args: readonly string[],
  known: readonly S[],
  usage: string,
  io: CliIo,
): { subcommand: S; rest: readonly string[] } | null {
  const [subcommand, ...rest] = args;
  if (subcommand === undefined || subcommand === 'help' || subcommand === '--help' || subcommand === '-h') {
    io.stdout.write(usage);
    return null;
  }
  if (!(known as readonly string[]).includes(subcommand)) {
    const expected = `${known.slice(0, -1).join(', ')} or ${known.at(-1) ?? ''}`;
    throw new UsageError(`unknown subcommand '${command} ${subcommand}'. Expected ${expected}.`);
  }
  return { subcommand: subcommand as S, rest };
}
