import { join, resolve } from 'node:path';
import type { Actor } from '../auth/actor.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/database.ts';
import { createLiveHub, DEFAULT_LIVE_CONFIG, type LiveConfig } from '../live/live-hub.ts';
import { createScheduler, type JobHandler, type SubjectLock } from '../scheduler/scheduler.ts';
import { createMetrics } from './metrics.ts';
import { createNotificationService } from './notification.service.ts';
import { createOutboxDispatcher } from './outbox-dispatcher.ts';
import type { Channel, NotificationProvider } from './provider.ts';
import { createEmailProvider, describeEmail } from './providers/email.provider.ts';
import { createInAppProvider } from './providers/in-app.provider.ts';
import { createPushProvider } from './providers/push.provider.ts';
import { createPreferenceService } from './preference.service.ts';
import { createPushService } from './push.service.ts';
import { createVapidKeys } from './vapid-keys.ts';
import { createWebhookProvider } from './providers/webhook.provider.ts';
import { createSecretBox, secretKeyFromEnv } from './secret-box.ts';
import { createWebhookService } from './webhook.service.ts';
import { replyAddress } from '../mail-inbound/reply-token.ts';

export interface BackgroundConfig {
  readonly dataDir: string;
  readonly smtpUrl?: string | undefined;
  readonly mailFrom: string;
  /** Base of the links in e-mails. */
  readonly publicUrl: string;
  readonly allowPrivateWebhooks: boolean;
  /** When set, GET /metrics needs `Authorization: Bearer <token>`; otherwise it answers loopback clients only. */
  readonly metricsToken?: string | undefined;
  /** Read on first use (the key file is created only when a webhook needs it). */
  readonly secretKey: () => Buffer;
  readonly pollMs: number;
  /** The live stream's polling, heartbeat and retention (GET /api/v1/stream). */
  readonly live: LiveConfig;
}

export function backgroundConfigFromEnv(env: NodeJS.ProcessEnv): BackgroundConfig {
  const dataDir = resolve(env['ACCORD_DATA_DIR'] ?? './data');
  const pollMs = Number(env['ACCORD_POLL_MS'] ?? '1000');
  return {
    dataDir,
    smtpUrl: env['ACCORD_SMTP_URL'] || undefined,
    mailFrom: env['ACCORD_MAIL_FROM'] || 'Accord <accord@localhost>',
    publicUrl: env['ACCORD_PUBLIC_URL'] || `http://127.0.0.1:${env['PORT'] ?? '3000'}`,
    allowPrivateWebhooks: env['ACCORD_WEBHOOK_ALLOW_PRIVATE'] === 'true',
    metricsToken: env['ACCORD_METRICS_TOKEN'] || undefined,
    secretKey: () => secretKeyFromEnv(env, dataDir),
    pollMs: Number.isInteger(pollMs) && pollMs > 0 ? pollMs : 1000,
    live: {
      ...DEFAULT_LIVE_CONFIG,
      pollMs: positiveInt(env['ACCORD_LIVE_POLL_MS']) ?? DEFAULT_LIVE_CONFIG.pollMs,
    },
  };
}

/** The contact push services see (RFC 8292): the sender's address, else the public URL. */
function vapidSubject(config: BackgroundConfig): string {
  const address = /<([^>\s]+@[^>\s]+)>/.exec(config.mailFrom)?.[1] ?? /^\S+@\S+$/.exec(config.mailFrom)?.[0];
  if (address !== undefined && !address.endsWith('@localhost')) return `mailto:${address}`;
  return config.publicUrl.startsWith('https://') ? config.publicUrl : 'mailto:accord@example.invalid';
}

function positiveInt(value: string | undefined): number | undefined {
  const n = Number(value);
  return value !== undefined && Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * The scheduler, the outbox dispatcher and their providers, built once per server. `jobHandlers` is the scheduler's
 * live map: the ticket write path registers its job kinds there (`jobHandlers.set('sla-breach', …)`).
 */
export function createBackground({
  db,
  clock,
  config,
  loadStaffTicket,
}: {
  db: Db;
  clock: Clock;
  config: BackgroundConfig;
  loadStaffTicket?: (workspaceId: string, ticketId: string) => Promise<unknown>;
}) {
  let key: Buffer | undefined;
  const metrics = createMetrics({ db, clock });
  const secrets = createSecretBox(() => (key ??= config.secretKey()));
  const emailConfig = {
    smtpUrl: config.smtpUrl,
    from: config.mailFrom,
    mailDir: join(config.dataDir, 'mail'),
  };
  const vapid = createVapidKeys({ db, clock, secrets });
  const email = createEmailProvider({
    ...emailConfig,
    clock,
    // Replies thread onto the ticket through the reply token (mail-inbound/reply-token.ts).
    replyTo: (ticketId, recipient) =>
      replyAddress(config.mailFrom, (key ??= config.secretKey()), ticketId, recipient),
  });
  const providers = new Map<Channel, NotificationProvider>([
    ['email', email],
    ['webhook', createWebhookProvider({ db, clock, secrets, allowPrivate: config.allowPrivateWebhooks })],
    ['in-app', createInAppProvider({ db, clock })],
    [
      'push',
      createPushProvider({
        db,
        vapid,
        subject: vapidSubject(config),
        allowPrivate: config.allowPrivateWebhooks,
      }),
    ],
  ]);
  const jobHandlers = new Map<string, JobHandler>();
  const jobSubjectLocks = new Map<string, SubjectLock>();
  const scheduler = createScheduler({
    db,
    clock,
    handlers: jobHandlers,
    subjectLocks: jobSubjectLocks,
    pollMs: config.pollMs,
    observer: metrics.scheduler,
  });
  const live = createLiveHub({ db, clock, config: config.live ?? DEFAULT_LIVE_CONFIG });
  const dispatcher = createOutboxDispatcher({
    db,
    clock,
    providers,
    fanOut: { publicUrl: config.publicUrl, ...(loadStaffTicket === undefined ? {} : { loadStaffTicket }) },
    pollMs: config.pollMs,
    observer: metrics.dispatcher,
    onLiveEvents: () => live.nudge(),
  });
  let running = false;
  return {
    config,
    metrics,
    providers,
    jobHandlers,
    jobSubjectLocks,
    scheduler,
    dispatcher,
    live,
    webhooks: createWebhookService({ db, clock, secrets, allowPrivate: config.allowPrivateWebhooks }),
    notifications: createNotificationService({ db, clock }),
    preferences: createPreferenceService({ db, clock }),
    push: createPushService({ db, clock, vapid, allowPrivate: config.allowPrivateWebhooks }),
    /** For the start-up log: where e-mail goes. */
    emailDescription: describeEmail(emailConfig),
    start() {
      running = true;
      // Generated at first start (and stored), so the page can offer push at once.
      vapid.get().catch((error: unknown) => console.error('accord: VAPID keys', error));
      scheduler.start();
      dispatcher.start();
    },
    async stop() {
      if (running) await Promise.all([scheduler.stop(), dispatcher.stop()]);
      running = false;
      live.stop();
      email.close();
    },
  };
}

export type Background = ReturnType<typeof createBackground>;

/** Who reads a ticket for a `ticket.*` webhook: the staff view, as an admin of the workspace sees it. */
export function systemStaffActor(workspaceId: string): Actor {
  return {
    userId: 'system',
    name: 'Accord',
    sessionId: 'system',
    workspaceId,
    role: 'admin',
    organizationId: null,
  };
}
