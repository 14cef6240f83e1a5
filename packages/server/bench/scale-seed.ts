/**
 * Seeds a desk at scale for `npm run bench:api -- --scale N`: N tickets over 10,000 organizations and 50 agents,
 * five years of history, cloned in batched multi-row inserts (not HTTP) from the demo's hosting tickets, which the
 * real write path made. Each clone keeps its template's events, comments, tags and clock rows; its organization is
 * drawn at random, its instants moved back by whole weeks (business hours stay business hours, holidays aside).
 * The newest share (`openShare`) keeps its template's state (open, waiting, resolved…); the rest is closed, its
 * clocks met, as a desk's history mostly is.
 */
import { randomUUID } from 'node:crypto';
import { sql, type Insertable, type Kysely } from 'kysely';
import { dialectOf } from '../src/db/dialect.ts';
import type { Database } from '../src/db/schema.ts';

type Db = Kysely<Database>;
const WEEK_MS = 7 * 86_400_000;
const YEARS = 5;

export interface ScaleSeedOptions {
  readonly tickets: number;
  readonly organizations: number;
  readonly agents: number;
  /** Share of the tickets that stay in their template's (possibly open) state; the rest are closed. */
  readonly openShare: number;
  /** Rows per INSERT statement (bounded by the dialect's parameter limit). */
  readonly rowsPerInsert: number;
}

export interface ScaleSeedResult {
  readonly workspaceId: string;
  readonly organizationIds: readonly string[];
  readonly agentEmails: readonly string[];
  /** Some open tickets (for get, history and comment cases). */
  readonly openTicketIds: readonly string[];
  readonly seconds: number;
}

/** A deterministic generator, so two runs seed the same desk. */
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function insertChunked<T extends keyof Database>(
  db: Db,
  table: T,
  rows: Insertable<Database[T]>[],
  rowsPerInsert: number,
): Promise<void> {
  for (let i = 0; i < rows.length; i += rowsPerInsert)
    // One helper for every table: Kysely cannot relate a generic table's row type to its values() parameter.
    await db
      .insertInto(table)
      .values(rows.slice(i, i + rowsPerInsert) as never)
      .execute();
}

export async function seedScale(
  db: Db,
  workspaceSlug: string,
  options: ScaleSeedOptions,
): Promise<ScaleSeedResult> {
  const started = performance.now();
  const random = mulberry32(20261129);
  const workspace = await db
    .selectFrom('workspaces')
    .select('id')
    .where('slug', '=', workspaceSlug)
    .executeTakeFirstOrThrow();
  const workspaceId = workspace.id;
  const templates = await db
    .selectFrom('tickets')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at')
    .execute();
  if (templates.length === 0)
    throw new Error(`scale seed: workspace ${workspaceSlug} has no ticket to clone`);
  const ids = templates.map((t) => t.id);
  const [events, comments, tags, clocks, contracts, agent] = await Promise.all([
    db.selectFrom('ticket_events').selectAll().where('ticket_id', 'in', ids).execute(),
    db.selectFrom('comments').selectAll().where('ticket_id', 'in', ids).execute(),
    db.selectFrom('ticket_tags').selectAll().where('ticket_id', 'in', ids).execute(),
    db.selectFrom('ticket_sla').selectAll().where('ticket_id', 'in', ids).execute(),
    db.selectFrom('contracts').selectAll().where('workspace_id', '=', workspaceId).execute(),
    db
      .selectFrom('users')
      .innerJoin('memberships', 'memberships.user_id', 'users.id')
      .select(['users.password_hash'])
      .where('memberships.workspace_id', '=', workspaceId)
      .where('memberships.role', '=', 'agent')
      .executeTakeFirstOrThrow(),
  ]);
  const byTicket = <R extends { ticket_id: string }>(rows: R[]) => {
    const map = new Map<string, R[]>();
    for (const row of rows) map.set(row.ticket_id, [...(map.get(row.ticket_id) ?? []), row]);
    return map;
  };
  const eventsOf = byTicket(events);
  const commentsOf = byTicket(comments);
  const tagsOf = byTicket(tags);
  const clocksOf = byTicket(clocks);

  // Organizations, each with a contract cloned from one of the demo's (plans in the demo's mix).
  const nowMs = Date.now();
  const organizationIds: string[] = [];
  const organizations: Insertable<Database['organizations']>[] = [];
  const orgContracts: Insertable<Database['contracts']>[] = [];
  for (let i = 0; i < options.organizations; i++) {
    const id = randomUUID();
    organizationIds.push(id);
    organizations.push({
      id,
      workspace_id: workspaceId,
      name: `Scale org ${i}`,
      contacts_json: '[]',
      sites_json: '[]',
      created_at: nowMs - YEARS * 52 * WEEK_MS,
    });
    const contract = contracts[i % contracts.length]!;
    orgContracts.push({ ...contract, id: randomUUID(), organization_id: id });
  }
  const agentEmails: string[] = [];
  const users: Insertable<Database['users']>[] = [];
  const memberships: Insertable<Database['memberships']>[] = [];
  for (let i = 0; i < options.agents; i++) {
    const id = randomUUID();
    const email = `agent${i}@scale.bench.test`;
    agentEmails.push(email);
    users.push({
      id,
      email,
      name: `Scale agent ${i}`,
      password_hash: agent.password_hash,
      created_at: nowMs,
      disabled_at: null,
      language: null,
      time_zone: null,
    });
    memberships.push({
      user_id: id,
      workspace_id: workspaceId,
      role: 'agent',
      organization_id: null,
      created_at: nowMs,
      disabled_at: null,
      invitation: null,
      invited_name: null,
    });
  }
  await db.transaction().execute(async (trx) => {
    await insertChunked(trx, 'organizations', organizations, options.rowsPerInsert);
    await insertChunked(trx, 'contracts', orgContracts, options.rowsPerInsert);
    await insertChunked(trx, 'users', users, options.rowsPerInsert);
    await insertChunked(trx, 'memberships', memberships, options.rowsPerInsert);
  });

  const openTicketIds: string[] = [];
  const batch = 2_000;
  for (let start = 0; start < options.tickets; start += batch) {
    const tickets: Insertable<Database['tickets']>[] = [];
    const ticketEvents: Insertable<Database['ticket_events']>[] = [];
    const ticketComments: Insertable<Database['comments']>[] = [];
    const ticketTags: Insertable<Database['ticket_tags']>[] = [];
    const ticketClocks: Insertable<Database['ticket_sla']>[] = [];
    for (let n = start; n < Math.min(options.tickets, start + batch); n++) {
      const template = templates[n % templates.length]!;
      const open = random() < options.openShare;
      // Open ones in the last four weeks, the history over five years.
      const weeks = open ? Math.floor(random() * 4) : 4 + Math.floor(random() * (YEARS * 52 - 4));
      const shift = weeks * WEEK_MS;
      const id = randomUUID();
      const organizationId = organizationIds[Math.floor(random() * organizationIds.length)]!;
      const closed = !open;
      if (open && (template.status === 'new' || template.status === 'open') && openTicketIds.length < 1000)
        openTicketIds.push(id);
      tickets.push({
        ...template,
        id,
        organization_id: organizationId,
        status: closed ? 'closed' : template.status,
        queue_start_at: template.queue_start_at - shift,
        next_due_at: closed || template.next_due_at === null ? null : template.next_due_at - shift,
        created_at: template.created_at - shift,
        updated_at: template.updated_at - shift,
      });
      for (const e of eventsOf.get(template.id) ?? [])
        ticketEvents.push({ ...e, id: randomUUID(), ticket_id: id, at: e.at - shift });
      for (const c of commentsOf.get(template.id) ?? [])
        ticketComments.push({ ...c, id: randomUUID(), ticket_id: id, created_at: c.created_at - shift });
      for (const t of tagsOf.get(template.id) ?? []) ticketTags.push({ ...t, ticket_id: id });
      for (const c of clocksOf.get(template.id) ?? []) {
        const moved = (v: number | null) => (v === null ? null : v - shift);
        const running = c.state === 'running' || c.state === 'paused';
        ticketClocks.push({
          ...c,
          ticket_id: id,
          started_at: c.started_at - shift,
          due_at: moved(c.due_at),
          breached_at: moved(c.breached_at),
          stopped_at: closed && running ? c.started_at - shift + 3_600_000 : moved(c.stopped_at),
          state: closed && running ? 'met' : c.state,
          computed_at: c.computed_at - shift,
        });
      }
    }
    await db.transaction().execute(async (trx) => {
      await insertChunked(trx, 'tickets', tickets, options.rowsPerInsert);
      await insertChunked(trx, 'ticket_events', ticketEvents, options.rowsPerInsert);
      await insertChunked(trx, 'comments', ticketComments, options.rowsPerInsert);
      await insertChunked(trx, 'ticket_tags', ticketTags, options.rowsPerInsert);
      await insertChunked(trx, 'ticket_sla', ticketClocks, options.rowsPerInsert);
    });
  }
  // A bulk load is not how a desk grows: PostgreSQL's autovacuum would analyze the new rows only some time later.
  // SQLite's server analyzes at open (db/database.ts).
  if (dialectOf(db as never) === 'postgres') await sql`analyze`.execute(db);
  return {
    workspaceId,
    organizationIds,
    agentEmails,
    openTicketIds,
    seconds: (performance.now() - started) / 1000,
  };
}
