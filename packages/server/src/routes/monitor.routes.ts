import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Availability } from '../availability/availability.module.ts';
import { MONITOR_KINDS } from '../availability/monitor.service.ts';
import { errorResponses } from '../errors.ts';
import { actorOf } from '../http/request-context.ts';
import { idParams, instant, instantInput, okSchema, uuid } from '../http/schemas.ts';

const checkStatus = z.enum(['up', 'down', 'error', 'slow']);

export const monitorSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    organizationId: z.string(),
    kind: z.enum(MONITOR_KINDS),
    url: z.string().nullable(),
    host: z.string().nullable(),
    port: z.number().int().nullable(),
    intervalSeconds: z.number().int(),
    timeoutSeconds: z.number().int(),
    expectedStatus: z.number().int().nullable(),
    keyword: z.string().nullable(),
    slowMs: z.number().int().nullable(),
    confirmations: z.number().int(),
    resolveOnRecovery: z.boolean(),
    public: z.boolean().meta({ description: 'shown on the workspace status page' }),
    state: z.enum(['up', 'down', 'error', 'slow', 'unknown']),
    lastCheckAt: instant.nullable(),
    tlsExpiresAt: instant.nullable(),
    tlsExpiringSoon: z.boolean(),
    /** Warnings sent about the current certificate (ACCORD_MONITOR_TLS_WARN_DAYS), largest threshold first. */
    tlsWarnings: z.array(z.object({ thresholdDays: z.number().int(), warnedAt: instant })),
    outageTicketId: z.string().nullable(),
    slowTicketId: z.string().nullable(),
    createdAt: instant,
    updatedAt: instant,
  })
  .meta({ id: 'Monitor' });

export const figuresSchema = z
  .object({
    availability: z.number().nullable().meta({ description: 'up ÷ (observed − maintenance − exclusions)' }),
    target: z.number(),
    targetSource: z.enum(['contract', 'policy', 'default']),
    met: z.boolean().nullable(),
    upSeconds: z.number(),
    slowSeconds: z.number(),
    downSeconds: z.number(),
    maintenanceSeconds: z.number(),
    excludedSeconds: z.number(),
    noDataSeconds: z.number(),
    downtimeBudgetLeftSeconds: z.number(),
  })
  .meta({ id: 'AvailabilityFigures' });

const settings = {
  name: z.string().trim().min(1).max(200),
  url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .optional(),
  host: z.string().trim().min(1).max(255).optional(),
  port: z.number().int().min(1).max(65535).optional(),
  intervalSeconds: z.number().int().min(1).max(86_400).optional(),
  timeoutSeconds: z.number().int().min(1).max(300).optional(),
  expectedStatus: z.number().int().min(100).max(599).optional(),
  keyword: z.string().min(1).max(200).optional(),
  slowMs: z.number().int().min(1).max(300_000).optional(),
  confirmations: z.number().int().min(1).max(20).optional(),
  resolveOnRecovery: z.boolean().optional(),
  public: z.boolean().optional(),
};

const rangeQuery = z.strictObject({ from: instantInput.optional(), to: instantInput.optional() });
const msOf = (text: string | undefined) => (text === undefined ? undefined : Date.parse(text));

export function monitorRoutes({ monitors, figures }: Availability): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/monitors',
      {
        schema: {
          tags: ['availability'],
          summary: 'Create a monitor (admin); a heartbeat monitor gets its push URL in this response only',
          body: z.strictObject({ ...settings, organizationId: uuid, kind: z.enum(MONITOR_KINDS) }),
          response: {
            201: monitorSchema.extend({ pushUrl: z.string().nullable() }).meta({ id: 'MonitorCreated' }),
            ...errorResponses(403, 404, 422),
          },
        },
      },
      async (request, reply) => reply.code(201).send(await monitors.create(actorOf(request), request.body)),
    );

    app.get(
      '/monitors',
      {
        schema: {
          tags: ['availability'],
          summary: 'Monitors (staff: all or one organization; clients: their own)',
          querystring: z.strictObject({ organizationId: uuid.optional() }),
          response: { 200: z.object({ items: z.array(monitorSchema) }), ...errorResponses(403) },
        },
      },
      async (request) => ({ items: await monitors.list(actorOf(request), request.query.organizationId) }),
    );

    app.get(
      '/monitors/:id',
      {
        schema: {
          tags: ['availability'],
          summary: 'One monitor',
          params: idParams,
          response: { 200: monitorSchema, ...errorResponses(404) },
        },
      },
      async (request) => monitors.get(actorOf(request), request.params.id),
    );

    app.patch(
      '/monitors/:id',
      {
        schema: {
          tags: ['availability'],
          summary: "Change a monitor's settings (admin)",
          params: idParams,
          body: z.strictObject({
            ...settings,
            name: settings.name.optional(),
            expectedStatus: z.number().int().min(100).max(599).nullable().optional(),
            keyword: z.string().min(1).max(200).nullable().optional(),
            slowMs: z.number().int().min(1).max(300_000).nullable().optional(),
          }),
          response: { 200: monitorSchema, ...errorResponses(403, 404, 422) },
        },
      },
      async (request) => monitors.update(actorOf(request), request.params.id, request.body),
    );

    app.delete(
      '/monitors/:id',
      {
        schema: {
          tags: ['availability'],
          summary: 'Delete a monitor and its results (admin); its incident tickets stay',
          params: idParams,
          response: { 204: z.null(), ...errorResponses(403, 404) },
        },
      },
      async (request, reply) => {
        await monitors.remove(actorOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/monitors/:id/results',
      {
        schema: {
          tags: ['availability'],
          summary: 'Check results, oldest first (the last hour by default)',
          params: idParams,
          querystring: rangeQuery,
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  at: instant,
                  status: checkStatus,
                  latencyMs: z.number().nullable(),
                  detail: z.string(),
                }),
              ),
            }),
            ...errorResponses(404),
          },
        },
      },
      async (request) => ({
        items: await monitors.results(actorOf(request), request.params.id, {
          fromMs: msOf(request.query.from),
          toMs: msOf(request.query.to),
        }),
      }),
    );

    app.get(
      '/monitors/:id/availability',
      {
        schema: {
          tags: ['availability'],
          summary: "A monitor's availability (the current month in the workspace's zone by default)",
          params: idParams,
          querystring: rangeQuery,
          response: { 200: figuresSchema, ...errorResponses(404) },
        },
      },
      async (request) => {
        const actor = actorOf(request);
        const monitor = await monitors.visible(actor, request.params.id);
        return figures.forMonitor(actor, monitor, {
          fromMs: msOf(request.query.from),
          toMs: msOf(request.query.to),
        });
      },
    );

    for (const method of ['GET', 'POST'] as const)
      app.route({
        method,
        url: '/heartbeats/:token',
        config: { public: true },
        schema: {
          tags: ['availability'],
          summary:
            'Heartbeat push URL: the monitored system calls it at least once per interval (no sign-in)',
          params: z.strictObject({ token: z.string().min(16).max(100) }),
          response: { 200: okSchema, ...errorResponses(404) },
        },
        handler: async (request) => {
          await monitors.heartbeat(request.params.token);
          return { ok: true as const };
        },
      });
  };
}
