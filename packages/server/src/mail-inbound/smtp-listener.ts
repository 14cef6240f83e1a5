import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { InboundMailService } from './inbound-mail.service.ts';

export interface SmtpListenConfig {
  readonly port: number;
  /** Loopback unless ACCORD_SMTP_LISTEN_HOST opens it (the MTA in front usually relays from the same host). */
  readonly host: string;
  readonly maxBytes: number;
  readonly maxRecipients?: number;
  readonly maxClients?: number;
}

class SmtpReply extends Error {
  constructor(
    message: string,
    readonly responseCode: number,
  ) {
    super(message);
  }
}

/**
 * The SMTP listener (`ACCORD_SMTP_LISTEN=PORT`): accepts a message only once it is stored raw (so a 250 means it is
 * kept), then processes it after answering. No AUTH (nobody sends as us through it; it never relays), no STARTTLS
 * (TLS is the job of the MTA in front; it listens on loopback by default); SIZE is announced and enforced.
 */
export async function startSmtpListener(
  inbound: InboundMailService,
  config: SmtpListenConfig,
  onError: (error: unknown) => void = () => undefined,
): Promise<{ port: number; close(): Promise<void> }> {
  const maxRecipients = config.maxRecipients ?? 50;
  const options: SMTPServerOptions = {
    banner: 'Accord inbound mail',
    disabledCommands: ['AUTH', 'STARTTLS'],
    authOptional: true,
    size: config.maxBytes,
    maxClients: config.maxClients ?? 50,
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    logger: false,
    onRcptTo(_address, session, callback) {
      if (session.envelope.rcptTo.length >= maxRecipients)
        return callback(new SmtpReply('too many recipients', 452));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // Past the limit nothing more is kept in memory; smtp-server sets sizeExceeded and the message is refused.
        if (size <= config.maxBytes) chunks.push(chunk);
      });
      stream.on('error', (error) => callback(error));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded === true || size > config.maxBytes)
          return callback(new SmtpReply(`message exceeds the limit of ${config.maxBytes} bytes`, 552));
        const mailFrom = session.envelope.mailFrom;
        inbound
          .store({
            raw: Buffer.concat(chunks),
            source: 'smtp',
            envelopeFrom: mailFrom === false ? '' : mailFrom.address,
            envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          })
          .then(
            (id) => {
              callback(null, `stored as ${id}`);
              inbound.process(id).catch(onError);
            },
            (error: unknown) => {
              onError(error);
              // Temporary: the peer keeps the message and retries (the database may be back by then).
              callback(new SmtpReply('message not stored, try again later', 451));
            },
          );
      });
    },
  };
  const server = new SMTPServer(options);
  server.on('error', onError);
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(config.port, config.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  const port = address !== null && typeof address === 'object' ? address.port : config.port;
  // Messages a stop left unprocessed (stored, not yet applied) are processed now.
  void inbound.processPending().catch(onError);
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
