import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../errors.ts';
import { actorOf, etag, expectedVersion } from '../http/request-context.ts';
import {
  channelId,
  commaList,
  idParams,
  instant,
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

const listQuery = z.strictObject({
  status: commaList(TICKET_STATUSES).optional().describe('Comma-separated statuses'),
  priority: commaList(PRIORITY_IDS).optional().describe('Comma-separated priorities'),
  organizationId: uuid.optional(),
  assignee: z.union([z.literal('me'), z.literal('none'), uuid]).optional(),
  tag: tag.optional(),
  breachingBefore: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('Tickets with a counting clock (running or already breached) due at or before this instant'),
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
        const ticket = await tickets.create(actorOf(request), request.body);
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
            'Public reply or internal note (an agent’s first public reply stops the first-response clock)',
          params: idParams,
          body: z.strictObject({
            body: z.string().trim().min(1).max(50_000),
            visibility: z.enum(['public', 'internal']).default('public'),
          }),
          response: {
            201: commentSchema.extend({ authorName: z.string() }),
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
            assignee: z.enum(['me', 'none']).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: { 200: z.object({ items: z.array(ticketSchema) }), ...errorResponses(403) },
        },
      },
      async (request) => tickets.queue(actorOf(request), request.query),
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
