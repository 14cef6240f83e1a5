import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * One write path: every change to a ticket goes through src/tickets/ticket-change.ts, which owns the version
 * bump, the events, the clocks, the jobs and the outbox. These checks read the sources, so a new writer that
 * updates `tickets` on its own fails here before it can forget one of those.
 */
const SRC = join(import.meta.dirname, '..', 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'migrations' ? [] : sourceFiles(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The one repository of the `tickets` table. */
const ROWS = join('tickets', 'repositories', 'ticket-rows.repository.ts');

const files = sourceFiles(SRC).map((path) => ({
  path: relative(SRC, path),
  text: readFileSync(path, 'utf8'),
}));

function filesMatching(pattern: RegExp): string[] {
  return files.filter((f) => pattern.test(f.text)).map((f) => f.path);
}

describe('the ticket write path', () => {
  it('finds the sources it checks', () => {
    expect(files.some((f) => f.path === join('tickets', 'ticket-change.ts'))).toBe(true);
    expect(files.length).toBeGreaterThan(20);
  });

  it('updates the tickets table only in the ticket repository, by query builder or raw SQL', () => {
    expect(filesMatching(/updateTable\(\s*['"]tickets['"]/)).toEqual([ROWS]);
    expect(filesMatching(/\bupdate\s+tickets\b/i)).toEqual([]);
  });

  it('moves tickets.version in one repository statement, called only by ticket-change', () => {
    const rows = files.find((f) => f.path === ROWS)!.text;
    expect(rows.match(/`\s*version\s*\+\s*1`/g)).toHaveLength(1);
    expect(filesMatching(/\.advance\(/)).toEqual([join('tickets', 'ticket-change.ts')]);
  });

  it('inserts tickets, history events and clock rows only through ticket-change', () => {
    // Among the files that hold a ticket repository (other modules have their own history tables), only the write
    // path calls its write methods.
    const holders = files.filter((f) => f.text.includes('ticket.repository.ts'));
    expect(holders.length).toBeGreaterThan(3);
    for (const method of ['appendEvents', 'replaceSla', 'setDerived', 'enqueueOutbox', 'setTags']) {
      const callers = holders.filter((f) => new RegExp(`\\.${method}\\(`).test(f.text)).map((f) => f.path);
      expect(callers, method).toEqual([join('tickets', 'ticket-change.ts')]);
    }
    expect(filesMatching(/insertInto\(\s*['"]tickets['"]/)).toEqual([ROWS]);
    expect(filesMatching(/insertInto\(\s*['"](ticket_events|ticket_sla)['"]/).sort()).toEqual([
      join('tickets', 'repositories', 'ticket-events.repository.ts'),
      join('tickets', 'repositories', 'ticket-sla.repository.ts'),
    ]);
  });
});
