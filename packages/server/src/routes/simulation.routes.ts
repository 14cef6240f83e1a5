import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../errors.ts';
import { actorOf } from '../http/request-context.ts';
import { instant, instantInput, uuid } from '../http/schemas.ts';
import { MAX_SIMULATION_SPAN_DAYS } from '../policy-simulation/policy-simulation.service.ts';
import { METRIC_IDS, PRIORITY_IDS } from '../sla/sla-core.ts';
import type { Services } from '../services.ts';

const states = z.enum(['running', 'paused', 'met', 'breached']);
const counts = z.object({
  clocks: z.int(),
  met: z.int(),
  breached: z.int(),
  running: z.int(),
  paused: z.int(),
});
const row = {
  current: counts,
  proposed: counts,
  changed: z.int().describe('clocks of this row whose due instant or state the draft changes'),
  later: z.int().describe('of those, due later under the draft'),
  earlier: z.int().describe('of those, due earlier under the draft'),
};
const plan = z.string();
const priority = z.enum(PRIORITY_IDS);
const metric = z.enum(METRIC_IDS);

const simulationSchema = z
  .object({
    draftVersion: z.string(),
    from: instant,
    to: instant,
    at: instant.describe('the instant both sides are read at (now)'),
    tickets: z.int().describe('tickets opened in [from, to) and replayed'),
    skipped: z.object({
      count: z.int(),
      tickets: z
        .array(z.object({ ticketId: z.string(), code: z.string(), message: z.string() }))
        .describe('the first 20 tickets the draft cannot replay (a plan it drops, a calendar it lacks)'),
    }),
    current: counts.describe('what these tickets’ clocks show today'),
    proposed: counts.describe('what they would show under the draft'),
    byPlan: z.array(z.object({ plan, ...row })),
    byPriority: z.array(z.object({ priority, ...row })),
    byMetric: z.array(z.object({ metric, ...row })),
    cells: z.array(z.object({ plan, priority, metric, ...row })).describe('plan × priority × metric'),
    changedClocks: z.int(),
    changed: z
      .array(
        z.object({
          ticketId: z.string(),
          metric,
          currentDueAt: instant.nullable(),
          proposedDueAt: instant.nullable(),
          currentState: states.nullable(),
          proposedState: states.nullable(),
          movedMs: z.number().nullable().describe('proposed − current due instant; null if either has none'),
        }),
      )
      .describe('the first 500 changed clocks, those whose due instant moves most first'),
  })
  .meta({ id: 'PolicySimulation' });

/** `POST /policy/simulate`: the policy what-if (admin). */
export function simulationRoutes({ simulations }: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/policy/calendars',
      {
        schema: {
          tags: ['policies'],
          summary:
            'The calendars the policy in force names, each as the clocks resolve it (workspace, policy or preset), ' +
            'to start a what-if draft from (admin)',
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  key: z.string(),
                  source: z.enum(['workspace', 'policy', 'preset']),
                  spec: z.record(z.string(), z.unknown()),
                }),
              ),
            }),
            ...errorResponses(403),
          },
        },
      },
      async (request) => ({ items: await simulations.draftCalendars(actorOf(request)) }),
    );

    app.post(
      '/policy/simulate',
      {
        schema: {
          tags: ['policies'],
          summary:
            'Replay the tickets opened in [from, to) under a draft policy and calendars, beside their clocks today ' +
            `(admin; nothing is written; at most ${MAX_SIMULATION_SPAN_DAYS} days)`,
          body: z.union([
            z.strictObject({
              ...draftFields(),
              preset: z.string().min(1).max(64),
            }),
            z.strictObject({
              ...draftFields(),
              policy: z.record(z.string(), z.unknown()),
            }),
          ]),
          response: { 200: simulationSchema, ...errorResponses(403, 404, 422) },
        },
      },
      async (request) => {
        const { from, to, calendars, organizationId, plans, priorities, ...draft } = request.body;
        return simulations.simulate(actorOf(request), {
          draft,
          calendars,
          fromMs: Date.parse(from),
          toMs: Date.parse(to),
          organizationId,
          plans,
          priorities,
        });
      },
    );
  };
}

function draftFields() {
  return {
    calendars: z
      .record(z.string().min(1).max(64), z.record(z.string(), z.unknown()))
      .refine((r) => Object.keys(r).length <= 50, { message: 'at most 50 calendars' })
      .optional()
      .describe('calendar key → spec: replaces the workspace’s (or preset’s) calendar of that key'),
    from: instantInput,
    to: instantInput.describe(`after from, at most ${MAX_SIMULATION_SPAN_DAYS} days later`),
    organizationId: uuid.optional(),
    plans: z.array(z.string().min(1).max(64)).min(1).max(50).optional(),
    priorities: z.array(priority).min(1).max(10).optional(),
  };
}
