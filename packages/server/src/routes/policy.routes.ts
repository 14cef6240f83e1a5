import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../errors.ts';
import { actorOf } from '../http/request-context.ts';
import type { Services } from '../services.ts';

const policyViewSchema = z
  .object({
    workspace: z.object({ slug: z.string(), name: z.string() }),
    preset: z.string().nullable(),
    version: z.string(),
    plans: z.array(z.string()),
    review: z.object({ reviewDate: z.string(), overdue: z.boolean() }),
    policy: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'PolicyView' });

export function policyRoutes({ workspaces }: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/policy',
      {
        schema: {
          tags: ['policies'],
          summary: 'The workspace SLA policy and its review status',
          response: { 200: policyViewSchema, ...errorResponses() },
        },
      },
      async (request) => workspaces.getPolicy(actorOf(request)),
    );

    app.get(
      '/priorities',
      {
        schema: {
          tags: ['policies'],
          summary: 'The priorities of the workspace policy, with the guidance to choose one (fr/en)',
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  id: z.string(),
                  label: z.object({ fr: z.string(), en: z.string() }),
                  description: z.object({ fr: z.string(), en: z.string() }),
                  examples: z.object({ fr: z.array(z.string()), en: z.array(z.string()) }),
                  blocking: z.boolean(),
                }),
              ),
            }),
            ...errorResponses(),
          },
        },
      },
      async (request) => ({ items: await workspaces.priorities(actorOf(request)) }),
    );

    app.put(
      '/policy',
      {
        schema: {
          tags: ['policies'],
          summary: 'Adopt a preset or a custom policy (a new version; open tickets keep theirs)',
          body: z.union([
            z.strictObject({ preset: z.string().min(1).max(64) }),
            z.strictObject({ policy: z.record(z.string(), z.unknown()) }),
          ]),
          response: { 200: policyViewSchema, ...errorResponses(403, 409, 422) },
        },
      },
      async (request) => workspaces.setPolicy(actorOf(request), request.body),
    );
  };
}
