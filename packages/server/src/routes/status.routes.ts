import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Availability } from '../availability/availability.module.ts';
import { errorResponses } from '../errors.ts';
import { instant } from '../http/schemas.ts';

const statusPageSchema = z
  .object({
    workspace: z.object({ name: z.string() }),
    generatedAt: instant,
    timeZone: z.string(),
    monitors: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        state: z.enum(['up', 'down', 'error', 'slow', 'unknown']),
        bars: z.array(
          z.object({ day: z.string(), availability: z.number().nullable(), downSeconds: z.number() }),
        ),
      }),
    ),
    incidents: z.array(
      z.object({
        monitorId: z.string(),
        monitorName: z.string(),
        kind: z.enum(['outage', 'degraded']),
        lastCheckAt: instant.nullable(),
      }),
    ),
    maintenance: z.array(z.object({ title: z.string(), startsAt: instant, endsAt: instant })),
  })
  .meta({ id: 'StatusPage' });

export function statusRoutes({ status }: Availability): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/status/:workspace',
      {
        config: { public: true },
        schema: {
          tags: ['availability'],
          summary:
            "A workspace's public status page: public monitors, 90 daily bars, open incidents, announced maintenance",
          security: [],
          params: z.strictObject({ workspace: z.string().min(1).max(100) }),
          response: { 200: statusPageSchema, ...errorResponses(404) },
        },
      },
      async (request) => status.page(request.params.workspace),
    );
  };
}
