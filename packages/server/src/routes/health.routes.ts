import { sql } from 'kysely';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Services } from '../services.ts';

export function healthRoutes({ db }: Services, dialect: string): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/healthz',
      {
        config: { public: true },
        schema: {
          tags: ['health'],
          summary: 'Liveness and database reachability',
          response: {
            200: z.object({
              status: z.literal('ok'),
              database: z.object({ dialect: z.string(), ok: z.literal(true) }),
            }),
            503: z.object({
              status: z.literal('error'),
              database: z.object({ dialect: z.string(), ok: z.literal(false), error: z.string() }),
            }),
          },
        },
      },
      async (request, reply) => {
        try {
          await sql`select 1`.execute(db);
          return { status: 'ok' as const, database: { dialect, ok: true as const } };
        } catch (error) {
          // The driver's message names hosts, ports and users: operators read it in the log, callers are anonymous.
          request.log.error({ err: error }, 'health check: database unreachable');
          return reply.code(503).send({
            status: 'error',
            database: { dialect, ok: false, error: 'database unavailable' },
          });
        }
      },
    );
  };
}
