import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import type { SlaClockService } from '../sla/sla-clock.service.ts';
import { createTicketRepository } from '../tickets/ticket.repository.ts';
import type { TicketChange } from '../tickets/ticket-change.ts';
import type { CreateTicketInput, TicketDto } from '../tickets/ticket.service.ts';
import type { Actor } from '../auth/actor.ts';
import { createCheckers } from './checkers.ts';
import {
  createCheckRunner,
  createMonitorJobHandler,
  MONITOR_CHECK_KIND,
  type CheckRunner,
} from './check-runner.ts';
import { createFiguresService } from './figures.service.ts';
import { createIncidents } from './incidents.ts';
import { createMaintenanceRepository } from './maintenance.repository.ts';
import { createMaintenanceService } from './maintenance.service.ts';
import { createMonitorRepository } from './monitor.repository.ts';
import { createMonitorService } from './monitor.service.ts';
import { createReportService } from './report.service.ts';
import { createStatusService } from './status.service.ts';
import { createMonitorTimeline } from './monitor-timeline.ts';
import { createRollupJob, DEFAULT_RETENTION, retentionFromEnv, type RetentionConfig } from './rollup-job.ts';
import { createTlsWarnings, DEFAULT_TLS_WARN_DAYS } from './tls-warnings.ts';
import { parseThresholdDays } from './availability-core.ts';

export { MONITOR_CHECK_KIND };

export interface AvailabilityConfig {
  /** ACCORD_MONITOR_ALLOW_PRIVATE=true: monitors may target loopback and private addresses. */
  readonly allowPrivate: boolean;
  /** Base of heartbeat push URLs (ACCORD_PUBLIC_URL). */
  readonly publicUrl: string;
  readonly concurrency?: number;
  readonly pollMs?: number;
  /** Observes each check's lateness (its start minus its due instant): the bench's figure. */
  readonly onChecked?: (latenessMs: number) => void;
  /** How long raw results and minute and hour rollups are kept (ACCORD_MONITOR_*_RETENTION_DAYS). */
  readonly retention?: RetentionConfig;
  /** Days before a certificate's end its warnings go out (ACCORD_MONITOR_TLS_WARN_DAYS, "14,3"). */
  readonly tlsWarnDays?: readonly number[];
}

/** ACCORD_MONITOR_TLS_WARN_DAYS, checked: a bad list stops the server at start, naming the variable. */
function tlsWarnDaysFromEnv(env: NodeJS.ProcessEnv): readonly number[] {
  const text = env['ACCORD_MONITOR_TLS_WARN_DAYS'];
  if (text === undefined || text.trim() === '') return DEFAULT_TLS_WARN_DAYS;
  try {
    return parseThresholdDays(text);
  } catch (error) {
    throw new Error(
      `ACCORD_MONITOR_TLS_WARN_DAYS: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export function availabilityConfigFromEnv(env: NodeJS.ProcessEnv): AvailabilityConfig {
  return {
    allowPrivate: env['ACCORD_MONITOR_ALLOW_PRIVATE'] === 'true',
    publicUrl: (env['ACCORD_PUBLIC_URL'] ?? '').replace(/\/$/, ''),
    retention: retentionFromEnv(env),
    tlsWarnDays: tlsWarnDaysFromEnv(env),
    ...(env['ACCORD_MONITOR_POLL_MS'] === undefined
      ? {}
      : { pollMs: Math.max(10, Number(env['ACCORD_MONITOR_POLL_MS'])) }),
    ...(env['ACCORD_MONITOR_CONCURRENCY'] === undefined
      ? {}
      : { concurrency: Math.max(1, Number(env['ACCORD_MONITOR_CONCURRENCY'])) }),
  };
}

/** Wiring of the availability module: monitors, their checks, incidents, maintenance, figures and the status page. */
export function createAvailability(deps: {
  db: Db;
  clock: Clock;
  sla: SlaClockService;
  change: TicketChange;
  createTicket: (actor: Actor, input: CreateTicketInput) => Promise<TicketDto>;
  /** The ticket as the actor may see it (the monthly report lists tickets with their clocks). */
  readTicket: (actor: Actor, id: string) => Promise<TicketDto>;
  config: AvailabilityConfig;
}) {
  const { db, clock, sla, change, config } = deps;
  const monitorRepository = createMonitorRepository(db);
  const zoneOf = async (workspaceId: string) => (await sla.policyContext(workspaceId)).policy.timeZone;
  const checkers = createCheckers({ allowPrivate: config.allowPrivate });
  const maintenance = createMaintenanceService({
    db,
    maintenance: createMaintenanceRepository(db),
    monitors: monitorRepository,
    clock,
    zoneOf,
  });
  const incidents = createIncidents({
    monitors: monitorRepository,
    tickets: createTicketRepository(db),
    change,
    createTicket: deps.createTicket,
    clock,
  });
  const retention = config.retention ?? DEFAULT_RETENTION;
  const rollups = createRollupJob(retention);
  const timeline = createMonitorTimeline({ db, retention });
  const tlsWarnings = createTlsWarnings({ thresholdsDays: config.tlsWarnDays ?? DEFAULT_TLS_WARN_DAYS });
  const runner: CheckRunner = createCheckRunner({
    db,
    clock,
    monitors: monitorRepository,
    checkers,
    incidents,
    tlsWarnings,
    inMaintenance: async (monitor, atMs) =>
      (await maintenance.maintenanceFor(monitor, { startMs: atMs, endMs: atMs + 1 })).length > 0,
    ...(config.concurrency === undefined ? {} : { concurrency: config.concurrency }),
    ...(config.pollMs === undefined ? {} : { pollMs: config.pollMs }),
    ...(config.onChecked === undefined
      ? {}
      : { onChecked: (_run, latenessMs) => config.onChecked?.(latenessMs) }),
  });
  const monitors = createMonitorService({
    db,
    monitors: monitorRepository,
    checkers,
    runner: () => runner,
    clock,
    publicUrl: config.publicUrl,
    tlsWarnDays: tlsWarnings.thresholdsDays,
  });
  const figures = createFiguresService({
    db,
    monitors: monitorRepository,
    maintenance,
    timeline,
    clock,
    zoneOf,
  });
  const status = createStatusService({
    db,
    monitors: monitorRepository,
    figures,
    maintenance,
    clock,
    zoneOf,
  });
  const reports = createReportService({ db, figures, maintenance, readTicket: deps.readTicket });
  return {
    monitors,
    maintenance,
    figures,
    status,
    reports,
    runner,
    rollups,
    timeline,
    jobHandler: createMonitorJobHandler({ monitors: monitorRepository, clock, rollups }),
    close: () => checkers.close(),
  };
}

export type Availability = ReturnType<typeof createAvailability>;
