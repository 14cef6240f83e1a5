import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Availability } from '../availability/availability.module.ts';
import { errorResponses } from '../errors.ts';
import { actorOf } from '../http/request-context.ts';
import { idParams } from '../http/schemas.ts';
import { figuresSchema } from './monitor.routes.ts';

export function availabilityRoutes({ figures }: Availability): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/organizations/:id/availability',
      {
        schema: {
          tags: ['availability'],
          summary:
            "An organization's monthly availability (its monitors added up), in the workspace's time zone",
          params: idParams,
          querystring: z.strictObject({ month: z.string().regex(/^\d{4}-\d{2}$/, 'expected YYYY-MM') }),
          response: {
            200: figuresSchema.extend({
              month: z.string(),
              timeZone: z.string(),
              monitors: z.array(
                figuresSchema.omit({ targetSource: true }).extend({ id: z.string(), name: z.string() }),
              ),
            }),
            ...errorResponses(404),
          },
        },
      },
      async (request) => figures.forOrganization(actorOf(request), request.params.id, request.query.month),
    );

    app.put(
      '/organizations/:id/availability-target',
      {
        schema: {
          tags: ['availability'],
          summary:
            "Set the monthly availability the organization's current contract promises (admin); null returns to the policy's",
          params: idParams,
          body: z.strictObject({
            target: z
              .number()
              .min(0.5)
              .max(1)
              .nullable()
              .meta({ description: 'a fraction: 0.995 is 99.5 %' }),
          }),
          response: {
            200: z.object({ target: z.number(), targetSource: z.enum(['contract', 'policy', 'default']) }),
            ...errorResponses(403, 404),
          },
        },
      },
      async (request) => figures.setContractTarget(actorOf(request), request.params.id, request.body.target),
    );
  };
}
