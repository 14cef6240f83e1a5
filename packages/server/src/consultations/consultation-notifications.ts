import type { Transaction } from 'kysely';
import type { Database, OutboxTable } from '../db/schema.ts';
import type { EmailContent } from '../notifications/providers/email.provider.ts';
import type { InAppContent } from '../notifications/providers/in-app.provider.ts';
import {
  LANGUAGES,
  renderInApp,
  type Language,
  type TicketMailContent,
} from '../notifications/templates/email-templates.ts';
import { activeUsers } from '../notifications/user-messages.ts';
import { consultationMailKind, consultationWording, deadlineName } from './consultation-wording.ts';

type Trx = Transaction<Database>;

interface Planned {
  readonly channel: 'email' | 'in-app';
  readonly target: string;
  readonly eventType: string;
  readonly content: Record<string, unknown>;
}

/**
 * E-mail and in-app messages of a `consultation.*` outbox row, for the users it names (`payload.recipients`): the
 * chosen consultant at creation, every qualified one for the board, the client on acceptance, the admins when nobody
 * is left or the contact deadline passed. Each recipient reads the event's own wording (consultation-wording.ts) in
 * their language and zone (else the workspace's); the running deadline (answer or contact) is listed with its instant.
 */
export async function planConsultationMessages(
  trx: Trx,
  row: OutboxTable,
  payload: Record<string, unknown>,
  userIds: readonly string[],
  context: { publicUrl: string; defaults: { language: Language; timeZone: string } },
): Promise<Planned[]> {
  const id = String(payload['consultationId']);
  const request = await trx
    .selectFrom('consultations')
    .select(['id', 'subject', 'state', 'accept_due_at', 'contact_due_at'])
    .where('id', '=', id)
    .where('workspace_id', '=', row.workspace_id)
    .executeTakeFirst();
  if (request === undefined || userIds.length === 0) return [];
  const users = await activeUsers(trx, row.workspace_id, userIds);
  const due = [
    ...(request.state === 'offered' && request.accept_due_at !== null
      ? [{ metric: 'accept' as const, dueAtMs: Number(request.accept_due_at) }]
      : []),
    ...(request.state === 'accepted' && request.contact_due_at !== null
      ? [{ metric: 'contact' as const, dueAtMs: Number(request.contact_due_at) }]
      : []),
  ];
  const kind = consultationMailKind(row.topic, payload);
  const threshold = typeof payload['threshold'] === 'number' ? payload['threshold'] : undefined;
  const planned: Planned[] = [];
  for (const user of users) {
    // The recipient's own language and zone when they chose one, else the workspace's.
    const language = (LANGUAGES as readonly string[]).includes(user.language ?? '')
      ? (user.language as Language)
      : context.defaults.language;
    const timeZone = user.time_zone ?? context.defaults.timeZone;
    const mail: TicketMailContent = {
      language,
      timeZone,
      eventType: row.topic,
      ticket: {
        id: request.id,
        reference: request.id.slice(0, 8).toUpperCase(),
        subject: request.subject,
        link: `${context.publicUrl.replace(/\/$/, '')}/consultations/${request.id}`,
        due: due.map((d) => ({ metric: deadlineName(d.metric, language), dueAtMs: d.dueAtMs })),
      },
      threshold,
      wording: consultationWording(kind, language, { subject: request.subject, threshold }),
    };
    const inApp = renderInApp(mail);
    const email: EmailContent = { ...mail, to: user.email };
    planned.push({ channel: 'email', target: user.email, eventType: row.topic, content: { ...email } });
    const note: InAppContent = {
      ...inApp,
      ticketId: null,
      consultationId: request.id,
      occurredAtMs: Number(row.created_at),
    };
    planned.push({ channel: 'in-app', target: user.id, eventType: row.topic, content: { ...note } });
  }
  return planned;
}
