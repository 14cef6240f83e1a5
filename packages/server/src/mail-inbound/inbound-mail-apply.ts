import type { AddressObject, ParsedMail } from 'mailparser';
import type { Actor } from '../auth/actor.ts';
import type { InboundMailEffectTable } from '../db/schema.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { PriorityId } from '../sla/sla-core.ts';
import { withChangeWrite } from '../tickets/ticket-change.ts';
import { addAttachments } from './inbound-mail-attachments.ts';
import {
  automaticReason,
  cleanSubject,
  descriptionText,
  messageText,
  normalizeAddress,
  plusTagsIn,
  replyText,
} from './inbound-mail-core.ts';
import { threadOf } from './inbound-mail-thread.ts';
import type { InboundStatus, SenderMembership, ThreadTicket } from './inbound-mail.repository.ts';
import type { InboundMailDeps } from './inbound-mail.service.ts';
import { languageOfPreset, renderPortalReply } from './portal-reply.ts';

/** At most this many messages from one sender in ten minutes; more is a loop with another robot. */
const MAX_PER_SENDER_10_MIN = 30;
/** One polite reply per sender a day. */
const PORTAL_REPLY_EVERY_MS = 24 * 3600 * 1000;
const REQUESTER_ROLES = ['client', 'consultant'];

/** A reason for staff to act on: kept, listed (`GET /inbound-mail?status=held`), replayable. */
export class Held extends Error {
  constructor(
    readonly reason: string,
    readonly workspaceId: string | null,
    readonly ticketId: string | null = null,
  ) {
    super(reason);
  }
}

export interface Applied {
  readonly status: InboundStatus;
  readonly reason: string | null;
  readonly ticketId?: string | null;
}

export function addressesOf(value: AddressObject | AddressObject[] | undefined): string[] {
  const objects = value === undefined ? [] : Array.isArray(value) ? value : [value];
  return objects.flatMap((o) => o.value.map((a) => a.address ?? '')).filter((a) => a !== '');
}

function ownAddress(mailFrom: string): string | null {
  return normalizeAddress(/<([^>]+)>/.exec(mailFrom)?.[1] ?? mailFrom);
}

function actorOf(member: SenderMembership): Actor {
  return {
    userId: member.userId,
    name: member.name,
    sessionId: 'inbound-mail',
    workspaceId: member.workspaceId,
    role: member.role as Actor['role'],
    organizationId: member.organizationId,
  };
}

/**
 * Applies one parsed message: ignored when automatic, threaded onto a ticket as a public comment by its requester, or
 * opened as a new ticket on the e-mail channel, always through the ticket and attachment services (the ticket write
 * path). Whatever cannot be applied safely throws `Held`.
 */
/**
 * Runs one ticket write of message `id` (its ticket, its reply, one attachment) so that `effect` is marked in that
 * write's own transaction (see `once` below); shared with staff's attach, whose writes must be found by a replay too.
 */
export function appliedOnce<T>(
  deps: Pick<InboundMailDeps, 'repo' | 'clock'>,
  mark: { id: string; effect: string; note: string | null },
  write: () => Promise<T>,
): Promise<T> {
  return withChangeWrite(
    (trx, ticket) =>
      deps.repo.recordEffect(trx, {
        inbound_id: mark.id,
        effect: mark.effect,
        ticket_id: ticket.id,
        note: mark.note,
        at: deps.clock.nowMs(),
      }),
    write,
  );
}

export function createInboundMailApplier(deps: InboundMailDeps) {
  const { repo, sla, clock, config } = deps;
  const ourAddress = ownAddress(config.mailFrom);

  async function portalReply(inboundId: string, workspaceId: string, to: string, inReplyTo: string | null) {
    const nowMs = clock.nowMs();
    if (await repo.repliedSince(to, nowMs - PORTAL_REPLY_EVERY_MS)) return false;
    const language = languageOfPreset(await repo.workspacePreset(workspaceId));
    const portal = config.publicUrl.replace(/\/$/, '') + '/';
    await repo.queueEmail({
      id: newId(),
      workspaceId,
      inboundId,
      to,
      eventType: 'mail.portal-only',
      content: { to, rendered: renderPortalReply(language, portal), inReplyTo },
      nowMs,
    });
    await repo.update(inboundId, { replied_at: nowMs });
    return true;
  }

  /**
   * Runs one ticket write of message `id` (its ticket, its reply, one attachment) so that `effect` is marked in that
   * write's own transaction. The services in between take no transaction, and the message's row cannot be marked
   * after the write without a crash in between making a replay do it twice; marked inside, the write and its mark
   * commit together or not at all, and a replay finds it (`finish`).
   */
  function once<T>(id: string, effect: string, note: string | null, write: () => Promise<T>): Promise<T> {
    return appliedOnce(deps, { id, effect, note }, write);
  }

  /** The message's files added to its ticket (each marked with its own change), and the outcome. */
  async function withAttachments(input: {
    id: string;
    actor: Actor;
    ticketId: string;
    parsed: ParsedMail;
    note: string;
    stored: ReadonlySet<number>;
  }): Promise<Applied> {
    const { id, actor, ticketId, parsed, note, stored } = input;
    const notKept = await addAttachments(deps.attachments, {
      actor,
      ticketId,
      parsed,
      stored,
      each: (index, add) => once(id, `attachment:${index}`, null, add),
    });
    return {
      status: 'processed',
      reason: `${note}${notKept.length > 0 ? `; attachments not kept: ${notKept.join(', ')}` : ''}`,
      ticketId,
    };
  }

  /**
   * A message whose ticket or reply committed in an earlier run that stopped before marking it (a crash, an error
   * after the write): the rest of it, its files, is added in the requester's name; the ticket or reply never again.
   */
  async function finish(input: {
    id: string;
    parsed: ParsedMail;
    sender: string | null;
    applied: InboundMailEffectTable;
    effects: readonly InboundMailEffectTable[];
  }): Promise<Applied> {
    const { id, parsed, sender, applied, effects } = input;
    const note = applied.note ?? applied.effect;
    const stored = new Set(
      effects.filter((e) => e.effect.startsWith('attachment:')).map((e) => Number(e.effect.split(':')[1])),
    );
    const ticket = await repo.ticket(applied.ticket_id);
    const requester =
      ticket === undefined || sender === null
        ? undefined
        : (await repo.membershipsOf(sender)).find(
            (m) => m.workspaceId === ticket.workspaceId && m.userId === ticket.requesterId,
          );
    if (requester === undefined) {
      const left = parsed.attachments.some((_, index) => !stored.has(index));
      return {
        status: 'processed',
        reason: `${note}${left ? '; attachments not kept: the requester is no longer active' : ''}`,
        ticketId: applied.ticket_id,
      };
    }
    return withAttachments({
      id,
      actor: actorOf(requester),
      ticketId: applied.ticket_id,
      parsed,
      note,
      stored,
    });
  }

  /** Whether the ticket's plan takes requests by e-mail (a reply to a ticket follows the same rule as a new one). */
  async function planHasEmail(ticket: ThreadTicket): Promise<boolean> {
    const ctx = await sla.policyContext(ticket.workspaceId, ticket.policyVersion);
    const plan = ctx.policy.plans.find((p) => p.id === ticket.plan);
    return plan?.channels.some((c) => c.channel === 'email') ?? false;
  }

  /** A new request: the workspace from the address (`support+slug@…`), the thread, or the sender's only one. */
  async function openTicket(input: {
    id: string;
    parsed: ParsedMail;
    sender: string;
    messageId: string | null;
    members: readonly SenderMembership[];
    recipients: readonly string[];
    threadWorkspaceId: string | undefined;
  }): Promise<Applied> {
    const { id, parsed, sender, messageId, members } = input;
    let workspaceId = input.threadWorkspaceId;
    for (const tag of plusTagsIn(input.recipients)) workspaceId ??= await repo.workspaceIdBySlug(tag);
    const requesters = members.filter((m) => REQUESTER_ROLES.includes(m.role));
    if (workspaceId === undefined && new Set(requesters.map((m) => m.workspaceId)).size === 1)
      workspaceId = requesters[0]?.workspaceId;
    if (workspaceId === undefined && members.length === 0) workspaceId = await repo.onlyWorkspaceId();
    if (workspaceId === undefined)
      throw new Held(
        members.length === 0
          ? 'unknown-sender'
          : 'ambiguous-workspace: write to support+<workspace>@ to choose one',
        null,
      );
    const member = members.find((m) => m.workspaceId === workspaceId);
    if (member === undefined) throw new Held('unknown-sender', workspaceId);
    if (!REQUESTER_ROLES.includes(member.role))
      throw new Held(`staff-sender: ${member.role}s open tickets in the app`, workspaceId);
    const actor = actorOf(member);
    const ctx = await sla.policyContext(workspaceId);
    // The least urgent priority: staff raise it when they triage (an e-mail says nothing of the impact).
    const priority = (ctx.policy.priorities.at(-1)?.id ?? 'P4') as PriorityId;
    await repo.update(id, { workspace_id: workspaceId });
    let created;
    try {
      created = await once(id, 'ticket', 'new ticket', () =>
        deps.tickets.create(actor, {
          subject: cleanSubject(parsed.subject),
          description: descriptionText(messageText(parsed)),
          priority,
          category: 'hosting',
          channel: 'email',
        }),
      );
    } catch (error) {
      if (error instanceof DomainError && error.code === 'CHANNEL_NOT_ALLOWED') {
        const replied = await portalReply(id, workspaceId, sender, messageId);
        throw new Held(
          `channel-not-in-plan: ${error.message}${replied ? '; portal reply sent' : ''}`,
          workspaceId,
        );
      }
      if (error instanceof DomainError && error.code !== 'INTERNAL')
        throw new Held(`${error.code}: ${error.message}`, workspaceId);
      throw error;
    }
    return withAttachments({
      id,
      actor,
      ticketId: created.id,
      parsed,
      note: 'new ticket',
      stored: new Set(),
    });
  }

  async function apply(
    id: string,
    parsed: ParsedMail,
    envelopeFrom: string | null,
    envelopeTo: string[],
  ): Promise<Applied> {
    const fromList = addressesOf(parsed.from);
    const sender = fromList.length === 1 ? normalizeAddress(fromList[0]) : null;
    const messageId = parsed.messageId?.replace(/^<|>$/g, '').slice(0, 250) ?? null;
    await repo.update(id, {
      message_id: messageId,
      from_address: sender,
      subject: (parsed.subject ?? '').slice(0, 300),
    });
    const effects = await repo.effectsOf(id);
    const applied = effects.find((e) => e.effect === 'ticket' || e.effect === 'reply');
    // Before any check: what committed stays, whatever the checks would say now (a ticket closed since, a plan changed).
    if (applied !== undefined) return finish({ id, parsed, sender, applied, effects });
    const automatic = automaticReason(parsed.headers, envelopeFrom);
    if (automatic !== null) return { status: 'ignored', reason: automatic };
    if (sender === null) throw new Held('invalid-from: one sender address is required', null);
    if (sender === ourAddress) return { status: 'ignored', reason: 'loop: sent from our own address' };
    if ((await repo.countFromSince(sender, clock.nowMs() - 600_000)) > MAX_PER_SENDER_10_MIN)
      return { status: 'ignored', reason: 'loop: too many messages from this sender' };
    if (messageId !== null) {
      const duplicate = await repo.processedDuplicate(messageId, sender, id);
      if (duplicate !== undefined)
        return { status: 'ignored', reason: `duplicate of ${duplicate.id}`, ticketId: duplicate.ticket_id };
    }

    const members = await repo.membershipsOf(sender);
    const recipients = [
      ...envelopeTo,
      ...addressesOf(parsed.to),
      ...addressesOf(parsed.cc),
      ...addressesOf(parsed.headers.get('delivered-to') as AddressObject | undefined),
    ];
    const thread = await threadOf(repo, config.replyKey(), { parsed, recipients, sender, members });
    if (thread !== null) {
      const { ticket } = thread;
      const requester = members.find(
        (m) => m.workspaceId === ticket.workspaceId && m.userId === ticket.requesterId,
      );
      // The reply token was signed for another address, or the sender is not the ticket's requester: not applied.
      if (thread.tokenValid === false || requester === undefined)
        throw new Held(
          `sender-mismatch: ${sender} is not the requester this ${thread.by} was sent to`,
          ticket.workspaceId,
          ticket.id,
        );
      if (!(await planHasEmail(ticket))) {
        const replied = await portalReply(id, ticket.workspaceId, sender, messageId);
        throw new Held(
          `channel-not-in-plan: plan ${ticket.plan}${replied ? '; portal reply sent' : ''}`,
          ticket.workspaceId,
          ticket.id,
        );
      }
      // A closed ticket is final: the follow-up becomes a new ticket below.
      if (ticket.status !== 'closed') {
        const actor = actorOf(requester);
        await repo.update(id, { workspace_id: ticket.workspaceId });
        const note = `reply by ${thread.by}`;
        await once(id, 'reply', note, () =>
          deps.tickets.comment(actor, ticket.id, {
            body: replyText(messageText(parsed)),
            visibility: 'public',
          }),
        );
        return withAttachments({ id, actor, ticketId: ticket.id, parsed, note, stored: new Set() });
      }
    }
    return openTicket({
      id,
      parsed,
      sender,
      messageId,
      members,
      recipients,
      threadWorkspaceId: thread?.ticket.workspaceId,
    });
  }

  return { apply };
}
