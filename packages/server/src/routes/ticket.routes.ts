import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../errors.ts';
import { actorOf, etag, expectedVersion } from '../http/request-context.ts';
import {
  channelId,
  commaList,
  idParams,
  instant,
  instantInput,
  metricId,
  priorityId,
  ticketCategory,
  ticketStatus,
  uuid,
} from '../http/schemas.ts';
import type { Services } from '../services.ts';
import { PRIORITY_IDS, TICKET_STATUSES } from '../sla/sla-core.ts';
import { TICKET_SORTS } from '../tickets/ticket.repository.ts';

const tag = z
  .string()
  .trim()
  .min(1)
  .max(50)
  .regex(/^[\p{L}\p{N} _.:/-]+$/u, { message: 'letters, digits, space and _ . : / - only' });

export const slaClockSchema = z
  .object({
    metric: metricId,
    state: z.enum(['running', 'paused', 'met', 'breached']),
    target: z.string().nullable().describe('ISO-8601 business duration; null = no target'),
    calendar: z.string(),
    dueAt: instant.nullable(),
    remainingSeconds: z.number().nullable().describe('Business seconds left; negative once breached'),
    percentUsed: z.number().nullable(),
    warningThreshold: z.number().nullable(),
    breachedAt: instant.nullable(),
    stoppedAt: instant.nullable(),
    countingNow: z
      .boolean()
      .describe('Whether business time is being used right now (calendar open, clock counting)'),
    nextChangeAt: instant
      .nullable()
      .describe(
        'When the calendar next opens or closes for this clock; until then it counts (or not) steadily',
      ),
  })
  .meta({ id: 'SlaClock' });

export const ticketSchema = z
  .object({
    id: z.string(),
    subject: z.string(),
    description: z.string(),
    category: ticketCategory,
    priority: priorityId,
    channel: channelId,
    status: ticketStatus,
    organizationId: z.string(),
    requesterId: z.string(),
    assigneeId: z.string().nullable(),
    plan: z.string(),
    policyVersion: z.string(),
    queue: z.enum(['priority', 'standard']),
    handleFrom: instant.describe(
      'When the ticket may be handled in its queue (standard queue: next business day)',
    ),
    billingMode: z.enum(['none', 'quote', 'time-and-materials']),
    tags: z.array(z.string()),
    monitorId: z.string().nullable().describe('Monitoring incidents: the monitor that opened the ticket'),
    version: z.int().describe('Send it back (body or If-Match) to update'),
    createdAt: instant,
    updatedAt: instant,
    sla: z.array(slaClockSchema),
  })
  .meta({ id: 'Ticket' });

const commentSchema = z
  .object({
    id: z.string(),
    ticketId: z.string(),
    authorId: z.string(),
    authorName: z.string().describe('The author’s display name at the time of reading'),
    body: z.string(),
    visibility: z.enum(['public', 'internal']),
    createdAt: instant,
  })
  .meta({ id: 'Comment' });

const createBody = z.strictObject({
  subject: z.string().trim().min(1).max(200),
  description: z.string().max(20_000).default(''),
  priority: priorityId,
  category: ticketCategory,
  channel: channelId,
  organizationId: uuid.optional().describe('Staff opening a ticket for a client; clients omit it'),
  tags: z.array(tag).max(20).optional(),
  requesterId: uuid
    .optional()
    .describe(
      'Staff intake (a call, a direct line, a letter): the client who reported it; default the caller',
    ),
  reportedAt: instantInput
    .optional()
    .describe(
      'Staff intake: when the client reported it (not in the future, at most 24 h back); the channel is checked and the clocks count from it',
    ),
});

const patchBody = z.strictObject({
  version: z.int().min(1).max(2_147_483_647).optional().describe('The version you read (or send If-Match)'),
  subject: z.string().trim().min(1).max(200).optional(),
  description: z.string().max(20_000).optional(),
  status: ticketStatus.optional(),
  priority: priorityId.optional(),
  category: ticketCategory.optional(),
  assigneeId: uuid.nullable().optional(),
  tags: z.array(tag).max(20).optional(),
});

const searchText = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .describe(
    'Words searched in subject and description: all must match, each as the start of a word (case and accents ignored)',
  );

const breachingBefore = z.iso
  .datetime({ offset: true })
  .describe('Tickets with a counting clock (running or already breached) due at or before this instant');

const listQuery = z.strictObject({
  status: commaList(TICKET_STATUSES).optional().describe('Comma-separated statuses'),
  priority: commaList(PRIORITY_IDS).optional().describe('Comma-separated priorities'),
  organizationId: uuid.optional(),
  assignee: z.union([z.literal('me'), z.literal('none'), uuid]).optional(),
  tag: tag.optional(),
  breachingBefore: breachingBefore.optional(),
  q: searchText.optional(),
  sort: z.enum(TICKET_SORTS).default('-createdAt'),
  cursor: z
    .string()
    .max(500)
    .optional()
    .describe(
      'The nextCursor of the previous page, with the same sort (another sort or a malformed cursor is 400)',
    ),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

export function ticketRoutes({ tickets }: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/tickets',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Open a ticket (channel checked against the plan)',
          headers: z.object({ 'idempotency-key': z.string().max(255).optional() }),
          body: createBody,
          response: { 201: ticketSchema, ...errorResponses(403, 404, 409, 422) },
        },
      },
      async (request, reply) => {
        const { reportedAt, ...body } = request.body;
        const ticket = await tickets.create(actorOf(request), {
          ...body,
          reportedAtMs: reportedAt === undefined ? undefined : Date.parse(reportedAt),
        });
        return reply
          .code(201)
          .header('etag', etag(ticket.version))
          .header('location', `/api/v1/tickets/${ticket.id}`)
          .send(ticket);
      },
    );

    app.get(
      '/tickets',
      {
        schema: {
          tags: ['tickets'],
          summary: 'List tickets (cursor pagination, filters, sort)',
          querystring: listQuery,
          response: {
            200: z.object({ items: z.array(ticketSchema), nextCursor: z.string().nullable() }),
            ...errorResponses(403),
          },
        },
      },
      async (request) => {
        const q = request.query;
        return tickets.list(actorOf(request), {
          status: q.status,
          priority: q.priority,
          organizationId: q.organizationId,
          assigneeId: q.assignee,
          tag: q.tag,
          breachingBeforeMs: q.breachingBefore === undefined ? undefined : Date.parse(q.breachingBefore),
          text: q.q,
          sort: q.sort,
          cursor: q.cursor,
          limit: q.limit,
        });
      },
    );

    app.get(
      '/tickets/:id',
      {
        schema: {
          tags: ['tickets'],
          summary: 'A ticket with its live SLA clocks',
          params: idParams,
          response: { 200: ticketSchema, ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        const ticket = await tickets.get(actorOf(request), request.params.id);
        return reply.header('etag', etag(ticket.version)).send(ticket);
      },
    );

    app.patch(
      '/tickets/:id',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Update a ticket (status workflow, priority, assignee, tags); optimistic concurrency',
          params: idParams,
          headers: z.object({ 'if-match': z.string().optional() }),
          body: patchBody,
          response: { 200: ticketSchema, ...errorResponses(403, 404, 409, 422, 428) },
        },
      },
      async (request, reply) => {
        const { version, ...patch } = request.body;
        const ticket = await tickets.update(
          actorOf(request),
          request.params.id,
          expectedVersion(request, version),
          patch,
        );
        return reply.header('etag', etag(ticket.version)).send(ticket);
      },
    );

    app.post(
      '/tickets/:id/comments',
      {
        schema: {
          tags: ['tickets'],
          summary:
            'Public reply or internal note (an agent’s first public reply stops the first-response clock; only the start of analysis stops the GTI)',
          params: idParams,
          body: z.strictObject({
            body: z.string().trim().min(1).max(50_000),
            visibility: z.enum(['public', 'internal']).default('public'),
            startAnalysis: z
              .boolean()
              .optional()
              .describe('Staff: this reply also starts the analysis (stops the GTI, once per ticket)'),
          }),
          response: {
            201: commentSchema,
            ...errorResponses(403, 404, 422),
          },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await tickets.comment(actorOf(request), request.params.id, request.body)),
    );

    app.get(
      '/tickets/:id/comments',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Comments (clients see public ones)',
          params: idParams,
          response: { 200: z.object({ items: z.array(commentSchema) }), ...errorResponses(404) },
        },
      },
      async (request) => ({ items: await tickets.comments(actorOf(request), request.params.id) }),
    );

    app.post(
      '/tickets/:id/analysis',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Record that analysis started (stops the intervention clock, GTI)',
          params: idParams,
          response: { 200: ticketSchema, ...errorResponses(403, 404, 422) },
        },
      },
      async (request, reply) => {
        const ticket = await tickets.startAnalysis(actorOf(request), request.params.id);
        return reply.header('etag', etag(ticket.version)).send(ticket);
      },
    );

    app.get(
      '/tickets/:id/sla',
      {
        schema: {
          tags: ['tickets'],
          summary: 'The ticket’s SLA clocks, each with the “why this deadline” trace',
          params: idParams,
          response: {
            200: z.object({
              clocks: z.array(
                slaClockSchema.extend({
                  trace: z.array(
                    z.object({
                      at: instant.nullable().describe('The instant the line is about, when it is about one'),
                      text: z.string(),
                    }),
                  ),
                }),
              ),
            }),
            ...errorResponses(404),
          },
        },
      },
      async (request) => tickets.sla(actorOf(request), request.params.id),
    );

    app.get(
      '/tickets/:id/events',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Append-only history the SLA clocks are computed from',
          params: idParams,
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  seq: z.int(),
                  type: z.string(),
                  at: instant,
                  actorId: z.string().nullable(),
                  data: z.record(z.string(), z.unknown()),
                }),
              ),
            }),
            ...errorResponses(404),
          },
        },
      },
      async (request) => ({ items: await tickets.events(actorOf(request), request.params.id) }),
    );

    app.get(
      '/queue',
      {
        schema: {
          tags: ['tickets'],
          summary:
            'Agents’ queue: priority contracts by due instant, then the standard queue in arrival order',
          querystring: z.strictObject({
            queue: z.enum(['priority', 'standard']).optional(),
            status: commaList(['new', 'open'] as const)
              .optional()
              .describe('Comma-separated: the queue holds new and open tickets'),
            priority: commaList(PRIORITY_IDS).optional().describe('Comma-separated priorities'),
            organizationId: uuid.optional(),
            assignee: z.union([z.literal('me'), z.literal('none'), uuid]).optional(),
            tag: tag.optional(),
            breachingBefore: breachingBefore.optional(),
            q: searchText.optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: { 200: z.object({ items: z.array(ticketSchema) }), ...errorResponses(403) },
        },
      },
      async (request) => {
        const { breachingBefore: before, q, ...query } = request.query;
        return tickets.queue(actorOf(request), {
          ...query,
          breachingBeforeMs: before === undefined ? undefined : Date.parse(before),
          text: q,
        });
      },
    );

    app.get(
      '/tickets/open-counts',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Open tickets (new and open) counted per priority and plan (staff)',
          response: {
            200: z.object({
              items: z.array(z.object({ priority: z.string(), plan: z.string(), tickets: z.int() })),
            }),
            ...errorResponses(403),
          },
        },
      },
      async (request) => tickets.openCounts(actorOf(request)),
    );

    app.get(
      '/tickets/breaches',
      {
        schema: {
          tags: ['tickets'],
          summary:
            'Clocks breached in a period, per organization (staff; e.g. this month in the reader’s zone)',
          querystring: z.strictObject({
            from: z.iso.datetime({ offset: true }),
            to: z.iso.datetime({ offset: true }),
          }),
          response: {
            200: z.object({
              items: z.array(
                z.object({
                  organizationId: z.string(),
                  tickets: z.int().describe('Tickets with at least one clock breached in the period'),
                  clocks: z.int().describe('Clocks breached in the period'),
                }),
              ),
            }),
            ...errorResponses(403),
          },
        },
      },
      async (request) =>
        tickets.breaches(actorOf(request), {
          fromMs: Date.parse(request.query.from),
          toMs: Date.parse(request.query.to),
        }),
    );

    app.get(
      '/tags',
      {
        schema: {
          tags: ['tickets'],
          summary: 'Tags in use, with counts',
          response: {
            200: z.object({ items: z.array(z.object({ tag: z.string(), count: z.int() })) }),
            ...errorResponses(403),
          },
        },
      },
      async (request) => ({ items: await tickets.tags(actorOf(request)) }),
    );
  };
}
