import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../errors.ts';
import { actorOf } from '../http/request-context.ts';
import { idParams, instant } from '../http/schemas.ts';
import type { Services } from '../services.ts';

export const contractBody = z.strictObject({
  plan: z
    .string()
    .min(1)
    .max(64)
    .describe('A plan of the workspace policy (e.g. start, classique, pro, sur-mesure)'),
  maintenanceContract: z.boolean().default(false),
  hourlyRateCents: z.int().min(0).max(100_000_000).default(0),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, { message: 'expected an ISO 4217 code such as EUR' })
    .default('EUR'),
  extendedCalendar: z
    .string()
    .min(1)
    .max(64)
    .nullable()
    .optional()
    .describe(
      'Workspace calendar with the contract’s extended hours: required when the plan runs on a calendar the policy ' +
        'leaves to the contract (hosting-be Sur Mesure: `sur-mesure-extended`), else 422 CONTRACT_CALENDAR_REQUIRED; ' +
        'an unknown key is 404 CALENDAR_NOT_FOUND, one with no open time in the next year 422 CALENDAR_NEVER_OPEN',
    ),
});

export const contractSchema = z
  .object({
    id: z.string(),
    organizationId: z.string(),
    plan: z.string(),
    maintenanceContract: z.boolean(),
    hourlyRateCents: z.int(),
    currency: z.string(),
    extendedCalendar: z.string().nullable(),
    createdAt: instant,
  })
  .meta({ id: 'Contract' });

export function contractRoutes({ organizations }: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/organizations/:id/contracts',
      {
        schema: {
          tags: ['contracts'],
          summary: 'Contracts of an organization, newest (in force) first',
          params: idParams,
          response: { 200: z.object({ items: z.array(contractSchema) }), ...errorResponses(404) },
        },
      },
      async (request) => ({ items: await organizations.listContracts(actorOf(request), request.params.id) }),
    );

    app.post(
      '/organizations/:id/contracts',
      {
        schema: {
          tags: ['contracts'],
          summary: 'A new contract (supersedes the previous one for new tickets)',
          params: idParams,
          body: contractBody,
          response: { 201: contractSchema, ...errorResponses(403, 404, 422) },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(await organizations.createContract(actorOf(request), request.params.id, request.body)),
    );
  };
}
