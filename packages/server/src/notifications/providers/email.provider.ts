import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import type { Clock } from '../../clock.ts';
import { exponentialRetry, type NotificationProvider, type OutgoingMessage } from '../provider.ts';
import { renderTicketMail, type TicketMailContent } from '../templates/email-templates.ts';

export interface EmailConfig {
  /** ACCORD_SMTP_URL (`smtp://user:pass@host:587`, `smtps://…`); without it, messages become `.eml` files. */
  readonly smtpUrl?: string | undefined;
  /** ACCORD_MAIL_FROM */
  readonly from: string;
  /** Where `.eml` files go without SMTP: the data directory's `mail/` folder. */
  readonly mailDir: string;
}

/** The content the fan-out stores for an e-mail delivery. */
export interface EmailContent extends TicketMailContent {
  readonly to: string;
}

/** `<delivery-id@sender-domain>`: the same on every attempt, so a resend after a crash is recognisable. */
export function messageIdOf(deliveryId: string, from: string): string {
  const domain = /@([^>\s]+)/.exec(from)?.[1] ?? 'accord.invalid';
  return `<${deliveryId}@${domain}>`;
}

export function describeEmail(config: EmailConfig): string {
  if (config.smtpUrl === undefined || config.smtpUrl === '')
    return `no ACCORD_SMTP_URL: e-mails are written as .eml files under ${config.mailDir} (nothing is sent)`;
  const url = new URL(config.smtpUrl);
  return `e-mails sent through ${url.protocol}//${url.host} as ${config.from}`;
}

/** A message written elsewhere (the inbound module's polite reply), sent as it is. */
interface PrerenderedContent {
  readonly to: string;
  readonly rendered: { subject: string; text: string; html: string };
  readonly inReplyTo?: string | null;
}

function isPrerendered(content: Record<string, unknown>): boolean {
  return typeof content['rendered'] === 'object' && content['rendered'] !== null;
}

export function createEmailProvider(
  config: EmailConfig & {
    clock: Clock;
    /** The `Reply-To` of a ticket mail: `support+TOKEN@…`, so a reply threads onto the ticket (mail-inbound/). */
    replyTo?: (ticketId: string, recipient: string) => string | undefined;
  },
): NotificationProvider & { close(): void } {
  const useSmtp = config.smtpUrl !== undefined && config.smtpUrl !== '';
  const transport = useSmtp
    ? nodemailer.createTransport(config.smtpUrl)
    : nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    retryDelayMs: exponentialRetry(30_000, 3_600_000, 12),
    close: () => transport.close(),
    async send(message: OutgoingMessage) {
      const messageId = messageIdOf(message.id, config.from);
      let mail: nodemailer.SendMailOptions;
      if (isPrerendered(message.content)) {
        const content = message.content as unknown as PrerenderedContent;
        mail = {
          to: content.to,
          ...content.rendered,
          ...(content.inReplyTo
            ? { inReplyTo: `<${content.inReplyTo}>`, references: `<${content.inReplyTo}>` }
            : {}),
          // An answer by a robot (RFC 3834): the peer's own auto-responder must not answer it.
          headers: { 'Auto-Submitted': 'auto-replied', 'X-Accord-Event': message.eventType },
        };
      } else {
        const content = message.content as unknown as EmailContent;
        const replyTo = config.replyTo?.(content.ticket.id, content.to);
        mail = {
          to: content.to,
          ...renderTicketMail(content),
          ...(replyTo === undefined ? {} : { replyTo }),
          headers: { 'Auto-Submitted': 'auto-generated', 'X-Accord-Event': message.eventType },
        };
      }
      const info = (await transport.sendMail({
        ...mail,
        from: config.from,
        messageId,
        date: new Date(config.clock.nowMs()),
      })) as { messageId?: string; message?: Buffer };
      if (!useSmtp) {
        mkdirSync(config.mailDir, { recursive: true });
        const file = join(config.mailDir, `${message.id}.eml`);
        // Written whole or not at all: a crash leaves a .tmp, never half a message under the final name.
        writeFileSync(`${file}.tmp`, info.message ?? Buffer.alloc(0));
        renameSync(`${file}.tmp`, file);
      }
      return { externalId: info.messageId ?? messageId };
    },
  };
}
