import { simpleParser } from 'mailparser';
import type { Clock } from '../clock.ts';
import { DomainError } from '../errors.ts';
import { newId } from '../ids.ts';
import type { SlaClockService } from '../sla/sla-clock.service.ts';
import type { AttachmentService } from '../tickets/attachment.service.ts';
import type { TicketService } from '../tickets/ticket.service.ts';
import { createInboundMailApplier, Held, type Applied } from './inbound-mail-apply.ts';
import { createInboundMailStaff } from './inbound-mail-staff.ts';
import { inboundMailDto } from './inbound-mail.dto.ts';
import type { InboundMailRepository, InboundStatus } from './inbound-mail.repository.ts';

export interface InboundMailConfig {
  /** ACCORD_MAIL_FROM: our own address (a message from it is a loop) and the base of reply addresses. */
  readonly mailFrom: string;
  /** ACCORD_PUBLIC_URL: the portal the polite reply points to. */
  readonly publicUrl: string;
  /** The server's secret key (reply tokens are signed with it). */
  readonly replyKey: () => Buffer;
  /** The largest message accepted (ACCORD_SMTP_MAX_BYTES), raw. */
  readonly maxBytes: number;
}

export interface InboundMailDeps {
  readonly repo: InboundMailRepository;
  readonly tickets: TicketService;
  readonly attachments: AttachmentService;
  readonly sla: SlaClockService;
  readonly clock: Clock;
  readonly config: InboundMailConfig;
}

export interface IncomingMessage {
  readonly raw: Buffer;
  readonly source: 'smtp' | 'import';
  /** SMTP `MAIL FROM` ('' for a bounce); null when unknown (an imported file). */
  readonly envelopeFrom: string | null;
  readonly envelopeTo: readonly string[];
}

export interface InboundOutcome {
  readonly id: string;
  readonly status: InboundStatus;
  readonly reason: string | null;
  readonly ticketId: string | null;
}

/**
 * Inbound e-mail: each message is stored raw first (`store`), then processed (`process`, applied by
 * inbound-mail-apply.ts): ignored when automatic, threaded onto a ticket, or opened as a new ticket; whatever cannot be
 * applied safely is held for staff (inbound-mail-staff.ts), and a failure is kept with its error and can be replayed.
 */
export function createInboundMailService(deps: InboundMailDeps) {
  const { repo, clock, config } = deps;
  const applier = createInboundMailApplier(deps);

  async function store(message: IncomingMessage): Promise<string> {
    if (message.raw.length === 0) throw new DomainError('VALIDATION_FAILED', 'the message is empty');
    if (message.raw.length > config.maxBytes)
      throw new DomainError(
        'BODY_TOO_LARGE',
        `the message is ${message.raw.length} bytes; the limit is ${config.maxBytes}`,
      );
    const id = newId();
    await repo.insert({
      id,
      workspace_id: null,
      source: message.source,
      envelope_from: message.envelopeFrom,
      envelope_to_json: JSON.stringify(message.envelopeTo.slice(0, 100)),
      raw: message.raw,
      size_bytes: message.raw.length,
      message_id: null,
      from_address: null,
      subject: null,
      status: 'received',
      reason: null,
      ticket_id: null,
      attempts: 0,
      last_error: null,
      replied_at: null,
      received_at: clock.nowMs(),
      processed_at: null,
    });
    return id;
  }

  /** Claims the message out of one of `from` (one caller wins a race), applies it, and records the outcome. */
  async function process(id: string, from: readonly InboundStatus[] = ['received']): Promise<InboundOutcome> {
    const row = await repo.get(id);
    if (row === undefined) throw new DomainError('INBOUND_MAIL_NOT_FOUND', `no inbound message ${id}`);
    if (
      !from.includes(row.status as InboundStatus) ||
      !(await repo.claim(id, row.status, Number(row.attempts)))
    )
      throw new DomainError(
        'INVALID_TRANSITION',
        `message ${id} is ${row.status}; it cannot be processed now`,
      );
    let outcome: Applied & { workspaceId?: string | null };
    let lastError: string | null = null;
    try {
      const parsed = await simpleParser(Buffer.from(row.raw), { skipImageLinks: true });
      outcome = await applier.apply(
        id,
        parsed,
        row.envelope_from,
        JSON.parse(row.envelope_to_json) as string[],
      );
    } catch (error) {
      if (error instanceof Held)
        outcome = {
          status: 'held',
          reason: error.reason,
          ticketId: error.ticketId,
          workspaceId: error.workspaceId,
        };
      else {
        lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        outcome = { status: 'failed', reason: 'processing failed; replay once mended' };
      }
    }
    await repo.update(id, {
      status: outcome.status,
      reason: outcome.reason?.slice(0, 2000) ?? null,
      last_error: lastError?.slice(0, 2000) ?? null,
      processed_at: clock.nowMs(),
      ...(outcome.ticketId === undefined || outcome.ticketId === null ? {} : { ticket_id: outcome.ticketId }),
      ...(outcome.workspaceId === undefined || outcome.workspaceId === null
        ? {}
        : { workspace_id: outcome.workspaceId }),
    });
    const after = await repo.get(id);
    return { id, status: outcome.status, reason: outcome.reason, ticketId: after?.ticket_id ?? null };
  }

  const staff = createInboundMailStaff(deps, process);

  return {
    config,
    store,
    process,
    /** Store, then process: what `accord mail import` does for each file. */
    async receive(message: IncomingMessage): Promise<InboundOutcome> {
      return process(await store(message));
    },
    /** Processes what was stored but never processed (a stop in between); the SMTP listener calls it at start. */
    async processPending(): Promise<number> {
      let n = 0;
      for (const { id, status } of await repo.unprocessed(clock.nowMs() - 600_000, 100)) {
        await process(id, [status as InboundStatus]).catch(() => undefined);
        n += 1;
      }
      return n;
    },
    /** Staff (agents and admins of the workspace): list, read, replay, attach to a ticket, discard; audited. */
    list: staff.list,
    get: staff.get,
    replay: staff.replay,
    attach: staff.attach,
    discard: staff.discard,
    /** The CLI's list (`accord mail list`): every workspace, and messages matched to none. */
    async listAsOperator(input: { status?: InboundStatus | undefined; limit: number }) {
      return (await repo.list({ workspaceId: undefined, status: input.status, limit: input.limit })).map(
        inboundMailDto,
      );
    },
    /** The CLI's replay (`accord mail replay ID`): run by whoever holds the database, any workspace. */
    async replayAsOperator(id: string): Promise<InboundOutcome> {
      return process(id, ['failed', 'held']);
    },
  };
}

export type InboundMailService = ReturnType<typeof createInboundMailService>;
