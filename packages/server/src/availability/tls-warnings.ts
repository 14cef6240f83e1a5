import type { Transaction } from 'kysely';
import { iso } from '../access.ts';
import type { Db } from '../db/database.ts';
import type { Database, OutboxTable } from '../db/schema.ts';
import { newId } from '../ids.ts';
import type { Language } from '../notifications/templates/email-templates.ts';
import { planUserMessages } from '../notifications/user-messages.ts';
import { tlsThresholdsReached } from './availability-core.ts';
import type { MonitorRow } from './monitor.repository.ts';

export const TLS_EXPIRING_TOPIC = 'monitor.tls-expiring';
export const DEFAULT_TLS_WARN_DAYS: readonly number[] = [14, 3];
const DAY_MS = 86_400_000;

/**
 * Certificate expiry warnings. When a check records a certificate within a threshold of its end, one outbox message
 * goes to the organization's contacts and the workspace's admins, in the check's transaction. Once per monitor,
 * certificate (its end instant: a renewed certificate starts afresh) and threshold: the `monitor_tls_warnings` key
 * decides, so instances racing or a restart cannot send it twice; the outbox key repeats the guarantee downstream.
 */
export function createTlsWarnings({ thresholdsDays }: { thresholdsDays: readonly number[] }) {
  return {
    thresholdsDays,
    async onCertificate(
      trx: Db,
      monitor: MonitorRow,
      { expiresAtMs, atMs }: { expiresAtMs: number; atMs: number },
    ) {
      const reached = tlsThresholdsReached({ expiresAtMs, atMs, thresholdsDays });
      const fresh: number[] = [];
      for (const days of reached) {
        const inserted = await trx
          .insertInto('monitor_tls_warnings')
          .values({ monitor_id: monitor.id, expires_at: expiresAtMs, threshold_days: days, warned_at: atMs })
          .onConflict((oc) => oc.columns(['monitor_id', 'expires_at', 'threshold_days']).doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) fresh.push(days);
      }
      // Thresholds reached together (a certificate first seen 2 days before its end) make one message, the tightest.
      const days = fresh.at(-1);
      if (days === undefined) return;
      const recipients = await trx
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select('memberships.user_id')
        .where('memberships.workspace_id', '=', monitor.workspace_id)
        .where((eb) =>
          eb.or([
            eb('memberships.organization_id', '=', monitor.organization_id),
            eb('memberships.role', '=', 'admin'),
          ]),
        )
        .where('memberships.disabled_at', 'is', null)
        .where('memberships.invitation', 'is', null)
        .where('users.disabled_at', 'is', null)
        .execute();
      await trx
        .insertInto('outbox')
        .values({
          id: newId(),
          workspace_id: monitor.workspace_id,
          idempotency_key: `${TLS_EXPIRING_TOPIC}:${monitor.id}:${expiresAtMs}:${days}`,
          topic: TLS_EXPIRING_TOPIC,
          payload_json: JSON.stringify({
            monitorId: monitor.id,
            monitorName: monitor.name,
            organizationId: monitor.organization_id,
            target: monitor.url ?? `${monitor.host ?? ''}:${monitor.port ?? ''}`,
            expiresAt: iso(expiresAtMs),
            thresholdDays: days,
            daysLeft: Math.max(0, Math.floor((expiresAtMs - atMs) / DAY_MS)),
            recipients: [...new Set(recipients.map((r) => r.user_id))],
          }),
          status: 'pending',
          attempts: 0,
          available_at: atMs,
          created_at: atMs,
          sent_at: null,
        })
        .onConflict((oc) => oc.column('idempotency_key').doNothing())
        .execute();
    },
  };
}

export type TlsWarnings = ReturnType<typeof createTlsWarnings>;

/** Subject and opening sentence, per language: the certificate's end is written in the reader's zone. */
const WORDING: Record<
  Language,
  (p: { name: string; when: string; days: number; target: string }) => {
    subject: string;
    intro: string;
  }
> = {
  en: ({ name, when, days, target }) => ({
    subject: `TLS certificate of ${name} expires in ${days} day${days === 1 ? '' : 's'}`,
    intro: `The certificate served by ${target} ends on ${when}. Renew it before then: browsers will refuse the site and the monitor will report an error.`,
  }),
  fr: ({ name, when, days, target }) => ({
    subject: `Le certificat TLS de ${name} expire dans ${days} jour${days > 1 ? 's' : ''}`,
    intro: `Le certificat servi par ${target} expire le ${when}. Renouvelez-le d’ici là : les navigateurs refuseront le site et la sonde signalera une erreur.`,
  }),
  ar: ({ name, when, days, target }) => ({
    subject: `تنتهي شهادة TLS الخاصة بـ ${name} خلال ${days} يوم`,
    intro: `تنتهي الشهادة التي يقدّمها ${target} في ${when}. جدّدها قبل ذلك: سترفض المتصفحات الموقع وسيُبلغ المراقب عن خطأ.`,
  }),
};

type Trx = Transaction<Database>;

/**
 * E-mail and in-app messages of a `monitor.tls-expiring` outbox row, for the users it names, each in their language
 * and zone (else the workspace's). Called by the fan-out (notifications/fan-out.ts); preferences are applied there.
 */
export async function planTlsMessages(
  trx: Trx,
  row: OutboxTable,
  payload: Record<string, unknown>,
  userIds: readonly string[],
  context: { publicUrl: string; defaults: { language: Language; timeZone: string } },
) {
  const monitorId = String(payload['monitorId']);
  const monitor = await trx
    .selectFrom('monitors')
    .select(['id', 'name', 'tls_expires_at'])
    .where('id', '=', monitorId)
    .where('workspace_id', '=', row.workspace_id)
    .executeTakeFirst();
  if (monitor === undefined || userIds.length === 0) return [];
  const expiresAtMs = Date.parse(String(payload['expiresAt']));
  const days = Number(payload['daysLeft'] ?? 0);
  return planUserMessages(trx, row, userIds, context.defaults, ({ language, timeZone }) => {
    const when = new Intl.DateTimeFormat(language === 'fr' ? 'fr-BE' : language, {
      dateStyle: 'long',
      timeStyle: 'short',
      timeZone,
    }).format(expiresAtMs);
    return {
      language,
      timeZone,
      eventType: row.topic,
      ticket: {
        id: monitor.id,
        reference: monitor.id.slice(0, 8).toUpperCase(),
        subject: monitor.name,
        link: `${context.publicUrl.replace(/\/$/, '')}/monitors/${monitor.id}`,
        due: [],
      },
      wording: WORDING[language]({
        name: monitor.name,
        when,
        days,
        target: String(payload['target'] ?? monitor.name),
      }),
    };
  });
}
