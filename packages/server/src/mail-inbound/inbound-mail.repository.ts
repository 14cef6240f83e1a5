import type { Db } from '../db/database.ts';
import type { InboundMailActionTable, InboundMailEffectTable, InboundMailTable } from '../db/schema.ts';

export const INBOUND_STATUSES = ['received', 'processing', 'processed', 'ignored', 'held', 'failed'] as const;
export type InboundStatus = (typeof INBOUND_STATUSES)[number];

export interface SenderMembership {
  readonly userId: string;
  readonly name: string;
  readonly workspaceId: string;
  readonly workspaceSlug: string;
  readonly role: string;
  readonly organizationId: string | null;
}

export interface ThreadTicket {
  readonly id: string;
  readonly workspaceId: string;
  readonly requesterId: string;
  readonly status: string;
  readonly plan: string;
  readonly policyVersion: string;
}

const TICKET_COLUMNS = [
  'tickets.id as id',
  'tickets.workspace_id as workspaceId',
  'tickets.requester_id as requesterId',
  'tickets.status as status',
  'tickets.plan as plan',
  'tickets.policy_version as policyVersion',
] as const;

/** Thin Kysely over `inbound_mail` and the rows inbound processing reads (senders, tickets, our sent mails). */
export function createInboundMailRepository(db: Db) {
  return {
    async insert(row: InboundMailTable): Promise<void> {
      await db.insertInto('inbound_mail').values(row).execute();
    },

    async get(id: string): Promise<InboundMailTable | undefined> {
      return db.selectFrom('inbound_mail').selectAll().where('id', '=', id).executeTakeFirst();
    },

    async update(id: string, set: Partial<Omit<InboundMailTable, 'id' | 'raw'>>): Promise<void> {
      await db.updateTable('inbound_mail').set(set).where('id', '=', id).execute();
    },

    /** Claims a message for processing: only one caller moves it out of `from` (fenced by its attempts). */
    async claim(id: string, from: string, attempts: number): Promise<boolean> {
      const result = await db
        .updateTable('inbound_mail')
        .set({ status: 'processing', attempts: attempts + 1 })
        .where('id', '=', id)
        .where('status', '=', from)
        .where('attempts', '=', attempts)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    /** Gives a claimed message back (`processing` → `to`) when staff's action on it failed before applying. */
    async release(id: string, to: string): Promise<void> {
      await db
        .updateTable('inbound_mail')
        .set({ status: to })
        .where('id', '=', id)
        .where('status', '=', 'processing')
        .execute();
    },

    /**
     * Deletes a held or failed message (its raw copy with it) and writes the audit row, in one transaction; false when
     * the message is no longer held or failed (a replay took it first).
     */
    async discard(id: string, statuses: readonly string[], audit: InboundMailActionTable): Promise<boolean> {
      return db.transaction().execute(async (trx) => {
        const result = await trx
          .deleteFrom('inbound_mail')
          .where('id', '=', id)
          .where('status', 'in', [...statuses])
          .executeTakeFirst();
        if (Number(result.numDeletedRows) !== 1) return false;
        await trx.deleteFrom('inbound_mail_effects').where('inbound_id', '=', id).execute();
        await trx.insertInto('inbound_mail_actions').values(audit).execute();
        return true;
      });
    },

    /** What the message already did (an earlier run stopped before marking it), oldest first. */
    async effectsOf(inboundId: string): Promise<InboundMailEffectTable[]> {
      return db
        .selectFrom('inbound_mail_effects')
        .selectAll()
        .where('inbound_id', '=', inboundId)
        .orderBy('at')
        .orderBy('effect')
        .execute();
    },

    /**
     * Marks one effect of the message, with its ticket on the message's row, through `trx`: the ticket change's own
     * transaction. The key (message, effect) is unique: a second run that got this far fails and rolls back.
     */
    async recordEffect(trx: Db, row: InboundMailEffectTable): Promise<void> {
      await trx.insertInto('inbound_mail_effects').values(row).execute();
      await trx
        .updateTable('inbound_mail')
        .set({ ticket_id: row.ticket_id })
        .where('id', '=', row.inbound_id)
        .execute();
    },

    async insertAction(row: InboundMailActionTable): Promise<void> {
      await db.insertInto('inbound_mail_actions').values(row).execute();
    },

    /** Staff's actions on one message, oldest first, with the actor's name. */
    async actionsOf(inboundId: string) {
      return db
        .selectFrom('inbound_mail_actions')
        .leftJoin('users', 'users.id', 'inbound_mail_actions.actor_id')
        .select([
          'inbound_mail_actions.action as action',
          'inbound_mail_actions.outcome as outcome',
          'inbound_mail_actions.ticket_id as ticketId',
          'inbound_mail_actions.at as at',
          'users.name as actorName',
        ])
        .where('inbound_mail_actions.inbound_id', '=', inboundId)
        .orderBy('inbound_mail_actions.at')
        .orderBy('inbound_mail_actions.id')
        .execute();
    },

    /** A workspace's messages; `workspaceId: undefined` (the operator's CLI) lists every one. */
    async list(options: {
      workspaceId: string | undefined;
      status?: string | undefined;
      limit: number;
    }): Promise<Omit<InboundMailTable, 'raw'>[]> {
      return db
        .selectFrom('inbound_mail')
        .select([
          'id',
          'workspace_id',
          'source',
          'envelope_from',
          'envelope_to_json',
          'size_bytes',
          'message_id',
          'from_address',
          'subject',
          'status',
          'reason',
          'ticket_id',
          'attempts',
          'last_error',
          'replied_at',
          'received_at',
          'processed_at',
        ])
        .$if(options.workspaceId !== undefined, (qb) =>
          qb.where('workspace_id', '=', options.workspaceId ?? ''),
        )
        .$if(options.status !== undefined, (qb) => qb.where('status', '=', options.status ?? ''))
        .orderBy('received_at', 'desc')
        .orderBy('id')
        .limit(options.limit)
        .execute();
    },

    /** Messages stored but never processed, or left mid-way (the process stopped in between), oldest first. */
    async unprocessed(beforeMs: number, limit: number): Promise<{ id: string; status: string }[]> {
      return db
        .selectFrom('inbound_mail')
        .select(['id', 'status'])
        .where('status', 'in', ['received', 'processing'])
        .where('received_at', '<', beforeMs)
        .orderBy('received_at')
        .limit(limit)
        .execute();
    },

    /** The sender's active memberships, every workspace. */
    async membershipsOf(email: string): Promise<SenderMembership[]> {
      return db
        .selectFrom('users')
        .innerJoin('memberships', 'memberships.user_id', 'users.id')
        .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
        .select([
          'users.id as userId',
          'users.name as name',
          'memberships.workspace_id as workspaceId',
          'workspaces.slug as workspaceSlug',
          'memberships.role as role',
          'memberships.organization_id as organizationId',
        ])
        .where('users.email', '=', email)
        .where('users.disabled_at', 'is', null)
        .where('memberships.disabled_at', 'is', null)
        .execute();
    },

    async workspaceIdBySlug(slug: string): Promise<string | undefined> {
      const row = await db.selectFrom('workspaces').select('id').where('slug', '=', slug).executeTakeFirst();
      return row?.id;
    },

    /** The workspace when the installation has only one; otherwise undefined. */
    async onlyWorkspaceId(): Promise<string | undefined> {
      const rows = await db.selectFrom('workspaces').select('id').limit(2).execute();
      return rows.length === 1 ? rows[0]?.id : undefined;
    },

    async workspacePreset(workspaceId: string): Promise<string | undefined> {
      const row = await db
        .selectFrom('workspaces')
        .select('policy_preset')
        .where('id', '=', workspaceId)
        .executeTakeFirst();
      return row?.policy_preset ?? undefined;
    },

    async ticket(id: string): Promise<ThreadTicket | undefined> {
      return db.selectFrom('tickets').select(TICKET_COLUMNS).where('id', '=', id).executeTakeFirst();
    },

    /** Tickets whose id starts with the 8-digit reference, in the given workspaces. */
    async ticketsByReference(reference: string, workspaceIds: readonly string[]): Promise<ThreadTicket[]> {
      if (workspaceIds.length === 0) return [];
      return db
        .selectFrom('tickets')
        .select(TICKET_COLUMNS)
        .where('id', '>=', reference)
        .where('id', '<', `${reference}g`)
        .where('workspace_id', 'in', [...workspaceIds])
        .limit(5)
        .execute();
    },

    /** The ticket one of our e-mail deliveries was about (its Message-ID carries the delivery id). */
    async ticketOfDelivery(deliveryId: string): Promise<string | undefined> {
      const row = await db
        .selectFrom('deliveries')
        .innerJoin('outbox', 'outbox.id', 'deliveries.outbox_id')
        .select('outbox.payload_json')
        .where('deliveries.id', '=', deliveryId)
        .where('deliveries.channel', '=', 'email')
        .executeTakeFirst();
      if (row === undefined) return undefined;
      const ticketId = (JSON.parse(row.payload_json) as Record<string, unknown>)['ticketId'];
      return typeof ticketId === 'string' ? ticketId : undefined;
    },

    /** The ticket an earlier inbound message (the client's own first mail) went to. */
    async ticketOfInboundMessage(messageId: string): Promise<string | undefined> {
      const row = await db
        .selectFrom('inbound_mail')
        .select('ticket_id')
        .where('message_id', '=', messageId)
        .where('ticket_id', 'is not', null)
        .orderBy('received_at')
        .executeTakeFirst();
      return row?.ticket_id ?? undefined;
    },

    /**
     * The same message already processed (imported twice, or resent by the peer after a lost answer), or applied by a
     * run that stopped before marking it processed (a replay of that copy finishes it).
     */
    async processedDuplicate(messageId: string, fromAddress: string, exceptId: string) {
      return db
        .selectFrom('inbound_mail')
        .select(['id', 'ticket_id'])
        .where('message_id', '=', messageId)
        .where('from_address', '=', fromAddress)
        .where((eb) =>
          eb.or([
            eb('status', '=', 'processed'),
            eb.exists(
              eb
                .selectFrom('inbound_mail_effects')
                .select('inbound_mail_effects.inbound_id')
                .whereRef('inbound_mail_effects.inbound_id', '=', 'inbound_mail.id'),
            ),
          ]),
        )
        .where('id', '!=', exceptId)
        .executeTakeFirst();
    },

    async countFromSince(fromAddress: string, sinceMs: number): Promise<number> {
      const row = await db
        .selectFrom('inbound_mail')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('from_address', '=', fromAddress)
        .where('received_at', '>=', sinceMs)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async repliedSince(fromAddress: string, sinceMs: number): Promise<boolean> {
      const row = await db
        .selectFrom('inbound_mail')
        .select('id')
        .where('from_address', '=', fromAddress)
        .where('replied_at', '>=', sinceMs)
        .executeTakeFirst();
      return row !== undefined;
    },

    /** An e-mail for the outbox dispatcher to send (the polite reply): a `deliveries` row of its own. */
    async queueEmail(input: {
      id: string;
      workspaceId: string;
      inboundId: string;
      to: string;
      eventType: string;
      content: Record<string, unknown>;
      nowMs: number;
    }): Promise<void> {
      await db
        .insertInto('deliveries')
        .values({
          id: input.id,
          workspace_id: input.workspaceId,
          outbox_id: `inbound-mail:${input.inboundId}`,
          channel: 'email',
          target: input.to,
          event_type: input.eventType,
          message_json: JSON.stringify(input.content),
          status: 'pending',
          attempts: 0,
          next_attempt_at: input.nowMs,
          lease_until: null,
          last_error: null,
          external_id: null,
          created_at: input.nowMs,
          sent_at: null,
        })
        .onConflict((oc) => oc.columns(['outbox_id', 'channel', 'target']).doNothing())
        .execute();
    },
  };
}

export type InboundMailRepository = ReturnType<typeof createInboundMailRepository>;
