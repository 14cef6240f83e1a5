import { requireRole } from '../access.ts';
import type { Actor } from '../auth/actor.ts';
import { csvField } from '../billing/billing.service.ts';
import type { Db } from '../db/database.ts';
import { DomainError } from '../errors.ts';
import type { SlaClockService } from '../sla/sla-clock.service.ts';
import { median, parseInstant } from './consultation-core.ts';
import { createConsultationRepository } from './consultation.repository.ts';

export interface ConsultantMonth {
  consultantId: string;
  consultantName: string;
  offers: number;
  acceptances: number;
  declines: number;
  expiries: number;
  /** Median wait from offer (direct) or listing (board) to acceptance, in real milliseconds; null when none. */
  medianTimeToAcceptMs: number | null;
  contactsMet: number;
  contactsMissed: number;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The month's bounds in the policy's zone: a request accepted at 01:00 Riyadh on the 1st counts in that month. */
function monthBounds(month: string, timeZone: string): { fromMs: number; toMs: number } {
  const m = MONTH.exec(month);
  if (m === null) throw new DomainError('VALIDATION_FAILED', 'month: expected YYYY-MM', { field: 'month' });
  const year = Number(m[1]);
  const mm = Number(m[2]);
  const next = mm === 12 ? `${year + 1}-01` : `${year}-${String(mm + 1).padStart(2, '0')}`;
  return {
    fromMs: parseInstant(`${month}-01T00:00:00`, timeZone),
    toMs: parseInstant(`${next}-01T00:00:00`, timeZone),
  };
}

/** Per consultant and month: offers, acceptances, declines, expiries, median time to accept, contacts met and missed. */
export function createConsultationReport({ db, sla }: { db: Db; sla: SlaClockService }) {
  const repo = createConsultationRepository(db);
  async function report(actor: Actor, month: string) {
    requireRole(actor, ['admin', 'agent'], 'read the consultation report');
    const { policy } = await sla.policyContext(actor.workspaceId);
    const { fromMs, toMs } = monthBounds(month, policy.timeZone);
    const events = await repo.eventsBetween(actor.workspaceId, fromMs, toMs);
    const rows = new Map<string, ConsultantMonth & { waits: number[] }>();
    const rowOf = (id: string) => {
      let row = rows.get(id);
      if (row === undefined) {
        row = {
          consultantId: id,
          consultantName: '',
          offers: 0,
          acceptances: 0,
          declines: 0,
          expiries: 0,
          medianTimeToAcceptMs: null,
          contactsMet: 0,
          contactsMissed: 0,
          waits: [],
        };
        rows.set(id, row);
      }
      return row;
    };
    for (const e of events) {
      const row = rowOf(e.consultant_id ?? '');
      const payload = JSON.parse(e.payload_json) as Record<string, unknown>;
      if (e.type === 'offered') row.offers += 1;
      else if (e.type === 'declined') row.declines += 1;
      else if (e.type === 'expired') row.expiries += 1;
      else if (e.type === 'accepted' || e.type === 'claimed') {
        row.acceptances += 1;
        if (typeof payload['waitedMs'] === 'number') row.waits.push(payload['waitedMs']);
      } else if (e.type === 'contact-overdue') row.contactsMissed += 1;
      else if (e.type === 'contacted' && payload['first'] === true) {
        if (payload['met'] === true) row.contactsMet += 1;
        else if (payload['overdueFired'] !== true) row.contactsMissed += 1;
      }
    }
    const names = await repo.userNames([...rows.keys()]);
    const items: ConsultantMonth[] = [...rows.values()]
      .map(({ waits, ...row }) => ({
        ...row,
        consultantName: names.get(row.consultantId) ?? '',
        medianTimeToAcceptMs: median(waits),
      }))
      .sort(
        (a, b) =>
          a.consultantName.localeCompare(b.consultantName) || a.consultantId.localeCompare(b.consultantId),
      );
    return {
      month,
      timeZone: policy.timeZone,
      from: new Date(fromMs).toISOString(),
      to: new Date(toMs).toISOString(),
      items,
    };
  }

  return {
    report,
    async csv(actor: Actor, month: string): Promise<string> {
      const { items } = await report(actor, month);
      const header = [
        'month',
        'consultant_id',
        'consultant_name',
        'offers',
        'acceptances',
        'declines',
        'expiries',
        'median_time_to_accept_minutes',
        'contacts_met',
        'contacts_missed',
      ];
      const lines = items.map((r) =>
        [
          month,
          r.consultantId,
          r.consultantName,
          r.offers,
          r.acceptances,
          r.declines,
          r.expiries,
          r.medianTimeToAcceptMs === null ? '' : Math.round(r.medianTimeToAcceptMs / 60_000),
          r.contactsMet,
          r.contactsMissed,
        ]
          .map(csvField)
          .join(','),
      );
      return [header.map(csvField).join(','), ...lines].join('\r\n') + '\r\n';
    },
  };
}

export type ConsultationReport = ReturnType<typeof createConsultationReport>;
