import type { Transaction } from 'kysely';
import type { Database, OutboxTable } from '../db/schema.ts';
import type { Language } from '../notifications/templates/email-templates.ts';
import { planUserMessages } from '../notifications/user-messages.ts';

/** The outbox topic of a maintenance window announced to the clients it concerns (maintenance.service.ts). */
export const MAINTENANCE_ANNOUNCED_TOPIC = 'maintenance.announced';

interface Wording {
  readonly title: string;
  readonly from: string;
  readonly to: string;
  readonly repeats: boolean;
}

/**
 * The consultation agreement promises its availability "hors maintenance programmée": the client learns of each window
 * ahead, with its instants in the reader's zone, and that the time does not count against the agreement.
 */
const WORDING: Record<Language, (w: Wording) => { subject: string; intro: string }> = {
  en: ({ title, from, to, repeats }) => ({
    subject: `Scheduled maintenance: ${title}`,
    intro:
      `${title}: from ${from} to ${to}${repeats ? ', then again as scheduled' : ''}. ` +
      'The service may be unavailable meanwhile; scheduled maintenance is not counted against the availability target.',
  }),
  fr: ({ title, from, to, repeats }) => ({
    subject: `Maintenance programmée : ${title}`,
    intro:
      `${title} : du ${from} au ${to}${repeats ? ', puis aux dates prévues' : ''}. ` +
      'Le service peut être indisponible pendant ce temps ; la maintenance programmée n’est pas comptée dans la disponibilité garantie.',
  }),
  ar: ({ title, from, to, repeats }) => ({
    subject: `صيانة مجدولة: ${title}`,
    intro:
      `${title}: من ${from} إلى ${to}${repeats ? '، ثم في المواعيد المجدولة' : ''}. ` +
      'قد تكون الخدمة غير متاحة خلال ذلك؛ ولا تُحتسب الصيانة المجدولة ضمن نسبة التوفر المضمونة.',
  }),
};

type Trx = Transaction<Database>;

/**
 * E-mail and in-app messages of a `maintenance.announced` outbox row, for the users it names (the organizations'
 * members), each in their language and zone (else the workspace's). Called by the fan-out
 * (notifications/fan-out.ts), which applies preferences.
 */
export async function planMaintenanceMessages(
  trx: Trx,
  row: OutboxTable,
  payload: Record<string, unknown>,
  userIds: readonly string[],
  context: { publicUrl: string; defaults: { language: Language; timeZone: string } },
) {
  const maintenance = payload['maintenance'] as
    { id?: unknown; title?: unknown; startsAt?: unknown; endsAt?: unknown; recurrence?: unknown } | undefined;
  if (maintenance === undefined || userIds.length === 0) return [];
  const startsAtMs = Date.parse(String(maintenance.startsAt));
  const endsAtMs = Date.parse(String(maintenance.endsAt));
  if (!Number.isFinite(startsAtMs) || !Number.isFinite(endsAtMs)) return [];
  const workspace = await trx
    .selectFrom('workspaces')
    .select('slug')
    .where('id', '=', row.workspace_id)
    .executeTakeFirst();
  const id = String(maintenance.id);
  const title = String(maintenance.title);
  const base = context.publicUrl.replace(/\/$/, '');
  const repeats = maintenance.recurrence !== null && maintenance.recurrence !== undefined;
  return planUserMessages(trx, row, userIds, context.defaults, ({ language, timeZone }) => {
    const format = new Intl.DateTimeFormat(language === 'fr' ? 'fr-BE' : language, {
      dateStyle: 'full',
      timeStyle: 'short',
      timeZone,
    });
    return {
      language,
      timeZone,
      eventType: row.topic,
      ticket: {
        id,
        reference: id.slice(0, 8).toUpperCase(),
        subject: title,
        link: workspace === undefined ? base : `${base}/status/${workspace.slug}`,
        due: [],
      },
      wording: WORDING[language]({
        title,
        from: `${format.format(startsAtMs)} (${timeZone})`,
        to: format.format(endsAtMs),
        repeats,
      }),
    };
  });
}
