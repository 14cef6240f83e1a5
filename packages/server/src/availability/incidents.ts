import type { Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../access.ts';
import type { TicketRepository } from '../tickets/ticket.repository.ts';
import type { TicketChange } from '../tickets/ticket-change.ts';
import type { CreateTicketInput, TicketDto } from '../tickets/ticket.service.ts';
import { assertTransition } from '../tickets/ticket-workflow.ts';
import type { CheckStatus, MonitorState } from './availability-core.ts';
import type { MonitorRepository, MonitorRow } from './monitor.repository.ts';

/** An outage (down, error) and slowness are separate incidents, each with its own ticket column on the monitor. */
type IncidentKind = 'outage' | 'slow';
const COLUMN = { outage: 'outage_ticket_id', slow: 'slow_ticket_id' } as const;

export interface IncidentDeps {
  readonly monitors: MonitorRepository;
  readonly tickets: TicketRepository;
  readonly change: TicketChange;
  readonly createTicket: (actor: Actor, input: CreateTicketInput) => Promise<TicketDto>;
  readonly clock: Clock;
}

/** Who Accord acts as for a monitor: an admin, recorded as the monitor's creator (a real account). */
function monitorActor(monitor: MonitorRow): Actor {
  return {
    userId: monitor.created_by,
    name: 'Accord monitoring',
    sessionId: 'monitoring',
    workspaceId: monitor.workspace_id,
    role: 'admin',
    organizationId: null,
  };
}

function kindOf(state: MonitorState): IncidentKind | null {
  if (state === 'down' || state === 'error') return 'outage';
  if (state === 'slow') return 'slow';
  return null;
}

/**
 * Incident tickets of monitors. A confirmed failure opens a P1 (slow: P2) on channel `monitoring`, dated from the
 * detection so its clocks count from then; a further failure while it is open is appended to it; recovery appends
 * `monitor-recovered` and, with `resolveOnRecovery`, resolves it. Every ticket write goes through the write path.
 */
export function createIncidents({ monitors, tickets, change, createTicket, clock }: IncidentDeps) {
  async function openTicket(ticketId: string | null, workspaceId: string) {
    if (ticketId === null) return undefined;
    const row = await tickets.find(workspaceId, ticketId);
    return row === undefined || row.status === 'resolved' || row.status === 'closed' ? undefined : row;
  }

  async function appendEvent(
    monitor: MonitorRow,
    ticketId: string,
    type: string,
    payload: Record<string, unknown>,
    resolve: boolean,
  ) {
    const ticket = await tickets.find(monitor.workspace_id, ticketId);
    if (ticket === undefined) return;
    await change.apply({
      ticket,
      actorId: monitor.created_by,
      nowMs: clock.nowMs(),
      decide: (current) => {
        const events = [{ type, payload: { monitorId: monitor.id, ...payload } }];
        const from = current.status as Parameters<typeof assertTransition>[0];
        if (!resolve || from === 'resolved' || from === 'closed') return { events, result: null };
        assertTransition(from, 'resolved', 'staff');
        return {
          set: { status: 'resolved' },
          events: [...events, { type: 'status-changed', payload: { status: 'resolved', from } }],
          result: null,
        };
      },
    });
  }

  async function open(
    monitor: MonitorRow,
    kind: IncidentKind,
    status: CheckStatus,
    detail: string,
    atMs: number,
  ) {
    const column = COLUMN[kind];
    const current = monitor[column];
    const stillOpen = await openTicket(current, monitor.workspace_id);
    if (stillOpen !== undefined) {
      await appendEvent(monitor, stillOpen.id, 'monitor-failed', { status, detail, at: iso(atMs) }, false);
      return;
    }
    const requesterId = await monitors.organizationContact(monitor.workspace_id, monitor.organization_id);
    const title =
      kind === 'outage'
        ? `${monitor.name} is ${status === 'down' ? 'down' : 'failing'}`
        : `${monitor.name} is slow`;
    const created = await createTicket(monitorActor(monitor), {
      subject: title.slice(0, 200),
      description: `Detected by Accord monitoring at ${iso(atMs)}: ${detail}`,
      priority: kind === 'outage' ? 'P1' : 'P2',
      category: 'hosting',
      channel: 'monitoring',
      organizationId: monitor.organization_id,
      requesterId,
      reportedAtMs: Math.min(atMs, clock.nowMs()),
      tags: ['monitoring', `monitor-${monitor.id}`],
    });
    // Two recorders racing on one monitor cannot both keep their ticket: the loser's is closed as a duplicate.
    if (!(await monitors.swapIncident(column, monitor.id, current, created.id))) {
      await appendEvent(
        monitor,
        created.id,
        'monitor-duplicate',
        { detail: 'another incident is open' },
        true,
      );
      return;
    }
    await appendEvent(monitor, created.id, 'monitor-detected', { status, detail, at: iso(atMs) }, false);
  }

  async function recover(monitor: MonitorRow, kind: IncidentKind, atMs: number) {
    const column = COLUMN[kind];
    const ticketId = monitor[column];
    if (ticketId === null) return;
    const resolve = monitor.resolve_on_recovery === 1;
    await appendEvent(monitor, ticketId, 'monitor-recovered', { at: iso(atMs) }, resolve);
    // Kept when not resolved: a new failure is appended to the same ticket while it stays open.
    if (resolve) await monitors.swapIncident(column, monitor.id, ticketId, null);
  }

  return {
    /**
     * Called after a state transition is stored. `inMaintenance`: during a maintenance window failures open nothing
     * (the time is excluded from availability), but recovery still closes what was open before it.
     */
    async onTransition(
      monitor: MonitorRow,
      transition: { from: MonitorState; to: CheckStatus },
      { atMs, detail, inMaintenance }: { atMs: number; detail: string; inMaintenance: boolean },
    ) {
      const before = kindOf(transition.from);
      const after = kindOf(transition.to);
      if (before !== null && before !== after) await recover(monitor, before, atMs);
      if (after !== null && !inMaintenance) {
        const fresh = (await monitors.get(monitor.id)) ?? monitor;
        await open(fresh, after, transition.to, detail, atMs);
      }
    },
  };
}

export type Incidents = ReturnType<typeof createIncidents>;
