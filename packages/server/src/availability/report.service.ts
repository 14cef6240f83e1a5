import { iso } from '../access.ts';
import { isStaff, type Actor } from '../auth/actor.ts';
import { csvField } from '../billing/billing.service.ts';
import type { Db } from '../db/database.ts';
import { DomainError } from '../errors.ts';
import type { TicketDto } from '../tickets/ticket.service.ts';
import { exclusionDto, type MaintenanceService } from './maintenance.service.ts';
import type { FiguresService } from './figures.service.ts';
import { reportPdf, type ReportLanguage } from './report-pdf.ts';

/** Tickets listed in one report: a month of a client's tickets, bounded so a report stays one response. */
const MAX_TICKETS = 2000;

/**
 * The monthly SLA report of an organization: availability against the target (per monitor and in total), the
 * incidents monitoring opened, every ticket of the month with its clocks against their targets and breaches,
 * maintenance and exclusions (with who entered them and why). JSON, or CSV one line per fact.
 */
export function createReportService(deps: {
  db: Db;
  figures: FiguresService;
  maintenance: MaintenanceService;
  readTicket: (actor: Actor, id: string) => Promise<TicketDto>;
}) {
  const { db, figures, maintenance, readTicket } = deps;

  async function build(actor: Actor, organizationId: string, month: string) {
    if (!isStaff(actor) && actor.organizationId !== organizationId)
      throw new DomainError('ORGANIZATION_NOT_FOUND', 'organization not found');
    const org = await db
      .selectFrom('organizations')
      .select(['id', 'name'])
      .where('workspace_id', '=', actor.workspaceId)
      .where('id', '=', organizationId)
      .executeTakeFirst();
    if (org === undefined) throw new DomainError('ORGANIZATION_NOT_FOUND', 'organization not found');
    const availability = await figures.forOrganization(actor, organizationId, month);
    const window = figures.parseMonth(month, availability.timeZone);
    const ids = await db
      .selectFrom('tickets')
      .select('id')
      .where('workspace_id', '=', actor.workspaceId)
      .where('organization_id', '=', organizationId)
      .where('created_at', '>=', window.startMs)
      .where('created_at', '<', window.endMs)
      .orderBy('created_at')
      .limit(MAX_TICKETS)
      .execute();
    const tickets: TicketDto[] = [];
    for (const { id } of ids) tickets.push(await readTicket(actor, id));
    const windows = await maintenance.windowsFor(actor.workspaceId, organizationId, window);
    const exclusions = await maintenance.exclusionRows(actor.workspaceId, organizationId, window);
    return {
      organization: { id: org.id, name: org.name },
      month,
      timeZone: availability.timeZone,
      availability,
      incidents: tickets
        .filter((t) => t.channel === 'monitoring')
        .map((t) => ({
          ticketId: t.id,
          subject: t.subject,
          priority: t.priority,
          status: t.status,
          openedAt: t.createdAt,
        })),
      tickets: tickets.map((t) => ({
        id: t.id,
        subject: t.subject,
        priority: t.priority,
        status: t.status,
        channel: t.channel,
        createdAt: t.createdAt,
        clocks: t.sla.map((c) => ({
          metric: c.metric,
          target: c.target,
          state: c.state,
          dueAt: c.dueAt,
          breachedAt: c.breachedAt,
          stoppedAt: c.stoppedAt,
        })),
      })),
      breaches: tickets.flatMap((t) =>
        t.sla
          .filter((c) => c.state === 'breached')
          .map((c) => ({ ticketId: t.id, metric: c.metric, breachedAt: c.breachedAt })),
      ),
      maintenance: windows.flatMap(({ row, occurrences }) =>
        occurrences.map((o) => ({ title: row.title, startsAt: iso(o.startMs), endsAt: iso(o.endMs) })),
      ),
      exclusions: exclusions.map(exclusionDto),
    };
  }

  type Report = Awaited<ReturnType<typeof build>>;

  function toCsv(report: Report): string {
    const cell = (v: string | number | boolean | null) =>
      v === null ? '' : typeof v === 'number' ? String(v) : csvField(String(v));
    const lines: (string | number | boolean | null)[][] = [
      ['kind', 'id', 'label', 'priority', 'status', 'from', 'to', 'metric', 'target', 'value'],
    ];
    const a = report.availability;
    lines.push([
      'availability',
      report.organization.id,
      report.organization.name,
      null,
      a.met === null ? null : a.met ? 'met' : 'missed',
      report.month,
      null,
      'availability',
      a.target,
      a.availability,
    ]);
    for (const m of a.monitors)
      lines.push([
        'monitor',
        m.id,
        m.name,
        null,
        m.met === null ? null : m.met ? 'met' : 'missed',
        null,
        null,
        'availability',
        m.target,
        m.availability,
      ]);
    for (const [metric, value] of [
      ['upSeconds', a.upSeconds],
      ['downSeconds', a.downSeconds],
      ['slowSeconds', a.slowSeconds],
      ['maintenanceSeconds', a.maintenanceSeconds],
      ['excludedSeconds', a.excludedSeconds],
      ['noDataSeconds', a.noDataSeconds],
      ['downtimeBudgetLeftSeconds', a.downtimeBudgetLeftSeconds],
    ] as const)
      lines.push(['availability', report.organization.id, null, null, null, null, null, metric, null, value]);
    for (const t of report.tickets)
      for (const c of t.clocks)
        lines.push([
          'ticket',
          t.id,
          t.subject,
          t.priority,
          c.state,
          t.createdAt,
          c.stoppedAt,
          c.metric,
          c.target,
          c.breachedAt,
        ]);
    for (const m of report.maintenance)
      lines.push(['maintenance', null, m.title, null, null, m.startsAt, m.endsAt, null, null, null]);
    for (const e of report.exclusions)
      lines.push(['exclusion', e.id, e.note, null, e.reason, e.from, e.to, null, null, e.createdBy]);
    return lines.map((line) => line.map(cell).join(',')).join('\r\n') + '\r\n';
  }

  /** The same report as a PDF document with its charts, in the reader's language. */
  function toPdf(report: Report, language: ReportLanguage): Promise<Buffer> {
    return reportPdf(report, language);
  }

  return { build, toCsv, toPdf };
}

export type ReportService = ReturnType<typeof createReportService>;
export type Report = Awaited<ReturnType<ReportService['build']>>;
