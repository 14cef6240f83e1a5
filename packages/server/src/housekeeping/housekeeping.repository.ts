import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.ts';
import { CONSULTATION_JOB_KINDS } from '../consultations/consultation-workflow.ts';
import { pendingJobRow, type JobState } from '../scheduler/jobs.repository.ts';
import { SLA_JOB_KINDS } from '../tickets/ticket-deadlines.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** The job states a job never leaves by itself (a skipped key may be scheduled anew: as a new pending upsert). */
export const FINAL_JOB_STATES = ['done', 'dead', 'skipped'] as const satisfies readonly JobState[];
export type FinalJobState = (typeof FINAL_JOB_STATES)[number];

/** A delivery is final once sent, or dead (no attempt left); pending and sending ones still have work to do. */
export const FINAL_DELIVERY_STATUSES = ['sent', 'dead'] as const;
export type FinalDeliveryStatus = (typeof FINAL_DELIVERY_STATUSES)[number];

/**
 * The kinds whose keys a recompute of a live subject computes again: a ticket's breached clock asks for its breach job
 * on every change (`slaDeadlines` gives `nowMs` for a line already crossed), a consultation's acceptance its contact
 * jobs. For those, the fired (done/dead) row is what keeps the key from firing twice (`replaceJobs` never inserts a
 * key that ran), so it is pruned only once its subject can no longer be recomputed: the ticket closed (terminal, core
 * `workflow.ts`), the consultation closed or cancelled, or the subject gone.
 */
const TICKET_JOB_KINDS: readonly string[] = SLA_JOB_KINDS;
const CONSULTATION_KINDS: readonly string[] = CONSULTATION_JOB_KINDS;

/**
 * One bounded delete of jobs in a final state due before `beforeMs`. The instant is `due_at` for every state: it is
 * indexed with the state (`jobs_state_due_idx`, the claim's index), and a job's final instant is never before it (a
 * job fires, dies or is skipped at or after its due instant) and is later only by the scheduler's lateness or retries
 * (hours at most), which is nothing next to a retention of days. `fired_at` is null for dead and skipped rows, and an
 * expression over two columns could use no index.
 */
export function pruneJobsQuery(db: Db, q: { state: FinalJobState; beforeMs: number; limit: number }) {
  return db.deleteFrom('jobs').where('id', 'in', (eb) =>
    eb
      .selectFrom('jobs as j')
      .select('j.id')
      .where('j.state', '=', q.state)
      .where('j.due_at', '<', q.beforeMs)
      // A skipped row never fired: deleting it changes nothing a recompute would do (it upserts the key pending
      // either way). A fired row of a live subject's recomputed kind must stay (see TICKET_JOB_KINDS).
      .$if(q.state !== 'skipped', (qb) =>
        qb.where((w) =>
          w.or([
            w('j.kind', 'not in', [...TICKET_JOB_KINDS, ...CONSULTATION_KINDS]),
            w.and([
              w('j.kind', 'in', TICKET_JOB_KINDS),
              w.not(
                w.exists(
                  w
                    .selectFrom('tickets as t')
                    .select('t.id')
                    .whereRef('t.id', '=', 'j.subject_id')
                    .where('t.status', '<>', 'closed'),
                ),
              ),
            ]),
            w.and([
              w('j.kind', 'in', CONSULTATION_KINDS),
              w.not(
                w.exists(
                  w
                    .selectFrom('consultations as c')
                    .select('c.id')
                    .whereRef('c.id', '=', 'j.subject_id')
                    .where('c.state', 'not in', ['closed', 'cancelled']),
                ),
              ),
            ]),
          ]),
        ),
      )
      // Oldest first, in the index's order: the walk stops at the batch whatever the planner's statistics.
      .orderBy('j.due_at')
      .limit(q.limit),
  );
}

/**
 * One bounded delete of final deliveries whose last attempt was due before `beforeMs` (`next_attempt_at`, indexed with
 * the status as `deliveries_status_next_idx`, the dispatcher's claim index; a delivery is sent or given up at or after
 * it, by a lease at most).
 */
export function pruneDeliveriesQuery(
  db: Db,
  q: { status: FinalDeliveryStatus; beforeMs: number; limit: number },
) {
  return db
    .deleteFrom('deliveries')
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('deliveries as d')
        .select('d.id')
        .where('d.status', '=', q.status)
        .where('d.next_attempt_at', '<', q.beforeMs)
        .orderBy('d.next_attempt_at')
        .limit(q.limit),
    );
}

/**
 * One bounded delete of dispatched outbox rows available before `beforeMs` (`outbox_status_available_idx`; a row is
 * dispatched at or after it) that no delivery refers to any more. Deliveries are written only while their outbox row
 * is pending (the fan-out marks it dispatched in the same transaction), so a dispatched row without deliveries never
 * gets one; and a kept delivery keeps its outbox row, which inbound mail reads to thread a reply
 * (`ticketOfDelivery`). The lookup is the unique (outbox_id, channel, target) index.
 */
export function pruneOutboxQuery(db: Db, q: { beforeMs: number; limit: number }) {
  return db.deleteFrom('outbox').where('id', 'in', (eb) =>
    eb
      .selectFrom('outbox as o')
      .select('o.id')
      .where('o.status', '=', 'dispatched')
      .where('o.available_at', '<', q.beforeMs)
      .where((w) =>
        w.not(w.exists(w.selectFrom('deliveries as d').select('d.id').whereRef('d.outbox_id', '=', 'o.id'))),
      )
      .orderBy('o.available_at')
      .limit(q.limit),
  );
}

/**
 * Inserts a housekeeping job unless its key exists (pending, or already run: a key runs at most once, so two
 * instances scheduling the same period, or one restarting within it, leave one job).
 */
export async function insertHousekeepingJob(
  db: Db,
  job: { kind: string; key: string; dueAtMs: number; payload: Record<string, unknown>; nowMs: number },
): Promise<void> {
  await db
    .insertInto('jobs')
    // Not a workspace's job: the whole database's.
    .values(pendingJobRow({ ...job, workspaceId: '*', subjectId: job.kind }))
    .onConflict((oc) => oc.column('key').doNothing())
    .execute();
}
