import { iso } from '../access.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { DomainError } from '../errors.ts';
import { dayWindows, type CheckStatus } from './availability-core.ts';
import type { FiguresService } from './figures.service.ts';
import type { MaintenanceService } from './maintenance.service.ts';
import type { MonitorRepository } from './monitor.repository.ts';

export const STATUS_DAYS = 90;
/** How far ahead announced maintenance shows. */
const UPCOMING_MS = 30 * 86_400_000;

/**
 * The public status page of a workspace: only monitors marked public, by name; no organization, URL, host, ticket or
 * detail of a check (an error message may name internal hosts). Announced maintenance only.
 */
export function createStatusService(deps: {
  db: Db;
  monitors: MonitorRepository;
  figures: FiguresService;
  maintenance: MaintenanceService;
  clock: Clock;
  zoneOf: (workspaceId: string) => Promise<string>;
}) {
  const { db, monitors, figures, maintenance, clock, zoneOf } = deps;
  return {
    async page(slug: string) {
      const workspace = await db
        .selectFrom('workspaces')
        .select(['id', 'name'])
        .where('slug', '=', slug)
        .executeTakeFirst();
      if (workspace === undefined) throw new DomainError('WORKSPACE_NOT_FOUND', 'no such status page');
      const nowMs = clock.nowMs();
      const zone = await zoneOf(workspace.id);
      const { target } = await figures.targetOf(workspace.id);
      const rows = await monitors.list(workspace.id, { publicOnly: true });
      const days = dayWindows({ atMs: nowMs, days: STATUS_DAYS, timeZone: zone });
      const items = [];
      for (const monitor of rows) {
        const bars = [];
        for (const day of days) {
          const f = await figures.monitorFigures(monitor, day.window, target);
          bars.push({ day: day.day, availability: f.availability, downSeconds: f.downSeconds });
        }
        items.push({
          id: monitor.id,
          name: monitor.name,
          state: monitor.state as CheckStatus | 'unknown',
          bars,
        });
      }
      const publicIds = new Set(rows.map((r) => r.id));
      const orgIds = new Set(rows.map((r) => r.organization_id));
      const incidents = rows
        .filter((r) => r.state === 'down' || r.state === 'error' || r.state === 'slow')
        .map((r) => ({
          monitorId: r.id,
          monitorName: r.name,
          kind: r.state === 'slow' ? ('degraded' as const) : ('outage' as const),
          lastCheckAt: r.last_check_at === null ? null : iso(Number(r.last_check_at)),
        }));
      const upcoming = (
        await maintenance.windowsFor(workspace.id, undefined, { startMs: nowMs, endMs: nowMs + UPCOMING_MS })
      )
        .filter(({ row }) => row.announce === 1)
        .filter(({ row }) => {
          if (row.organization_id !== null) return orgIds.has(row.organization_id);
          const ids = JSON.parse(row.monitor_ids_json ?? '[]') as string[];
          return ids.some((id) => publicIds.has(id));
        })
        .flatMap(({ row, occurrences }) =>
          occurrences.map((o) => ({ title: row.title, startsAt: iso(o.startMs), endsAt: iso(o.endMs) })),
        )
        .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
      return {
        workspace: { name: workspace.name },
        generatedAt: iso(nowMs),
        timeZone: zone,
        monitors: items,
        incidents,
        maintenance: upcoming,
      };
    },
  };
}

export type StatusService = ReturnType<typeof createStatusService>;
