import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { dialectOf } from '../db/dialect.ts';
import type { DeliveryTable } from '../db/schema.ts';
import { newId } from '../ids.ts';
import { appendLiveEvents } from '../live/live-event.repository.ts';
import { liveEventOf } from '../live/live-events.ts';
import { createWakeableLoop } from '../scheduler/loop.ts';
import { planDeliveries, prefetchStaffTickets, type FanOutOptions } from './fan-out.ts';
import { PermanentDeliveryError, type Channel, type NotificationProvider } from './provider.ts';

/**
 * Sends what the transactional outbox holds, in two steps, each safe with any number of instances:
 *
 * 1. Fan-out: in one transaction, lock a batch of pending `outbox` rows (SKIP LOCKED on PostgreSQL; SQLite has one
 *    writer), write one `deliveries` row per channel and target, and mark the outbox rows `dispatched`. A crash rolls
 *    the whole step back; the unique (outbox_id, channel, target) makes a repeat insert nothing.
 * 2. Delivery: claim due deliveries with a lease (the scheduler's pattern), send each through its channel's provider
 *    outside any transaction (network time must not hold locks), then record the result, fenced by the claim's
 *    attempt number. A crash between send and record resends after the lease, under the same delivery id
 *    (Message-ID, `webhook-id`): at-least-once, and a duplicate is recognisable.
 */
export interface DispatcherObserver {
  delivered?(channel: string): void;
  failed?(channel: string, dead: boolean): void;
}

export interface OutboxDispatcher {
  /** One fan-out batch and one delivery batch; the number of rows handled. */
  runOnce(): Promise<number>;
  start(): void;
  nudge(): void;
  stop(): Promise<void>;
}

export function createOutboxDispatcher(options: {
  db: Db;
  clock: Clock;
  providers: ReadonlyMap<Channel, NotificationProvider>;
  fanOut: FanOutOptions;
  leaseMs?: number;
  batchSize?: number;
  pollMs?: number;
  observer?: DispatcherObserver;
  onError?: (error: unknown) => void;
  /** After a fan-out that appended live events has committed: wakes this instance's stream readers. */
  onLiveEvents?: () => void;
}): OutboxDispatcher {
  const { db, clock, providers, observer } = options;
  const leaseMs = options.leaseMs ?? 120_000;
  const batchSize = options.batchSize ?? 50;
  const postgres = dialectOf(db as unknown as Kysely<unknown>) === 'postgres';

  async function fanOut(): Promise<number> {
    const nowMs = clock.nowMs();
    const staffTickets = await prefetchStaffTickets(db, options.fanOut, { nowMs, limit: batchSize });
    let appended = 0;
    const count = await db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom('outbox')
        .selectAll()
        .where('status', '=', 'pending')
        .where('available_at', '<=', nowMs)
        .orderBy('available_at')
        .orderBy('id')
        .limit(batchSize)
        .$if(postgres, (qb) => qb.forUpdate().skipLocked())
        .execute();
      for (const row of rows) {
        const planned = await planDeliveries(trx, row, options.fanOut, staffTickets);
        if (planned.length > 0)
          await trx
            .insertInto('deliveries')
            .values(
              planned.map((p) => ({
                id: newId(),
                workspace_id: row.workspace_id,
                outbox_id: row.id,
                channel: p.channel,
                target: p.target,
                event_type: p.eventType,
                message_json: JSON.stringify(p.content),
                status: 'pending',
                attempts: 0,
                next_attempt_at: nowMs,
                lease_until: null,
                last_error: null,
                external_id: null,
                created_at: nowMs,
                sent_at: null,
              })),
            )
            .onConflict((oc) => oc.columns(['outbox_id', 'channel', 'target']).doNothing())
            .execute();
      }
      // The live stream's log, in the same transaction (last: it takes the sequence row's lock, held until commit).
      const ticketIds = [
        ...new Set(
          rows
            .map((r) => (JSON.parse(r.payload_json) as Record<string, unknown>)['ticketId'])
            .filter((id): id is string => typeof id === 'string'),
        ),
      ];
      const scopes =
        ticketIds.length === 0
          ? []
          : await trx
              .selectFrom('tickets')
              .select(['id', 'workspace_id', 'organization_id', 'requester_id'])
              .where('id', 'in', ticketIds)
              .execute();
      // Outbox ids are random: within one instant, a ticket's creation goes first on the stream.
      const ordered = [...rows].sort(
        (a, b) =>
          Number(a.created_at) - Number(b.created_at) ||
          Number(b.topic === 'ticket.created') - Number(a.topic === 'ticket.created'),
      );
      const live = ordered.flatMap((row) => {
        const ticketId = (JSON.parse(row.payload_json) as Record<string, unknown>)['ticketId'];
        const scope = scopes.find((t) => t.id === ticketId && t.workspace_id === row.workspace_id);
        const event = liveEventOf(row, scope);
        return event === null ? [] : [event];
      });
      await appendLiveEvents(trx, live);
      appended = live.length;
      if (rows.length > 0)
        await trx
          .updateTable('outbox')
          .set({ status: 'dispatched', sent_at: nowMs })
          .where(
            'id',
            'in',
            rows.map((r) => r.id),
          )
          .execute();
      return rows.length;
    });
    if (appended > 0) options.onLiveEvents?.();
    return count;
  }

  /**
   * Claims up to a batch of deliveries: first those whose claim ran out (sending past their lease), then pending ones
   * whose attempt is due, each statement walking `deliveries_status_next_idx` in order. One OR of both made SQLite
   * gather and sort every due delivery for each batch, so a backlog (the mail server down for an hour) drained ever
   * slower as it grew (the scheduler's claim had the same shape: bench:jobs).
   */
  async function claimDeliveries(nowMs: number): Promise<DeliveryTable[]> {
    const claim = (status: 'pending' | 'sending', count: number) =>
      db
        .updateTable('deliveries')
        .set((eb) => ({ status: 'sending', lease_until: nowMs + leaseMs, attempts: eb('attempts', '+', 1) }))
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('deliveries as d')
            .select('d.id')
            .where('d.status', '=', status)
            .where(status === 'pending' ? 'd.next_attempt_at' : 'd.lease_until', '<=', nowMs)
            .orderBy('d.next_attempt_at')
            .limit(count)
            .$if(postgres, (qb) => qb.forUpdate().skipLocked()),
        )
        .returningAll()
        .execute();
    const expired = await claim('sending', batchSize);
    return expired.length < batchSize
      ? [...expired, ...(await claim('pending', batchSize - expired.length))]
      : expired;
  }

  async function record(delivery: DeliveryTable, set: Partial<DeliveryTable>): Promise<void> {
    await db
      .updateTable('deliveries')
      .set({ ...set, lease_until: null })
      .where('id', '=', delivery.id)
      .where('status', '=', 'sending')
      .where('attempts', '=', delivery.attempts)
      .execute();
  }

  async function deliver(delivery: DeliveryTable): Promise<void> {
    const provider = providers.get(delivery.channel as Channel);
    const attempts = Number(delivery.attempts);
    try {
      if (provider === undefined)
        throw new PermanentDeliveryError(`no provider for channel '${delivery.channel}'`);
      const { externalId } = await provider.send({
        id: delivery.id,
        workspaceId: delivery.workspace_id,
        channel: delivery.channel as Channel,
        target: delivery.target,
        eventType: delivery.event_type,
        content: JSON.parse(delivery.message_json) as Record<string, unknown>,
        attempt: attempts,
      });
      await record(delivery, {
        status: 'sent',
        sent_at: clock.nowMs(),
        external_id: externalId,
        last_error: null,
      });
      observer?.delivered?.(delivery.channel);
    } catch (error) {
      const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
      const delayMs =
        error instanceof PermanentDeliveryError ? null : (provider?.retryDelayMs(attempts) ?? null);
      if (delayMs === null) await record(delivery, { status: 'dead', last_error: message });
      else
        await record(delivery, {
          status: 'pending',
          next_attempt_at: clock.nowMs() + delayMs,
          last_error: message,
        });
      observer?.failed?.(delivery.channel, delayMs === null);
    }
  }

  async function runOnce(): Promise<number> {
    const fanned = await fanOut();
    const claimed = await claimDeliveries(clock.nowMs());
    await Promise.all(claimed.map(deliver));
    return Math.max(fanned, claimed.length);
  }

  const loop = createWakeableLoop({
    step: runOnce,
    batchSize,
    pollMs: options.pollMs ?? 1000,
    onError: options.onError ?? ((error) => console.error('accord: outbox dispatcher', error)),
  });
  return { runOnce, start: loop.start, nudge: loop.nudge, stop: loop.stop };
}
