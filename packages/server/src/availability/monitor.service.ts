import { createHash, randomBytes } from 'node:crypto';
import { iso, isoOrNull, requireRole } from '../access.ts';
import { isStaff, type Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import { ForbiddenTargetError } from '../notifications/ssrf.ts';
import type { CheckStatus } from './availability-core.ts';
import type { Checkers } from './checkers.ts';
import { scheduleNextCheck, unscheduleChecks, type CheckRunner } from './check-runner.ts';
import type { MonitorRepository, MonitorRow } from './monitor.repository.ts';

export const MONITOR_KINDS = ['http', 'tcp', 'heartbeat'] as const;
export type MonitorKind = (typeof MONITOR_KINDS)[number];

const DAY_MS = 86_400_000;

/** The warnings sent about the monitor's current certificate (tls-warnings.ts). */
export interface TlsWarningDto {
  readonly thresholdDays: number;
  readonly warnedAt: string;
}

export interface MonitorInput {
  name: string;
  organizationId: string;
  kind: MonitorKind;
  url?: string | undefined;
  host?: string | undefined;
  port?: number | undefined;
  intervalSeconds?: number | undefined;
  timeoutSeconds?: number | undefined;
  expectedStatus?: number | undefined;
  keyword?: string | undefined;
  slowMs?: number | undefined;
  confirmations?: number | undefined;
  resolveOnRecovery?: boolean | undefined;
  public?: boolean | undefined;
}

export type MonitorPatch = Partial<
  Omit<MonitorInput, 'organizationId' | 'kind' | 'expectedStatus' | 'keyword' | 'slowMs'>
> & {
  /** null clears the setting. */
  expectedStatus?: number | null | undefined;
  keyword?: string | null | undefined;
  slowMs?: number | null | undefined;
};

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/**
 * `warnDays`: the warning thresholds; a certificate within the largest is flagged. `tlsWarnings`: what was sent about
 * the current certificate.
 */
export function monitorDto(
  row: MonitorRow,
  nowMs: number,
  { warnDays, tlsWarnings }: { warnDays: readonly number[]; tlsWarnings: readonly TlsWarningDto[] },
) {
  const tls = row.tls_expires_at === null ? null : Number(row.tls_expires_at);
  return {
    id: row.id,
    name: row.name,
    organizationId: row.organization_id,
    kind: row.kind as MonitorKind,
    url: row.url,
    host: row.host,
    port: row.port,
    intervalSeconds: row.interval_seconds,
    timeoutSeconds: row.timeout_seconds,
    expectedStatus: row.expected_status,
    keyword: row.keyword,
    slowMs: row.slow_ms,
    confirmations: row.confirmations,
    resolveOnRecovery: row.resolve_on_recovery === 1,
    public: row.is_public === 1,
    state: row.state as CheckStatus | 'unknown',
    lastCheckAt: isoOrNull(row.last_check_at === null ? null : Number(row.last_check_at)),
    tlsExpiresAt: isoOrNull(tls),
    tlsExpiringSoon: tls !== null && tls - nowMs <= Math.max(0, ...warnDays) * DAY_MS,
    tlsWarnings: [...tlsWarnings],
    outageTicketId: row.outage_ticket_id,
    slowTicketId: row.slow_ticket_id,
    createdAt: iso(Number(row.created_at)),
    updatedAt: iso(Number(row.updated_at)),
  };
}

/** Monitors: settings (admins), reading them and their results (staff, and clients for their organization). */
export function createMonitorService(deps: {
  db: Db;
  monitors: MonitorRepository;
  checkers: Checkers;
  runner: () => CheckRunner;
  clock: Clock;
  publicUrl: string;
  tlsWarnDays: readonly number[];
}) {
  const { db, monitors, checkers, clock } = deps;

  /** DTOs of `rows` with the warnings sent about each one's current certificate (one query for them all). */
  async function dtos(rows: readonly MonitorRow[], nowMs: number) {
    const sent = await monitors.tlsWarnings(rows.map((r) => r.id));
    return rows.map((row) =>
      monitorDto(row, nowMs, {
        warnDays: deps.tlsWarnDays,
        tlsWarnings: sent
          .filter((w) => w.monitor_id === row.id)
          .map((w) => ({ thresholdDays: Number(w.threshold_days), warnedAt: iso(Number(w.warned_at)) })),
      }),
    );
  }
  const dtoOf = async (row: MonitorRow, nowMs: number) =>
    (await dtos([row], nowMs))[0] as ReturnType<typeof monitorDto>;

  async function visible(actor: Actor, id: string): Promise<MonitorRow> {
    const row = await monitors.find(db, actor.workspaceId, id);
    if (row === undefined || (!isStaff(actor) && row.organization_id !== actor.organizationId))
      throw new DomainError('MONITOR_NOT_FOUND', 'monitor not found');
    return row;
  }

  /** Settings that must hold together, whatever was patched; the target is checked against the SSRF guard. */
  async function validate(row: MonitorRow) {
    const bad = (field: string, message: string) => new DomainError('VALIDATION_FAILED', message, { field });
    if (row.kind === 'http') {
      if (row.url === null) throw bad('url', 'an http monitor needs a url');
    } else if (row.kind === 'tcp') {
      if (row.host === null || row.port === null) throw bad('host', 'a tcp monitor needs host and port');
    }
    if (row.timeout_seconds > row.interval_seconds)
      throw bad('timeoutSeconds', 'timeoutSeconds cannot exceed intervalSeconds (checks would overlap)');
    const hostname =
      row.kind === 'http' ? new URL(row.url ?? '').hostname : row.kind === 'tcp' ? row.host : null;
    if (hostname === null) return;
    try {
      await checkers.assertAllowed(hostname);
    } catch (error) {
      if (error instanceof ForbiddenTargetError)
        throw new DomainError('MONITOR_TARGET_FORBIDDEN', error.message, {
          field: row.kind === 'http' ? 'url' : 'host',
        });
      throw bad(row.kind === 'http' ? 'url' : 'host', `the target does not resolve: ${String(error)}`);
    }
  }

  return {
    async create(actor: Actor, input: MonitorInput) {
      requireRole(actor, ['admin'], 'create monitors');
      const org = await db
        .selectFrom('organizations')
        .select('id')
        .where('workspace_id', '=', actor.workspaceId)
        .where('id', '=', input.organizationId)
        .executeTakeFirst();
      if (org === undefined) throw new DomainError('ORGANIZATION_NOT_FOUND', 'organization not found');
      const nowMs = clock.nowMs();
      const intervalSeconds = input.intervalSeconds ?? 60;
      const token = input.kind === 'heartbeat' ? randomBytes(24).toString('base64url') : null;
      const row: MonitorRow = {
        id: newId(),
        workspace_id: actor.workspaceId,
        organization_id: input.organizationId,
        name: input.name,
        kind: input.kind,
        url: input.kind === 'http' ? (input.url ?? null) : null,
        host: input.kind === 'tcp' ? (input.host ?? null) : null,
        port: input.kind === 'tcp' ? (input.port ?? null) : null,
        interval_seconds: intervalSeconds,
        timeout_seconds: input.timeoutSeconds ?? Math.min(10, intervalSeconds),
        expected_status: input.expectedStatus ?? null,
        keyword: input.keyword ?? null,
        slow_ms: input.slowMs ?? null,
        confirmations: input.confirmations ?? 2,
        resolve_on_recovery: input.resolveOnRecovery === false ? 0 : 1,
        is_public: input.public === true ? 1 : 0,
        heartbeat_token_hash: token === null ? null : hashToken(token),
        state: 'unknown',
        candidate: null,
        streak: 0,
        baseline_ms: null,
        outage_ticket_id: null,
        slow_ticket_id: null,
        last_check_at: null,
        tls_expires_at: null,
        rolled_until: null,
        created_by: actor.userId,
        created_at: nowMs,
        updated_at: nowMs,
      };
      await validate(row);
      await db.transaction().execute(async (trx) => {
        await monitors.insert(trx, row);
        // A heartbeat's first check waits one interval: the monitored system has had no chance to push yet.
        const firstMs = row.kind === 'heartbeat' ? nowMs + intervalSeconds * 1000 : nowMs;
        await scheduleNextCheck(trx, row, { dueAtMs: firstMs, nowMs });
      });
      const pushUrl = token === null ? null : `${deps.publicUrl}/api/v1/heartbeats/${token}`;
      return { ...(await dtoOf(row, nowMs)), pushUrl };
    },

    async list(actor: Actor, organizationId?: string) {
      const own = isStaff(actor) ? organizationId : (actor.organizationId ?? '-');
      const rows = await monitors.list(actor.workspaceId, { organizationId: own });
      return dtos(rows, clock.nowMs());
    },

    async get(actor: Actor, id: string) {
      return dtoOf(await visible(actor, id), clock.nowMs());
    },

    async update(actor: Actor, id: string, patch: MonitorPatch) {
      requireRole(actor, ['admin'], 'change monitors');
      const current = await visible(actor, id);
      const nowMs = clock.nowMs();
      const next: MonitorRow = {
        ...current,
        name: patch.name ?? current.name,
        url: current.kind === 'http' ? (patch.url ?? current.url) : null,
        host: current.kind === 'tcp' ? (patch.host ?? current.host) : null,
        port: current.kind === 'tcp' ? (patch.port ?? current.port) : null,
        interval_seconds: patch.intervalSeconds ?? current.interval_seconds,
        timeout_seconds: patch.timeoutSeconds ?? current.timeout_seconds,
        expected_status: patch.expectedStatus === undefined ? current.expected_status : patch.expectedStatus,
        keyword: patch.keyword === undefined ? current.keyword : patch.keyword,
        slow_ms: patch.slowMs === undefined ? current.slow_ms : patch.slowMs,
        confirmations: patch.confirmations ?? current.confirmations,
        resolve_on_recovery:
          patch.resolveOnRecovery === undefined
            ? current.resolve_on_recovery
            : patch.resolveOnRecovery
              ? 1
              : 0,
        is_public: patch.public === undefined ? current.is_public : patch.public ? 1 : 0,
        updated_at: nowMs,
      };
      await validate(next);
      // Only the settings: the state, streak, baseline, certificate, open incidents and the rollups' edge belong to the
      // checks, which may have recorded something since `current` was read (writing it back would undo that).
      const set = {
        name: next.name,
        url: next.url,
        host: next.host,
        port: next.port,
        interval_seconds: next.interval_seconds,
        timeout_seconds: next.timeout_seconds,
        expected_status: next.expected_status,
        keyword: next.keyword,
        slow_ms: next.slow_ms,
        confirmations: next.confirmations,
        resolve_on_recovery: next.resolve_on_recovery,
        is_public: next.is_public,
        updated_at: next.updated_at,
      };
      await db.transaction().execute(async (trx) => {
        await monitors.update(trx, id, set);
        // A new interval takes effect at once: the pending check moves to now + interval.
        if (next.interval_seconds !== current.interval_seconds)
          await scheduleNextCheck(trx, next, { dueAtMs: nowMs + next.interval_seconds * 1000, nowMs });
      });
      return dtoOf(await visible(actor, id), nowMs);
    },

    async remove(actor: Actor, id: string) {
      requireRole(actor, ['admin'], 'delete monitors');
      const current = await visible(actor, id);
      await db.transaction().execute(async (trx) => {
        await unscheduleChecks(trx, current, clock.nowMs());
        await trx.deleteFrom('monitor_runs').where('monitor_id', '=', id).execute();
        await trx.deleteFrom('monitor_results').where('monitor_id', '=', id).execute();
        await monitors.delete(trx, id);
      });
    },

    async results(
      actor: Actor,
      id: string,
      range: { fromMs?: number | undefined; toMs?: number | undefined },
    ) {
      const row = await visible(actor, id);
      const toMs = range.toMs ?? clock.nowMs() + 1;
      const fromMs = range.fromMs ?? toMs - 3_600_000;
      if (toMs <= fromMs)
        throw new DomainError('VALIDATION_FAILED', '`to` must come after `from`', { field: 'to' });
      const rows = await monitors.results(row.id, fromMs, toMs);
      return rows.map((r) => ({
        at: iso(Number(r.at)),
        status: r.status as CheckStatus,
        latencyMs: r.latency_ms === null ? null : Number(r.latency_ms),
        detail: r.detail,
      }));
    },

    /** The public push URL of a heartbeat monitor: the token is the credential (only its hash is stored). */
    async heartbeat(token: string) {
      const row = await monitors.findByTokenHash(hashToken(token));
      if (row === undefined || row.kind !== 'heartbeat')
        throw new DomainError('MONITOR_NOT_FOUND', 'unknown heartbeat');
      await deps.runner().record({
        monitor: row,
        atMs: clock.nowMs(),
        outcome: { kind: 'answer', ok: true, latencyMs: 0, detail: 'heartbeat received' },
        status: 'up',
      });
    },

    visible,
  };
}

export type MonitorService = ReturnType<typeof createMonitorService>;
