import { requireRole } from '../access.ts';
import { isStaff, type Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { DomainError } from '../errors.ts';
import {
  availabilityFromTotals,
  keptTime,
  monthOf,
  monthWindow,
  type AvailabilityFigures,
  type Interval,
} from './availability-core.ts';
import type { MaintenanceService } from './maintenance.service.ts';
import type { MonitorRepository, MonitorRow } from './monitor.repository.ts';
import type { MonitorTimeline } from './monitor-timeline.ts';

/**
 * Monthly availability promised, by policy preset. The consultation agreement: « une disponibilité mensuelle de
 * 99 %, hors maintenance programmée ». The hosting agreement states no figure; until contracts carry one, Accord
 * measures it against the same 99 % and says so (`targetSource: 'default'`).
 */
const PRESET_TARGETS: Readonly<Record<string, number>> = { 'consulting-sa': 0.99 };
export const DEFAULT_TARGET = 0.99;

export type TargetSource = 'contract' | 'policy' | 'default';
export type Figures = AvailabilityFigures & { targetSource: TargetSource };

/** Availability figures of a monitor or an organization, from stored results, maintenance and exclusions. */
export function createFiguresService(deps: {
  db: Db;
  monitors: MonitorRepository;
  maintenance: MaintenanceService;
  timeline: MonitorTimeline;
  clock: Clock;
  zoneOf: (workspaceId: string) => Promise<string>;
}) {
  const { db, monitors, maintenance, timeline, clock, zoneOf } = deps;

  /** The target that applies: the organization's current contract's own, else the policy preset's, else 99 %. */
  async function targetOf(
    workspaceId: string,
    organizationId?: string,
  ): Promise<{ target: number; targetSource: TargetSource }> {
    if (organizationId !== undefined) {
      const contract = await db
        .selectFrom('contracts')
        .select('availability_target_ppm')
        .where('workspace_id', '=', workspaceId)
        .where('organization_id', '=', organizationId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .executeTakeFirst();
      const ppm = contract?.availability_target_ppm ?? null;
      if (ppm !== null) return { target: Number(ppm) / 1_000_000, targetSource: 'contract' };
    }
    const ws = await db
      .selectFrom('workspaces')
      .select('policy_preset')
      .where('id', '=', workspaceId)
      .executeTakeFirst();
    const preset = ws?.policy_preset ?? null;
    const target = preset === null ? undefined : PRESET_TARGETS[preset];
    return target === undefined
      ? { target: DEFAULT_TARGET, targetSource: 'default' }
      : { target, targetSource: 'policy' };
  }

  /**
   * Figures of one monitor over `window`; time after now is not counted (nor owed, except in the budget). The state
   * time comes from rollups where rolled, raw results for the rest (monitor-timeline.ts): the same figures either way
   * while every edge falls on a minute, which maintenance, exclusions and months do.
   */
  async function monitorFigures(
    monitor: MonitorRow,
    window: Interval,
    target: number,
  ): Promise<AvailabilityFigures> {
    const nowMs = clock.nowMs();
    const seen = { startMs: window.startMs, endMs: Math.max(window.startMs, Math.min(window.endMs, nowMs)) };
    const maint = await maintenance.maintenanceFor(monitor, window);
    const exclusions = (await maintenance.exclusionsFor(monitor, window)).map((e) => ({
      startMs: Number(e.from_at),
      endMs: Number(e.to_at),
    }));
    const observed = keptTime({ window: seen, maintenance: maint, exclusions });
    const totals = await timeline.totals(monitor, observed.kept, nowMs);
    const figures = availabilityFromTotals({ window: seen, totals, target, ...observed });
    // The budget is the whole window's: what may still go down before the promise is broken.
    const whole = keptTime({ window, maintenance: maint, exclusions });
    const budget = availabilityFromTotals({ window, totals, target, ...whole });
    return { ...figures, downtimeBudgetLeftSeconds: budget.downtimeBudgetLeftSeconds };
  }

  function sum(list: readonly AvailabilityFigures[], target: number): AvailabilityFigures {
    const total = (key: keyof AvailabilityFigures) => list.reduce((s, f) => s + Number(f[key] ?? 0), 0);
    const up = total('upSeconds');
    const down = total('downSeconds');
    const availability = up + down === 0 ? null : up / (up + down);
    return {
      availability,
      target,
      met: availability === null ? null : availability >= target,
      upSeconds: up,
      slowSeconds: total('slowSeconds'),
      downSeconds: down,
      maintenanceSeconds: total('maintenanceSeconds'),
      excludedSeconds: total('excludedSeconds'),
      noDataSeconds: total('noDataSeconds'),
      downtimeBudgetLeftSeconds:
        list.length === 0 ? 0 : Math.min(...list.map((f) => f.downtimeBudgetLeftSeconds)),
    };
  }

  function parseMonth(month: string, timeZone: string): Interval {
    try {
      return monthWindow({ month, timeZone });
    } catch (error) {
      throw new DomainError('VALIDATION_FAILED', error instanceof Error ? error.message : String(error), {
        field: 'month',
      });
    }
  }

  return {
    targetOf,
    monitorFigures,

    /** Admin: the monthly availability the organization's current contract promises (null: back to the policy's). */
    async setContractTarget(actor: Actor, organizationId: string, target: number | null) {
      requireRole(actor, ['admin'], 'set availability targets');
      const contract = await db
        .selectFrom('contracts')
        .select('id')
        .where('workspace_id', '=', actor.workspaceId)
        .where('organization_id', '=', organizationId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .executeTakeFirst();
      if (contract === undefined) throw new DomainError('ORGANIZATION_NOT_FOUND', 'organization not found');
      await db
        .updateTable('contracts')
        .set({ availability_target_ppm: target === null ? null : Math.round(target * 1_000_000) })
        .where('id', '=', contract.id)
        .execute();
      return targetOf(actor.workspaceId, organizationId);
    },
    parseMonth,

    async forMonitor(
      actor: Actor,
      monitor: MonitorRow,
      range: { fromMs?: number | undefined; toMs?: number | undefined },
    ) {
      const zone = await zoneOf(actor.workspaceId);
      const nowMs = clock.nowMs();
      const month = parseMonth(monthOf({ atMs: nowMs, timeZone: zone }), zone);
      const window = { startMs: range.fromMs ?? month.startMs, endMs: range.toMs ?? month.endMs };
      if (window.endMs <= window.startMs)
        throw new DomainError('VALIDATION_FAILED', '`to` must come after `from`', { field: 'to' });
      const { target, targetSource } = await targetOf(actor.workspaceId, monitor.organization_id);
      return { ...(await monitorFigures(monitor, window, target)), targetSource };
    },

    /**
     * An organization's month: its monitors' time added up (monitor-seconds), so two sites each down an hour count
     * two hours; the budget left is the tightest monitor's.
     */
    async forOrganization(actor: Actor, organizationId: string, month: string) {
      if (!isStaff(actor) && actor.organizationId !== organizationId)
        throw new DomainError('ORGANIZATION_NOT_FOUND', 'organization not found');
      const zone = await zoneOf(actor.workspaceId);
      const window = parseMonth(month, zone);
      const { target, targetSource } = await targetOf(actor.workspaceId, organizationId);
      const rows = await monitors.list(actor.workspaceId, { organizationId });
      const perMonitor = [];
      for (const monitor of rows)
        perMonitor.push({ monitor, figures: await monitorFigures(monitor, window, target) });
      return {
        ...sum(
          perMonitor.map((m) => m.figures),
          target,
        ),
        targetSource,
        month,
        timeZone: zone,
        monitors: perMonitor.map((m) => ({ id: m.monitor.id, name: m.monitor.name, ...m.figures })),
      };
    },
  };
}

export type FiguresService = ReturnType<typeof createFiguresService>;
