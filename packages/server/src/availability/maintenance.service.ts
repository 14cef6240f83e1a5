import { MAINTENANCE_ANNOUNCED_TOPIC } from './maintenance-messages.ts';
import { iso, requireRole } from '../access.ts';
import type { Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import {
  expandRecurrence,
  parseRrule,
  RecurrenceError,
  type Interval,
  type RecurrenceRule,
} from './availability-core.ts';
import type { ExclusionRow, MaintenanceRepository, MaintenanceRow } from './maintenance.repository.ts';
import type { MonitorRepository, MonitorRow } from './monitor.repository.ts';

export const EXCLUSION_REASONS = ['force-majeure', 'client-side', 'misuse'] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/** How far ahead a window may be announced, and how far back an exclusion may reach. */
const MAX_SPAN_MS = 366 * 86_400_000;

export interface MaintenanceInput {
  monitorIds?: string[] | undefined;
  organizationId?: string | undefined;
  startsAtMs: number;
  endsAtMs: number;
  recurrence?: { rrule: string; timeZone?: string | undefined } | undefined;
  title: string;
  announce: boolean;
}

export interface ExclusionInput {
  monitorId?: string | undefined;
  organizationId?: string | undefined;
  fromMs: number;
  toMs: number;
  reason: ExclusionReason;
  note: string;
}

export function maintenanceDto(row: MaintenanceRow) {
  return {
    id: row.id,
    title: row.title,
    organizationId: row.organization_id,
    monitorIds: row.monitor_ids_json === null ? null : (JSON.parse(row.monitor_ids_json) as string[]),
    startsAt: iso(Number(row.starts_at)),
    endsAt: iso(Number(row.ends_at)),
    recurrence: row.rrule === null ? null : { rrule: row.rrule, timeZone: row.time_zone },
    announce: row.announce === 1,
    createdBy: row.created_by,
    createdAt: iso(Number(row.created_at)),
  };
}

export function exclusionDto(row: ExclusionRow) {
  return {
    id: row.id,
    organizationId: row.organization_id,
    monitorId: row.monitor_id,
    from: iso(Number(row.from_at)),
    to: iso(Number(row.to_at)),
    reason: row.reason as ExclusionReason,
    note: row.note,
    createdBy: row.created_by,
    createdAt: iso(Number(row.created_at)),
  };
}

function ruleOf(row: MaintenanceRow): RecurrenceRule | null {
  return row.rrule === null ? null : parseRrule(row.rrule);
}

/** Does a window or exclusion cover this monitor? (by organization, or naming it) */
function concerns(
  row: { organization_id: string | null; monitor_ids_json?: string | null },
  monitor: MonitorRow,
) {
  if (row.organization_id !== null) return row.organization_id === monitor.organization_id;
  const ids = row.monitor_ids_json == null ? [] : (JSON.parse(row.monitor_ids_json) as string[]);
  return ids.includes(monitor.id);
}

/** Maintenance windows (announced ahead) and exclusions (entered after the fact, audited by who, when and why). */
export function createMaintenanceService(deps: {
  db: Db;
  maintenance: MaintenanceRepository;
  monitors: MonitorRepository;
  clock: Clock;
  zoneOf: (workspaceId: string) => Promise<string>;
}) {
  const { db, maintenance, monitors, clock, zoneOf } = deps;

  async function checkScope(
    actor: Actor,
    input: { monitorIds?: string[] | undefined; organizationId?: string },
  ) {
    const ids = input.monitorIds ?? [];
    if (ids.length > 0 === (input.organizationId !== undefined))
      throw new DomainError('VALIDATION_FAILED', 'give either monitorIds or organizationId', {
        field: 'monitorIds',
      });
    for (const id of ids)
      if ((await monitors.find(db, actor.workspaceId, id)) === undefined)
        throw new DomainError('MONITOR_NOT_FOUND', `monitor ${id} not found`);
    if (input.organizationId !== undefined) {
      const org = await db
        .selectFrom('organizations')
        .select('id')
        .where('workspace_id', '=', actor.workspaceId)
        .where('id', '=', input.organizationId)
        .executeTakeFirst();
      if (org === undefined) throw new DomainError('ORGANIZATION_NOT_FOUND', 'organization not found');
    }
  }

  function checkSpan(fromMs: number, toMs: number, field: string) {
    if (toMs <= fromMs)
      throw new DomainError('VALIDATION_FAILED', `${field}: the end must come after the start`, { field });
    if (toMs - fromMs > MAX_SPAN_MS)
      throw new DomainError('VALIDATION_FAILED', `${field}: a span is at most 366 days`, { field });
  }

  /** Announcements to the organizations concerned: their clients get e-mail and in-app through the outbox. */
  async function announce(actor: Actor, row: MaintenanceRow, monitorRows: MonitorRow[]) {
    const orgIds = new Set<string>();
    if (row.organization_id !== null) orgIds.add(row.organization_id);
    for (const m of monitorRows) orgIds.add(m.organization_id);
    if (orgIds.size === 0) return;
    const members = await db
      .selectFrom('memberships')
      .select('user_id')
      .where('workspace_id', '=', actor.workspaceId)
      .where('organization_id', 'in', [...orgIds])
      .where('disabled_at', 'is', null)
      .execute();
    const nowMs = clock.nowMs();
    await db
      .insertInto('outbox')
      .values({
        id: newId(),
        workspace_id: actor.workspaceId,
        idempotency_key: `${MAINTENANCE_ANNOUNCED_TOPIC}:${row.id}`,
        topic: MAINTENANCE_ANNOUNCED_TOPIC,
        payload_json: JSON.stringify({
          maintenance: maintenanceDto(row),
          recipients: members.map((m) => m.user_id),
        }),
        status: 'pending',
        attempts: 0,
        available_at: nowMs,
        created_at: nowMs,
        sent_at: null,
      })
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .execute();
  }

  return {
    async createWindow(actor: Actor, input: MaintenanceInput) {
      requireRole(actor, ['admin'], 'schedule maintenance');
      await checkScope(actor, input);
      checkSpan(input.startsAtMs, input.endsAtMs, 'endsAt');
      const timeZone = input.recurrence?.timeZone ?? (await zoneOf(actor.workspaceId));
      if (input.recurrence !== undefined) {
        try {
          parseRrule(input.recurrence.rrule);
          expandRecurrence({
            startsAtMs: input.startsAtMs,
            endsAtMs: input.endsAtMs,
            rule: parseRrule(input.recurrence.rrule),
            timeZone,
            window: { startMs: input.startsAtMs, endMs: input.startsAtMs + 1 },
          });
        } catch (error) {
          if (error instanceof RecurrenceError || error instanceof RangeError)
            throw new DomainError('VALIDATION_FAILED', `recurrence: ${error.message}`, {
              field: 'recurrence',
            });
          throw error;
        }
      }
      const row: MaintenanceRow = {
        id: newId(),
        workspace_id: actor.workspaceId,
        organization_id: input.organizationId ?? null,
        monitor_ids_json:
          input.monitorIds === undefined ? null : JSON.stringify([...new Set(input.monitorIds)]),
        starts_at: input.startsAtMs,
        ends_at: input.endsAtMs,
        rrule: input.recurrence?.rrule ?? null,
        time_zone: timeZone,
        title: input.title,
        announce: input.announce ? 1 : 0,
        created_by: actor.userId,
        created_at: clock.nowMs(),
      };
      await maintenance.insertWindow(row);
      if (input.announce) await announce(actor, row, await monitors.findByIds(input.monitorIds ?? []));
      return maintenanceDto(row);
    },

    async listWindows(actor: Actor) {
      if (actor.role === 'client' && actor.organizationId !== null) {
        // A client sees the announced windows on its own sites: the organization's, or naming its monitors (and
        // only those of the listed monitors; who scheduled it stays internal).
        const own = new Set(
          (await monitors.list(actor.workspaceId, { organizationId: actor.organizationId })).map((m) => m.id),
        );
        return (await maintenance.windows(actor.workspaceId))
          .filter((row) => row.announce === 1)
          .map(maintenanceDto)
          .map((w) => ({
            ...w,
            monitorIds: w.monitorIds?.filter((id) => own.has(id)) ?? null,
            createdBy: '',
          }))
          .filter((w) => w.organizationId === actor.organizationId || (w.monitorIds?.length ?? 0) > 0);
      }
      requireRole(actor, ['admin', 'agent'], 'list maintenance windows');
      return (await maintenance.windows(actor.workspaceId)).map(maintenanceDto);
    },

    async deleteWindow(actor: Actor, id: string) {
      requireRole(actor, ['admin'], 'delete maintenance windows');
      if ((await maintenance.findWindow(actor.workspaceId, id)) === undefined)
        throw new DomainError('MAINTENANCE_NOT_FOUND', 'maintenance window not found');
      await maintenance.deleteWindow(id);
    },

    async createExclusion(actor: Actor, input: ExclusionInput) {
      requireRole(actor, ['admin'], 'exclude time from availability');
      checkSpan(input.fromMs, input.toMs, 'to');
      if (input.toMs > clock.nowMs())
        throw new DomainError(
          'VALIDATION_FAILED',
          'an exclusion is entered after the fact: `to` is in the future',
          {
            field: 'to',
          },
        );
      let organizationId = input.organizationId ?? null;
      if ((input.monitorId === undefined) === (input.organizationId === undefined))
        throw new DomainError('VALIDATION_FAILED', 'give either monitorId or organizationId', {
          field: 'monitorId',
        });
      if (input.monitorId !== undefined) {
        const monitor = await monitors.find(db, actor.workspaceId, input.monitorId);
        if (monitor === undefined) throw new DomainError('MONITOR_NOT_FOUND', 'monitor not found');
        organizationId = monitor.organization_id;
      } else await checkScope(actor, { organizationId: input.organizationId ?? '' });
      const row: ExclusionRow = {
        id: newId(),
        workspace_id: actor.workspaceId,
        organization_id: organizationId,
        monitor_id: input.monitorId ?? null,
        from_at: input.fromMs,
        to_at: input.toMs,
        reason: input.reason,
        note: input.note,
        created_by: actor.userId,
        created_at: clock.nowMs(),
      };
      await maintenance.insertExclusion(row);
      return exclusionDto(row);
    },

    async listExclusions(actor: Actor, organizationId?: string) {
      requireRole(actor, ['admin', 'agent'], 'list availability exclusions');
      return (await maintenance.exclusions(actor.workspaceId, { organizationId })).map(exclusionDto);
    },

    /** The maintenance occurrences of this monitor overlapping `window`. */
    async maintenanceFor(monitor: MonitorRow, window: Interval): Promise<Interval[]> {
      const rows = await maintenance.windows(monitor.workspace_id, monitor.organization_id);
      return rows
        .filter((row) => concerns(row, monitor))
        .flatMap((row) =>
          expandRecurrence({
            startsAtMs: Number(row.starts_at),
            endsAtMs: Number(row.ends_at),
            rule: ruleOf(row),
            timeZone: row.time_zone,
            window,
          }),
        );
    },

    /** Rows (with their occurrences in `window`) for a report or the status page. */
    async windowsFor(workspaceId: string, organizationId: string | undefined, window: Interval) {
      const rows = await maintenance.windows(workspaceId, organizationId);
      return rows
        .map((row) => ({
          row,
          occurrences: expandRecurrence({
            startsAtMs: Number(row.starts_at),
            endsAtMs: Number(row.ends_at),
            rule: ruleOf(row),
            timeZone: row.time_zone,
            window,
          }),
        }))
        .filter((w) => w.occurrences.length > 0);
    },

    async exclusionsFor(monitor: MonitorRow, window: Interval): Promise<ExclusionRow[]> {
      const rows = await maintenance.exclusions(monitor.workspace_id, {
        organizationId: monitor.organization_id,
        fromMs: window.startMs,
        toMs: window.endMs,
      });
      return rows.filter((r) => r.monitor_id === null || r.monitor_id === monitor.id);
    },

    exclusionRows: (workspaceId: string, organizationId: string, window: Interval) =>
      maintenance.exclusions(workspaceId, { organizationId, fromMs: window.startMs, toMs: window.endMs }),
  };
}

export type MaintenanceService = ReturnType<typeof createMaintenanceService>;
