import type { Transaction } from 'kysely';
import type { Database, OutboxTable } from '../db/schema.ts';
import type { EmailContent } from './providers/email.provider.ts';
import type { InAppContent } from './providers/in-app.provider.ts';
import {
  LANGUAGES,
  renderInApp,
  type Language,
  type TicketMailContent,
} from './templates/email-templates.ts';

/** An e-mail or in-app message for one user, before preferences are applied (fan-out.ts). */
export interface PlannedUserMessage {
  channel: 'email' | 'in-app';
  target: string;
  eventType: string;
  content: Record<string, unknown>;
}

/** The named users still active in the workspace (account and membership), with what their messages need. */
export function activeUsers(trx: Transaction<Database>, workspaceId: string, userIds: readonly string[]) {
  return trx
    .selectFrom('users')
    .innerJoin('memberships', 'memberships.user_id', 'users.id')
    .select(['users.id', 'users.email', 'users.language', 'users.time_zone'])
    .where('users.id', 'in', [...userIds])
    .where('memberships.workspace_id', '=', workspaceId)
    .where('memberships.disabled_at', 'is', null)
    .where('users.disabled_at', 'is', null)
    .execute();
}

/**
 * An e-mail and an in-app note for each named user still active in the row's workspace, worded by `render` in the
 * user's language and zone (else the workspace's). For messages about something other than a ticket (a certificate,
 * a maintenance window): their in-app note links to no ticket.
 */
export async function planUserMessages(
  trx: Transaction<Database>,
  row: OutboxTable,
  userIds: readonly string[],
  defaults: { language: Language; timeZone: string },
  render: (reader: { language: Language; timeZone: string }) => TicketMailContent,
): Promise<PlannedUserMessage[]> {
  if (userIds.length === 0) return [];
  const users = await activeUsers(trx, row.workspace_id, userIds);
  const planned: PlannedUserMessage[] = [];
  for (const user of users) {
    const language = (LANGUAGES as readonly string[]).includes(user.language ?? '')
      ? (user.language as Language)
      : defaults.language;
    const mail = render({ language, timeZone: user.time_zone ?? defaults.timeZone });
    const email: EmailContent = { ...mail, to: user.email };
    planned.push({ channel: 'email', target: user.email, eventType: row.topic, content: { ...email } });
    const note: InAppContent = { ...renderInApp(mail), ticketId: null, occurredAtMs: Number(row.created_at) };
    planned.push({ channel: 'in-app', target: user.id, eventType: row.topic, content: { ...note } });
  }
  return planned;
}
