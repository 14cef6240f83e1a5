import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createDatabase,
  createStandaloneInboundMail,
  databaseConfigFromEnv,
  DomainError,
  migrateToLatest,
  systemClock,
  type InboundOutcome,
} from '@accord/server';
import { subcommandOf, UsageError, type CliIo, type Command } from './cli-io.ts';

const USAGE = `Usage:
  accord mail import FILE.eml|MAILDIR|DIR   store and process messages (a Maildir's new/ and cur/, or a folder's files)
  accord mail replay ID                     process a failed or held message again from its stored copy
  accord mail list [--status STATUS] [--limit N]
                                            inbound messages of every workspace, newest first (also those matched to
                                            none: unknown senders of an installation with several workspaces)

Each message is stored raw before it is processed; one line per message: ID STATUS TICKET REASON.
Exit code 1 when a message failed (it is kept: fix the cause, then 'accord mail replay ID').
`;

const STATUSES = ['received', 'processing', 'processed', 'ignored', 'held', 'failed'] as const;

/** The files of a Maildir (new/ then cur/), of a plain folder, or the one file. */
function messageFiles(path: string): string[] {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) throw new UsageError(`no such file or folder: ${path}`);
  if (stat.isFile()) return [path];
  const sub = ['new', 'cur']
    .map((d) => join(path, d))
    .filter((d) => statSync(d, { throwIfNoEntry: false })?.isDirectory());
  const folders = sub.length > 0 ? sub : [path];
  return folders.flatMap((folder) =>
    readdirSync(folder)
      .filter((name) => !name.startsWith('.'))
      .sort()
      .map((name) => join(folder, name))
      .filter((file) => statSync(file).isFile()),
  );
}

function line(outcome: InboundOutcome): string {
  return (
    `${outcome.id} ${outcome.status} ${outcome.ticketId ?? '-'} ${outcome.reason ?? ''}`.trimEnd() + '\n'
  );
}

export const mailCommand: Command = async (args, io: CliIo) => {
  const parsed = subcommandOf('mail', args, ['import', 'replay', 'list'] as const, USAGE, io);
  if (parsed === null) return args.length === 0 ? 2 : 0;
  const { subcommand, rest } = parsed;
  let values: { status?: string | undefined; limit?: string | undefined };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...rest],
      options: { status: { type: 'string' }, limit: { type: 'string' } },
      strict: true,
      allowPositionals: true,
    }));
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
  }
  if (subcommand !== 'list' && positionals.length !== 1)
    throw new UsageError(`mail ${subcommand} takes one argument\n${USAGE}`);
  const status = values.status as (typeof STATUSES)[number] | undefined;
  if (status !== undefined && !STATUSES.includes(status))
    throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`);
  const limit = Number(values.limit ?? '50');
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit must be 1–1000');
  const files = subcommand === 'import' ? messageFiles(positionals[0] ?? '') : [];

  const database = createDatabase(databaseConfigFromEnv(io.env));
  try {
    await migrateToLatest(database.db);
    const inbound = createStandaloneInboundMail(database.db, systemClock, io.env);
    if (subcommand === 'list') {
      for (const m of await inbound.listAsOperator({ status, limit }))
        io.stdout.write(
          `${m.id} ${m.receivedAt} ${m.status} ${m.from ?? '-'} ${m.ticketId ?? '-'} ${JSON.stringify(m.subject ?? '')} ${m.reason ?? ''}`.trimEnd() +
            '\n',
        );
      return 0;
    }
    if (subcommand === 'replay') {
      const outcome = await inbound.replayAsOperator(positionals[0] ?? '');
      io.stdout.write(line(outcome));
      return outcome.status === 'failed' ? 1 : 0;
    }
    let failed = 0;
    for (const file of files) {
      try {
        const outcome = await inbound.receive({
          raw: readFileSync(file),
          source: 'import',
          envelopeFrom: null,
          envelopeTo: [],
        });
        if (outcome.status === 'failed') failed += 1;
        io.stdout.write(line(outcome));
      } catch (error) {
        // Refused before it was stored (empty, too large): named, and the others still imported.
        if (!(error instanceof DomainError)) throw error;
        failed += 1;
        io.stderr.write(`accord: ${file}: ${error.code}: ${error.message}\n`);
      }
    }
    io.stderr.write(`${files.length} message(s) read, ${failed} failed\n`);
    return failed > 0 ? 1 : 0;
  } catch (error) {
    if (error instanceof DomainError) {
      io.stderr.write(`accord: ${error.code}: ${error.message}\n`);
      return 1;
    }
    throw error;
  } finally {
    await database.destroy();
  }
};
