import { simpleParser } from 'mailparser';
import { requireRole } from '../access.ts';
import type { Actor } from '../auth/actor.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import { appliedOnce } from './inbound-mail-apply.ts';
import { addAttachments } from './inbound-mail-attachments.ts';
import { descriptionText, messageText } from './inbound-mail-core.ts';
import { inboundMailDetail, inboundMailDto } from './inbound-mail.dto.ts';
import type { InboundStatus } from './inbound-mail.repository.ts';
import type { InboundMailDeps, InboundOutcome } from './inbound-mail.service.ts';

const STAFF = ['admin', 'agent'] as const;
/** What staff may act on: what could not be applied. A processed or ignored message is final. */
const ACTIONABLE: readonly InboundStatus[] = ['held', 'failed'];

/**
 * Staff's use cases on the workspace's inbound e-mail: list, read, replay, attach to a ticket, discard. Each action is
 * audited (`inbound_mail_actions`); a message of another workspace, or matched to none, does not exist for them.
 */
export function createInboundMailStaff(
  deps: InboundMailDeps,
  process: (id: string, from: readonly InboundStatus[]) => Promise<InboundOutcome>,
) {
  const { repo, clock } = deps;

  async function visibleRow(actor: Actor, id: string) {
    const row = await repo.get(id);
    if (row === undefined || row.workspace_id !== actor.workspaceId)
      throw new DomainError('INBOUND_MAIL_NOT_FOUND', `no inbound message ${id}`);
    return row;
  }

  function notActionable(id: string, status: string) {
    return new DomainError(
      'INVALID_TRANSITION',
      `message ${id} is ${status}; only held or failed messages can be replayed, attached or discarded`,
    );
  }

  async function audit(
    actor: Actor,
    row: { id: string; from_address: string | null; reason: string | null },
    action: 'replay' | 'attach',
    outcome: InboundOutcome,
  ) {
    await repo.insertAction({
      id: newId(),
      workspace_id: actor.workspaceId,
      inbound_id: row.id,
      action,
      actor_id: actor.userId,
      from_address: row.from_address,
      held_reason: row.reason?.slice(0, 2000) ?? null,
      outcome: `${outcome.status}${outcome.reason === null ? '' : `: ${outcome.reason}`}`.slice(0, 2000),
      ticket_id: outcome.ticketId,
      at: clock.nowMs(),
    });
  }

  return {
    /** The workspace's inbound messages, newest first. */
    async list(actor: Actor, input: { status?: InboundStatus | undefined; limit: number }) {
      requireRole(actor, STAFF, 'read inbound e-mail');
      const rows = await repo.list({
        workspaceId: actor.workspaceId,
        status: input.status,
        limit: input.limit,
      });
      return rows.map(inboundMailDto);
    },

    /** One message to read: its text only (never its HTML), its attachments listed, what staff did with it. */
    async get(actor: Actor, id: string) {
      requireRole(actor, STAFF, 'read inbound e-mail');
      const row = await visibleRow(actor, id);
      const parsed = await simpleParser(Buffer.from(row.raw), { skipImageLinks: true });
      return inboundMailDetail(row, parsed, await repo.actionsOf(id));
    },

    /** Processes a held or failed message again (after adding the sender as a contact, mending a contract…). */
    async replay(actor: Actor, id: string): Promise<InboundOutcome> {
      requireRole(actor, STAFF, 'replay inbound e-mail');
      const row = await visibleRow(actor, id);
      if (!ACTIONABLE.includes(row.status as InboundStatus)) throw notActionable(id, row.status);
      const outcome = await process(id, ACTIONABLE);
      await audit(actor, row, 'replay', outcome);
      return outcome;
    },

    /**
     * Adds a held or failed message to a ticket staff chose, as a comment by the staff member (internal unless they
     * say public) with its attachments, through the ticket write path; the message is then processed.
     */
    async attach(
      actor: Actor,
      id: string,
      input: { ticketId: string; visibility: 'public' | 'internal' },
    ): Promise<InboundOutcome> {
      requireRole(actor, STAFF, 'attach inbound e-mail');
      const row = await visibleRow(actor, id);
      if (!ACTIONABLE.includes(row.status as InboundStatus)) throw notActionable(id, row.status);
      // A message whose ticket or reply already committed (a run that failed after it) is finished by a replay:
      // attached elsewhere, it would be applied twice.
      const applied = (await repo.effectsOf(id)).find((e) => e.effect === 'ticket' || e.effect === 'reply');
      if (applied !== undefined)
        throw new DomainError(
          'INVALID_TRANSITION',
          `message ${id} already made its ${applied.effect} on ticket ${applied.ticket_id}; replay it to finish it`,
        );
      // Parsed before the claim: a message that cannot be parsed stays as it was, never stuck in `processing`.
      const parsed = await simpleParser(Buffer.from(row.raw), { skipImageLinks: true });
      if (!(await repo.claim(id, row.status, Number(row.attempts)))) throw notActionable(id, row.status);
      const heading = `✉ ${row.from_address ?? row.envelope_from ?? '?'} — ${row.subject ?? ''}`.trim();
      try {
        // Marked with the comment, as a reply: a restart after a crash from here on finishes, never attaches again.
        await appliedOnce(deps, { id, effect: 'reply', note: `attached by ${actor.name}` }, () =>
          deps.tickets.comment(actor, input.ticketId, {
            body: `${heading}\n\n${descriptionText(messageText(parsed))}`,
            visibility: input.visibility,
          }),
        );
      } catch (error) {
        // Nothing was applied (the comment is the first write): the message is held again, as it was.
        await repo.release(id, row.status);
        throw error;
      }
      // Each file is its own ticket change; one refused is listed in the reason, never undoes the comment.
      const notKept = await addAttachments(deps.attachments, {
        actor,
        ticketId: input.ticketId,
        parsed,
        visibility: input.visibility,
        each: (index, add) => appliedOnce(deps, { id, effect: `attachment:${index}`, note: null }, add),
      });
      const outcome: InboundOutcome = {
        id,
        status: 'processed',
        reason: `attached by ${actor.name} (${input.visibility})${notKept.length > 0 ? `; attachments not kept: ${notKept.join(', ')}` : ''}`,
        ticketId: input.ticketId,
      };
      await repo.update(id, {
        status: outcome.status,
        reason: outcome.reason?.slice(0, 2000) ?? null,
        last_error: null,
        ticket_id: input.ticketId,
        processed_at: clock.nowMs(),
      });
      await audit(actor, row, 'attach', outcome);
      return outcome;
    },

    /** Deletes a held or failed message and its raw copy; only the audit row (who, when, why held) remains. */
    async discard(actor: Actor, id: string): Promise<void> {
      requireRole(actor, STAFF, 'discard inbound e-mail');
      const row = await visibleRow(actor, id);
      if (!ACTIONABLE.includes(row.status as InboundStatus)) throw notActionable(id, row.status);
      const done = await repo.discard(id, ACTIONABLE, {
        id: newId(),
        workspace_id: actor.workspaceId,
        inbound_id: id,
        action: 'discard',
        actor_id: actor.userId,
        from_address: row.from_address,
        held_reason: row.reason?.slice(0, 2000) ?? null,
        outcome: 'discarded',
        ticket_id: null,
        at: clock.nowMs(),
      });
      if (!done) throw notActionable(id, 'no longer held');
    },
  };
}
