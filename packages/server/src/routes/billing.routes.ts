import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponses } from '../errors.ts';
import { actorOf } from '../http/request-context.ts';
import { idParams, instant, localDate, uuid } from '../http/schemas.ts';
import type { Services } from '../services.ts';
import { ticketSchema } from './ticket.routes.ts';

const timeEntrySchema = z
  .object({
    id: z.string(),
    ticketId: z.string(),
    organizationId: z.string(),
    userId: z.string(),
    workDate: z.string(),
    minutes: z.int(),
    note: z.string().optional().describe('Staff only: the internal work note (absent for clients)'),
    billable: z.boolean(),
    rateCents: z.int(),
    currency: z.string(),
    amountCents: z.int(),
    createdAt: instant,
  })
  .meta({ id: 'TimeEntry' });

const quoteSchema = z
  .object({
    id: z.string(),
    ticketId: z.string(),
    amountCents: z.int(),
    currency: z.string(),
    description: z.string(),
    status: z.enum(['proposed', 'accepted', 'rejected']),
    createdBy: z.string(),
    createdAt: instant,
    decidedBy: z.string().nullable(),
    decidedAt: instant.nullable(),
  })
  .meta({ id: 'Quote' });

const rangeQuery = z.strictObject({
  organizationId: uuid.optional(),
  ticketId: uuid.optional(),
  from: localDate.optional(),
  to: localDate.optional(),
});

export function billingRoutes({ billing }: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/tickets/:id/time-entries',
      {
        schema: {
          tags: ['billing'],
          summary: 'Log time on a ticket (billable at the contract rate when out of scope)',
          params: idParams,
          body: z.strictObject({
            minutes: z
              .int()
              .min(1)
              .max(24 * 60),
            workDate: localDate,
            note: z.string().max(2000).default(''),
            billable: z.boolean().optional(),
          }),
          response: { 201: timeEntrySchema, ...errorResponses(403, 404, 422) },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await billing.logTime(actorOf(request), request.params.id, request.body)),
    );

    app.get(
      '/time-entries',
      {
        schema: {
          tags: ['billing'],
          summary: 'Time entries (clients: the billable entries of their organization, without notes)',
          querystring: rangeQuery,
          response: { 200: z.object({ items: z.array(timeEntrySchema) }), ...errorResponses(403, 404) },
        },
      },
      async (request) => ({ items: await billing.listTime(actorOf(request), request.query) }),
    );

    app.get(
      '/time-entries.csv',
      {
        schema: {
          tags: ['billing'],
          summary: 'Time entries as CSV (for invoicing)',
          querystring: rangeQuery.omit({ ticketId: true }),
          response: { 200: z.string().describe('text/csv'), ...errorResponses(403) },
        },
      },
      async (request, reply) => {
        const csv = await billing.exportCsv(actorOf(request), request.query);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', 'attachment; filename="time-entries.csv"')
          .serializer((p: unknown) => p as string)
          .send(csv);
      },
    );

    app.post(
      '/tickets/:id/quotes',
      {
        schema: {
          tags: ['billing'],
          summary: 'Propose a quote for out-of-scope work (staff)',
          params: idParams,
          body: z.strictObject({
            amountCents: z.int().min(1).max(2_000_000_000),
            currency: z.string().regex(/^[A-Z]{3}$/, { message: 'expected an ISO 4217 code' }),
            description: z.string().trim().min(1).max(5000),
          }),
          response: { 201: quoteSchema, ...errorResponses(403, 404, 422) },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await billing.proposeQuote(actorOf(request), request.params.id, request.body)),
    );

    app.get(
      '/tickets/:id/quotes',
      {
        schema: {
          tags: ['billing'],
          summary: 'Quotes of a ticket',
          params: idParams,
          response: { 200: z.object({ items: z.array(quoteSchema) }), ...errorResponses(404) },
        },
      },
      async (request) => ({ items: await billing.listQuotes(actorOf(request), request.params.id) }),
    );

    app.post(
      '/tickets/:id/quotes/:quoteId/decision',
      {
        schema: {
          tags: ['billing'],
          summary: 'Accept or reject a quote (the client)',
          params: z.strictObject({ id: uuid, quoteId: uuid }),
          body: z.strictObject({ decision: z.enum(['accepted', 'rejected']) }),
          response: { 200: quoteSchema, ...errorResponses(403, 404, 409) },
        },
      },
      async (request) =>
        billing.decideQuote(
          actorOf(request),
          request.params.id,
          request.params.quoteId,
          request.body.decision,
        ),
    );

    app.post(
      '/tickets/:id/billing/time-and-materials',
      {
        schema: {
          tags: ['billing'],
          summary: 'The client chooses time-and-materials instead of a quote',
          params: idParams,
          response: { 200: ticketSchema, ...errorResponses(403, 404, 422) },
        },
      },
      async (request) => billing.chooseTimeAndMaterials(actorOf(request), request.params.id),
    );
  };
}
