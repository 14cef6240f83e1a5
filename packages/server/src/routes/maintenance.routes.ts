import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Availability } from '../availability/availability.module.ts';
import { EXCLUSION_REASONS } from '../availability/maintenance.service.ts';
import { errorResponses } from '../errors.ts';
import { actorOf } from '../http/request-context.ts';
import { idParams, instant, instantInput, uuid } from '../http/schemas.ts';

const maintenanceSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    organizationId: z.string().nullable(),
    monitorIds: z.array(z.string()).nullable(),
    startsAt: instant,
    endsAt: instant,
    recurrence: z.object({ rrule: z.string(), timeZone: z.string() }).nullable(),
    announce: z.boolean(),
    createdBy: z.string(),
    createdAt: instant,
  })
  .meta({ id: 'MaintenanceWindow' });

const exclusionSchema = z
  .object({
    id: z.string(),
    organizationId: z.string().nullable(),
    monitorId: z.string().nullable(),
    from: instant,
    to: instant,
    reason: z.enum(EXCLUSION_REASONS),
    note: z.string(),
    createdBy: z.string().meta({ description: 'the admin who entered it (audit)' }),
    createdAt: instant,
  })
  .meta({ id: 'AvailabilityExclusion' });

export function maintenanceRoutes({ maintenance }: Availability): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/maintenance-windows',
      {
        schema: {
          tags: ['availability'],
          summary:
            'Schedule maintenance (admin): excluded from availability, opens no incident; announced if asked',
          body: z.strictObject({
            monitorIds: z.array(uuid).min(1).max(500).optional(),
            organizationId: uuid.optional(),
            startsAt: instantInput,
            endsAt: instantInput,
            recurrence: z
              .strictObject({
                rrule: z
                  .string()
                  .min(1)
                  .max(200)
                  .meta({ description: 'FREQ=DAILY|WEEKLY|MONTHLY, INTERVAL, BYDAY, COUNT, UNTIL' }),
                timeZone: z.string().min(1).max(64).optional(),
              })
              .optional(),
            title: z.string().trim().min(1).max(200),
            announce: z.boolean().default(true),
          }),
          response: { 201: maintenanceSchema, ...errorResponses(403, 404) },
        },
      },
      async (request, reply) => {
        const { startsAt, endsAt, ...rest } = request.body;
        const row = await maintenance.createWindow(actorOf(request), {
          ...rest,
          startsAtMs: Date.parse(startsAt),
          endsAtMs: Date.parse(endsAt),
        });
        return reply.code(201).send(row);
      },
    );

    app.get(
      '/maintenance-windows',
      {
        schema: {
          tags: ['availability'],
          summary: 'Maintenance windows (staff: all; clients: the announced ones on their own sites)',
          response: { 200: z.object({ items: z.array(maintenanceSchema) }), ...errorResponses(403) },
        },
      },
      async (request) => ({ items: await maintenance.listWindows(actorOf(request)) }),
    );

    app.delete(
      '/maintenance-windows/:id',
      {
        schema: {
          tags: ['availability'],
          summary: 'Delete a maintenance window (admin)',
          params: idParams,
          response: { 204: z.null(), ...errorResponses(403, 404) },
        },
      },
      async (request, reply) => {
        await maintenance.deleteWindow(actorOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/availability-exclusions',
      {
        schema: {
          tags: ['availability'],
          summary:
            'Exclude past time from availability (admin), with the reason the agreement allows; audited',
          body: z.strictObject({
            monitorId: uuid.optional(),
            organizationId: uuid.optional(),
            from: instantInput,
            to: instantInput,
            reason: z.enum(EXCLUSION_REASONS),
            note: z.string().trim().min(1).max(2000),
          }),
          response: { 201: exclusionSchema, ...errorResponses(403, 404) },
        },
      },
      async (request, reply) => {
        const { from, to, ...rest } = request.body;
        const row = await maintenance.createExclusion(actorOf(request), {
          ...rest,
          fromMs: Date.parse(from),
          toMs: Date.parse(to),
        });
        return reply.code(201).send(row);
      },
    );

    app.get(
      '/availability-exclusions',
      {
        schema: {
          tags: ['availability'],
          summary: 'Exclusions with who entered them, when and why (staff)',
          querystring: z.strictObject({ organizationId: uuid.optional() }),
          response: { 200: z.object({ items: z.array(exclusionSchema) }), ...errorResponses(403) },
        },
      },
      async (request) => ({
        items: await maintenance.listExclusions(actorOf(request), request.query.organizationId),
      }),
    );
  };
}
