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
import { registerAuthHook } from './http/auth.hook.ts';
import { registerIdempotencyHook } from './http/idempotency.hook.ts';
import { createResponseSerializerCompiler } from './http/serializer.ts';
import { registerTextGuardHook } from './http/text-guard.hook.ts';
import { trustProxyFromEnv } from './http/trust-proxy.ts';
import { attachmentRoutes } from './routes/attachment.routes.ts';
import { authRoutes } from './routes/auth.routes.ts';
import { billingRoutes } from './routes/billing.routes.ts';
import { calendarRoutes } from './routes/calendar.routes.ts';
import { contractRoutes } from './routes/contract.routes.ts';
import { healthRoutes } from './routes/health.routes.ts';
import { organizationRoutes } from './routes/organization.routes.ts';
import { policyRoutes } from './routes/policy.routes.ts';
import { ticketRoutes } from './routes/ticket.routes.ts';
import { userRoutes } from './routes/user.routes.ts';
import { createServices, type Services } from './services.ts';

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
}

/** Builds the whole server; `main.ts` listens, tests listen on port 0. */
export async function buildApp(options: AppOptions): Promise<{ app: FastifyInstance; services: Services }> {
  const services = createServices({
    db: options.database.db,
    clock: options.clock,
    ...(options.authCacheMs === undefined ? {} : { authCacheMs: options.authCacheMs }),
  });
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimitBytes ?? 256 * 1024,
    trustProxy: trustProxyFromEnv(process.env['ACCORD_TRUST_PROXY']),
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

  await app.register(cookie);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Accord API', description: 'SLA-driven service desk', version: '1.0.0' },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          session: { type: 'apiKey', in: 'cookie', name: 'accord_session' },
        },
      },
      security: [{ bearer: [] }, { session: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  registerAuthHook(app, services.auth);
  registerTextGuardHook(app);
  registerIdempotencyHook(app, { db: services.db, clock: options.clock });

  await app.register(healthRoutes(services, options.database.dialect));
  const api = [
    authRoutes,
    ticketRoutes,
    attachmentRoutes,
    organizationRoutes,
    contractRoutes,
    userRoutes,
    policyRoutes,
    calendarRoutes,
    billingRoutes,
  ];
  for (const routes of api) await app.register(routes(services), { prefix: '/api/v1' });

  app.get('/api/v1/openapi.json', { config: { public: true }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  return { app, services };
}
