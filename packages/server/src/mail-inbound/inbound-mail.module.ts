import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { backgroundConfigFromEnv } from '../notifications/notifications.module.ts';
import { createServices } from '../services.ts';
import type { SlaClockService } from '../sla/sla-clock.service.ts';
import type { AttachmentService } from '../tickets/attachment.service.ts';
import type { TicketService } from '../tickets/ticket.service.ts';
import { createInboundMailRepository } from './inbound-mail.repository.ts';
import { createInboundMailService, type InboundMailConfig } from './inbound-mail.service.ts';
import type { SmtpListenConfig } from './smtp-listener.ts';

export const DEFAULT_SMTP_MAX_BYTES = 25 * 1024 * 1024;

/**
 * `ACCORD_SMTP_LISTEN=PORT` (off when unset), `ACCORD_SMTP_LISTEN_HOST` (default 127.0.0.1), `ACCORD_SMTP_MAX_BYTES`
 * (default 25 MiB, at most 100 MiB). A wrong value stops the start-up with a message instead of listening wrong.
 */
export function smtpListenConfigFromEnv(env: NodeJS.ProcessEnv): SmtpListenConfig | null {
  const raw = env['ACCORD_SMTP_LISTEN'];
  if (raw === undefined || raw.trim() === '') return null;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`ACCORD_SMTP_LISTEN must be a port 0–65535, got '${raw}'`);
  return { port, host: env['ACCORD_SMTP_LISTEN_HOST'] || '127.0.0.1', maxBytes: maxBytesFromEnv(env) };
}

export function maxBytesFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env['ACCORD_SMTP_MAX_BYTES'];
  if (raw === undefined || raw === '') return DEFAULT_SMTP_MAX_BYTES;
  const bytes = Number(raw);
  if (!Number.isInteger(bytes) || bytes < 1024 || bytes > 100 * 1024 * 1024)
    throw new Error(
      `ACCORD_SMTP_MAX_BYTES must be an integer from 1024 to ${100 * 1024 * 1024}, got '${raw}'`,
    );
  return bytes;
}

export function createInboundMail(deps: {
  db: Db;
  tickets: TicketService;
  attachments: AttachmentService;
  sla: SlaClockService;
  clock: Clock;
  config: InboundMailConfig;
}) {
  return createInboundMailService({ ...deps, repo: createInboundMailRepository(deps.db) });
}

/**
 * Inbound mail outside the server (`accord mail import|replay|list`): the same services over the same database and
 * configuration (ACCORD_MAIL_FROM, ACCORD_PUBLIC_URL, the secret key of ACCORD_DATA_DIR); polite replies are queued
 * as deliveries, sent by the running server's dispatcher.
 */
export function createStandaloneInboundMail(db: Db, clock: Clock, env: NodeJS.ProcessEnv) {
  const services = createServices({ db, clock, authCacheMs: 0 });
  const background = backgroundConfigFromEnv(env);
  let replyKey: Buffer | undefined;
  return createInboundMail({
    db,
    tickets: services.tickets,
    attachments: services.attachments,
    sla: services.sla,
    clock,
    config: {
      mailFrom: background.mailFrom,
      publicUrl: background.publicUrl,
      replyKey: () => (replyKey ??= background.secretKey()),
      maxBytes: maxBytesFromEnv(env),
    },
  });
}
