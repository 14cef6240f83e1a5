import { createSlaJobHandler, lockSlaSubjects, SLA_JOB_KINDS } from './tickets/ticket-deadlines.ts';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyServerOptions } from 'fastify';
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Clock } from './clock.ts';
import type { DatabaseHandle } from './db/database.ts';
import { clientErrorResponse, frameworkErrorBody, registerErrorHandler } from './errors.ts';
import { registerSecurityHeaders } from './http/security-headers.ts';
import { registerAuthHook } from './http/auth.hook.ts';
import { registerIdempotencyHook } from './http/idempotency.hook.ts';
import { OPENAPI_SERVERS, pruneUnusedSchemas, registerOperationIds } from './http/openapi.ts';
import { registerWebApp } from './http/web-app.ts';
import { calendarPreviewRoutes } from './routes/calendar-preview.routes.ts';
import { registerNoStoreHook, registerUntrustedProxyWarning } from './http/security.hook.ts';
import { createResponseSerializerCompiler } from './http/serializer.ts';
import { registerTextGuardHook } from './http/text-guard.hook.ts';
import { trustProxyFromEnv } from './http/trust-proxy.ts';
import { attachmentRoutes } from './routes/attachment.routes.ts';
import { authRoutes } from './routes/auth.routes.ts';
import { billingRoutes } from './routes/billing.routes.ts';
import { helpRoutes } from './routes/help.routes.ts';
import { chatRoutes } from './routes/chat.routes.ts';
import { calendarRoutes } from './routes/calendar.routes.ts';
import { consultationRoutes } from './routes/consultation.routes.ts';
import { CONSULTATION_JOB_KINDS } from './consultations/consultation-workflow.ts';
import { createConsultationJobHandler } from './consultations/consultation-jobs.ts';
import { contractRoutes } from './routes/contract.routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { organizationRoutes } from './routes/organization.routes.ts';
import { policyRoutes } from './routes/policy.routes.ts';
import { simulationRoutes } from './routes/simulation.routes.ts';
import { ticketRoutes } from './routes/ticket.routes.ts';
import { userRoutes } from './routes/user.routes.ts';
import { createServices, type Services } from './services.ts';
import {
  backgroundConfigFromEnv,
  createBackground,
  systemStaffActor,
  type Background,
  type BackgroundConfig,
} from './notifications/notifications.module.ts';
import { registerMetrics } from './routes/metrics.routes.ts';
import { notificationRoutes } from './routes/notification.routes.ts';
import { liveRoutes } from './routes/live.routes.ts';
import { notificationPreferenceRoutes } from './routes/notification-preference.routes.ts';
import { pushRoutes } from './routes/push.routes.ts';
import { webhookRoutes } from './routes/webhook.routes.ts';
import { MONITOR_CHECK_KIND } from './availability/availability.module.ts';
import {
  createHousekeeping,
  housekeepingConfigFromEnv,
  HOUSEKEEPING_KIND,
} from './housekeeping/housekeeping.ts';
import { availabilityRoutes } from './routes/availability.routes.ts';
import { maintenanceRoutes } from './routes/maintenance.routes.ts';
import { monitorRoutes } from './routes/monitor.routes.ts';
import { statusRoutes } from './routes/status.routes.ts';
import { reportRoutes } from './routes/report.routes.ts';
import {
  createInboundMail,
  maxBytesFromEnv,
  smtpListenConfigFromEnv,
} from './mail-inbound/inbound-mail.module.ts';
import type { InboundMailService } from './mail-inbound/inbound-mail.service.ts';
import { startSmtpListener } from './mail-inbound/smtp-listener.ts';
import { inboundMailRoutes } from './routes/inbound-mail.routes.ts';
import { cutConnectionsAfter } from './http/open-streams.ts';

export interface AppOptions {
  readonly database: DatabaseHandle;
  readonly clock: Clock;
  readonly logger?: FastifyServerOptions['logger'];
  /** Default JSON body limit; attachment uploads have their own. */
  readonly bodyLimitBytes?: number;
  /** Serialize every response through zod as well and fail on a difference (default: on under tests). */
  readonly verifyResponses?: boolean;
  /** Lifetime of resolved tokens in memory (ACCORD_AUTH_CACHE_MS; see auth/identity-cache.ts). */
  readonly authCacheMs?: number;
  /** Run the scheduler and the outbox dispatcher (main.ts does); tests leave them off and call their runOnce(). */
  readonly runWorkers?: boolean;
  /** Scheduler, e-mail, webhook and metrics settings; each defaults from the environment. */
  readonly background?: Partial<BackgroundConfig>;
  /** How long a closing server waits for requests in flight before it cuts their connections (default 10 s). */
  readonly shutdownGraceMs?: number;
}

/** Builds the whole server; `main.ts` listens, tests listen on port 0. */
export async function buildApp(options: AppOptions): Promise<{
  app: FastifyInstance;
  services: Services;
  background: Background;
  /** Inbound e-mail (mail-inbound/): the SMTP listener when ACCORD_SMTP_LISTEN is set, `accord mail import`. */
  inbound: InboundMailService;
}> {
  const services = createServices({
    db: options.database.db,
    clock: options.clock,
    ...(options.authCacheMs === undefined ? {} : { authCacheMs: options.authCacheMs }),
  });
  const trustProxy = trustProxyFromEnv(process.env['ACCORD_TRUST_PROXY']);
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimitBytes ?? 256 * 1024,
    trustProxy,
    // Bad ids and odd query strings are validated by the schemas; keep Fastify from coercing silently.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    clientErrorHandler: (error, socket) => {
      // A reset connection has nobody left to answer.
      if (error.code === 'ECONNRESET' || socket.destroyed) return;
      if (socket.writable) socket.write(clientErrorResponse(error));
      socket.destroy(error);
    },
    frameworkErrors: (error, _request, reply) => {
      const { status, body } = frameworkErrorBody(error);
      void (reply as FastifyReply).code(status).send(body);
    },
  }).withTypeProvider<ZodTypeProvider>();
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(
    createResponseSerializerCompiler({
      // Vitest sets NODE_ENV=test: every test then checks the fast serializer against zod's.
      verify: options.verifyResponses ?? process.env['NODE_ENV'] === 'test',
    }),
  );
  registerErrorHandler(app);
  cutConnectionsAfter(app, options.shutdownGraceMs ?? 10_000);

  // Only JSON is parsed: a form or `text/plain` body (what a cross-site page can send without a preflight) is 415.
  app.removeContentTypeParser('text/plain');
  await app.register(cookie);
  registerSecurityHeaders(app);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Accord API',
        description: 'SLA-driven service desk',
        version: '1.0.0',
        license: { name: 'MIT', identifier: 'MIT' },
      },
      servers: OPENAPI_SERVERS,
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'accord_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: (input) => pruneUnusedSchemas(jsonSchemaTransformObject(input)),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  // Before any route: each one registered from here on gets an operationId.
  registerOperationIds(app);

  registerUntrustedProxyWarning(app, trustProxy !== false);
  registerAuthHook(app, services.auth);
  registerNoStoreHook(app);
  registerTextGuardHook(app);
  registerIdempotencyHook(app, { db: services.db, clock: options.clock });
  const background = createBackground({
    db: services.db,
    clock: options.clock,
    config: { ...backgroundConfigFromEnv(process.env), ...options.background },
    loadStaffTicket: (workspaceId, id) => services.tickets.get(systemStaffActor(workspaceId), id),
  });
  // The SLA deadlines the ticket write path schedules (tickets/ticket-deadlines.ts).
  const slaJobs = createSlaJobHandler({ change: services.change, sla: services.sla, clock: options.clock });
  for (const kind of SLA_JOB_KINDS) {
    background.jobHandlers.set(kind, slaJobs);
    background.jobSubjectLocks.set(kind, lockSlaSubjects);
  }
  // The consultation deadlines (accept within, contact warning and deadline): consultations/consultation-jobs.ts.
  const consultationJobs = createConsultationJobHandler({ sla: services.sla, clock: options.clock });
  for (const kind of CONSULTATION_JOB_KINDS) background.jobHandlers.set(kind, consultationJobs);
  // Monitor checks: the scheduler hands each due check to the check runner (availability/check-runner.ts).
  background.jobHandlers.set(MONITOR_CHECK_KIND, services.availability.jobHandler);
  if (options.runWorkers === true) app.addHook('onReady', async () => services.availability.runner.start());
  // Pruning of finished jobs, sent outbox rows and final deliveries: one job per hour (housekeeping/housekeeping.ts).
  const housekeeping = createHousekeeping({
    clock: options.clock,
    config: housekeepingConfigFromEnv(process.env),
    observer: background.metrics.housekeeping,
  });
  background.jobHandlers.set(HOUSEKEEPING_KIND, housekeeping.handler);
  if (options.runWorkers === true)
    app.addHook('onReady', async () => housekeeping.ensureScheduled(services.db, options.clock.nowMs()));
  app.addHook('onClose', async () => {
    await services.availability.runner.stop();
    services.availability.close();
  });
  registerMetrics(app, background);
  let replyKey: Buffer | undefined;
  const inbound = createInboundMail({
    db: services.db,
    tickets: services.tickets,
    attachments: services.attachments,
    sla: services.sla,
    clock: options.clock,
    config: {
      mailFrom: background.config.mailFrom,
      publicUrl: background.config.publicUrl,
      replyKey: () => (replyKey ??= background.config.secretKey()),
      maxBytes: maxBytesFromEnv(process.env),
    },
  });
  const smtpListen = options.runWorkers === true ? smtpListenConfigFromEnv(process.env) : null;
  if (smtpListen !== null) {
    let listener: Awaited<ReturnType<typeof startSmtpListener>> | undefined;
    app.addHook('onReady', async () => {
      listener = await startSmtpListener(inbound, smtpListen, (error) =>
        app.log.error(error, 'inbound mail'),
      );
      app.log.info(`inbound mail: SMTP listening on ${smtpListen.host}:${listener.port}`);
    });
    app.addHook('onClose', async () => listener?.close());
  }
  if (options.runWorkers === true) app.addHook('onReady', async () => background.start());
  app.addHook('onClose', async () => background.stop());

  await app.register(healthRoutes(services, options.database.dialect));
  const api = [
    authRoutes,
    ticketRoutes,
    attachmentRoutes,
    organizationRoutes,
    contractRoutes,
    userRoutes,
    policyRoutes,
    simulationRoutes,
    calendarRoutes,
    billingRoutes,
    helpRoutes,
    consultationRoutes,
    chatRoutes,
  ];
  for (const routes of api) await app.register(routes(services), { prefix: '/api/v1' });
  for (const routes of [
    webhookRoutes,
    notificationRoutes,
    liveRoutes,
    notificationPreferenceRoutes,
    pushRoutes,
  ])
    await app.register(routes(background), { prefix: '/api/v1' });
  for (const routes of [monitorRoutes, maintenanceRoutes, availabilityRoutes, statusRoutes, reportRoutes])
    await app.register(routes(services.availability), { prefix: '/api/v1' });

  app.get('/api/v1/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  await app.register(calendarPreviewRoutes({ clock: options.clock }), { prefix: '/api/v1' });
  await app.register(inboundMailRoutes(inbound), { prefix: '/api/v1' });
  // The web app (packages/web/dist) at `/`, when built.
  await registerWebApp(app);
  return { app, services, background, inbound };
}
