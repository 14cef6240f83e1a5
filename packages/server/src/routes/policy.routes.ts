import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../errors.ts';
import { actorOf } from '../http/request-context.ts';
import { instant } from '../http/schemas.ts';
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

const policyReviewSchema = z
  .object({
    at: instant,
    by: z.string().describe('User id of the admin who reviewed'),
    note: z.string(),
    nextReviewDate: z
      .string()
      .describe('YYYY-MM-DD in the policy’s zone: review instant + reviewEveryMonths'),
  })
  .meta({ id: 'PolicyReview' });

const policyVersionSchema = z
  .object({
    version: z.string(),
    effectiveFrom: z.string(),
    adoptedBy: z.string().nullable().describe('User id; null for the preset seeded with the workspace'),
    adoptedAt: instant,
    reviews: z
      .array(policyReviewSchema)
      .describe('Reviews recorded while this version was in force, newest first'),
  })
  .meta({ id: 'PolicyVersion' });

/** A review recorded with the adoption, against the new version (e.g. the six-monthly review that chose it). */
const adoptionReview = z
  .strictObject({ note: z.string().trim().min(1).max(4000) })
  .optional()
  .describe('record the review that adopts this version, in the same transaction');

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
          summary:
            'The priorities of the workspace policy, with the guidance to choose one (fr/en, and ar where given)',
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  id: z.string(),
                  label: z.object({ fr: z.string(), en: z.string(), ar: z.string().optional() }),
                  description: z.object({ fr: z.string(), en: z.string(), ar: z.string().optional() }),
                  examples: z.object({
                    fr: z.array(z.string()),
                    en: z.array(z.string()),
                    ar: z.array(z.string()).optional(),
                  }),
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

    app.get(
      '/policy/versions',
      {
        schema: {
          tags: ['policies'],
          summary: 'Every version of the workspace policy, newest first, with its reviews (staff)',
          response: { 200: z.object({ items: z.array(policyVersionSchema) }), ...errorResponses(403) },
        },
      },
      async (request) => ({ items: await workspaces.policyVersions(actorOf(request)) }),
    );

    app.post(
      '/policy/review',
      {
        schema: {
          tags: ['policies'],
          summary: 'Record the periodic review of the policy in force and schedule the next one (admin)',
          body: z.strictObject({ note: z.string().trim().min(1).max(4000) }),
          response: {
            201: policyReviewSchema.extend({ version: z.string() }),
            ...errorResponses(403),
          },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await workspaces.reviewPolicy(actorOf(request), request.body)),
    );

    app.put(
      '/policy',
      {
        schema: {
          tags: ['policies'],
          summary: 'Adopt a preset or a custom policy (a new version; open tickets keep theirs)',
          body: z.union([
            z.strictObject({ preset: z.string().min(1).max(64), review: adoptionReview }),
            z.strictObject({ policy: z.record(z.string(), z.unknown()), review: adoptionReview }),
          ]),
          response: { 200: policyViewSchema, ...errorResponses(403, 409, 422) },
        },
      },
      async (request) => workspaces.setPolicy(actorOf(request), request.body),
    );
  };
}
