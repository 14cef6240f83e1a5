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
