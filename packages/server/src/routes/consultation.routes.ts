import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CONSULTATION_STATES } from '../consultations/consultation-core.ts';
import { errorResponses } from '../errors.ts';
import { actorOf } from '../http/request-context.ts';
import { idParams, instant, instantInput, text, uuid } from '../http/schemas.ts';
import type { Services } from '../services.ts';

const eventSchema = z.object({
  type: z.string(),
  at: instant,
  actorId: z.string().nullable(),
  consultantId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export const consultationSchema = z
  .object({
    id: z.string(),
    state: z.enum(CONSULTATION_STATES),
    mode: z.string().describe('direct (the client chose a consultant) or board'),
    subject: z.string(),
    description: z.string(),
    specialty: z.string(),
    language: z.string().nullable(),
    clientId: z.string(),
    consultantId: z.string().nullable(),
    createdAt: instant,
    offeredAt: instant.nullable(),
    acceptDueAt: instant.nullable().describe('While offered: the consultant accepts or declines by then'),
    acceptedAt: instant.nullable(),
    contactDueAt: instant.nullable().describe('Once accepted: the consultant contacts the client by then'),
    contactedAt: instant.nullable(),
    contactKind: z.string().nullable(),
    contactMet: z.boolean().nullable(),
    endedAt: instant.nullable(),
    deadline: z
      .object({
        metric: z.enum(['accept', 'contact']),
        dueAt: instant,
        remainingSeconds: z.number().describe('Business seconds left now (negative: overdue by)'),
        countingNow: z.boolean().describe('Whether the calendar is open now (the countdown runs)'),
        nextChangeAt: instant.nullable().describe('When the calendar next opens or closes'),
      })
      .nullable()
      .describe('The deadline running now: accept while offered, contact once accepted'),
    names: z.record(z.string(), z.string()).describe('Names of the users this view mentions, by id'),
    history: z.array(eventSchema),
  })
  .meta({ id: 'Consultation' });

const profileSchema = z
  .object({
    userId: z.string(),
    name: z.string().nullable(),
    specialties: z.array(z.string()),
    languages: z.array(z.string()),
    capacity: z.int(),
    available: z.boolean(),
    awayUntil: instant.nullable(),
    availableNow: z.boolean(),
    bio: z.string(),
    openCount: z.int().optional(),
  })
  .meta({ id: 'ConsultantProfile' });

const messageSchema = z
  .object({
    id: z.string(),
    authorId: z.string(),
    authorName: z.string(),
    fromConsultant: z.boolean(),
    body: z.string(),
    createdAt: instant,
  })
  .meta({ id: 'ConsultationMessage' });

const tag = z.string().trim().min(1).max(60);
const one = { schema: { tags: ['consultations'], params: idParams } } as const;
const answer = { 200: consultationSchema, ...errorResponses(403, 404, 409, 422) };

export function consultationRoutes({
  consultations,
  consultants,
  consultationReport,
  consultationMessages,
}: Services): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/consultants',
      {
        schema: {
          tags: ['consultations'],
          summary: 'Consultants available now with their specialties (staff: every profile, with its load)',
          response: { 200: z.object({ items: z.array(profileSchema) }), ...errorResponses(403) },
        },
      },
      async (request) => ({ items: await consultants.list(actorOf(request)) }),
    );
    app.get(
      '/consultants/me',
      {
        schema: {
          tags: ['consultations'],
          summary: "The signed-in consultant's profile",
          response: { 200: profileSchema, ...errorResponses(403, 422) },
        },
      },
      async (request) => consultants.me(actorOf(request)),
    );
    app.patch(
      '/consultants/me',
      {
        schema: {
          tags: ['consultations'],
          summary: 'Edit my consultant profile: specialties, languages, capacity, availability',
          body: z.strictObject({
            specialties: z.array(tag).max(30).optional(),
            languages: z.array(tag).max(20).optional(),
            capacity: z.int().min(0).max(100).optional(),
            available: z.boolean().optional(),
            awayUntil: instantInput.nullable().optional(),
            bio: text().max(2000).optional(),
          }),
          response: { 200: profileSchema, ...errorResponses(403, 422) },
        },
      },
      async (request) => {
        const { awayUntil, ...rest } = request.body;
        const awayUntilMs =
          awayUntil === undefined ? undefined : awayUntil === null ? null : Date.parse(awayUntil);
        return consultants.updateMe(actorOf(request), { ...rest, awayUntilMs });
      },
    );

    app.post(
      '/consultations',
      {
        schema: {
          tags: ['consultations'],
          summary: 'Request a consultation: from a chosen consultant (direct) or on the claim board',
          body: z.strictObject({
            subject: text().trim().min(1).max(200),
            description: text().trim().min(1).max(10_000),
            specialty: tag,
            language: tag.optional(),
            consultantId: uuid.optional(),
          }),
          response: { 201: consultationSchema, ...errorResponses(403, 422) },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await consultations.create(actorOf(request), request.body)),
    );
    app.get(
      '/consultations',
      {
        schema: {
          tags: ['consultations'],
          summary: "A client's own requests; a consultant's offered or taken ones; every request for staff",
          querystring: z.strictObject({
            state: z.enum(CONSULTATION_STATES).optional(),
            limit: z.coerce.number().int().min(1).max(500).default(100),
          }),
          response: { 200: z.object({ items: z.array(consultationSchema) }), ...errorResponses(403) },
        },
      },
      async (request) => ({ items: await consultations.list(actorOf(request), request.query) }),
    );
    app.get(
      '/consultations/board',
      {
        schema: {
          tags: ['consultations'],
          summary:
            'Open requests the signed-in consultant may claim now (blockedBy says why none, when away or full)',
          querystring: z.strictObject({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
          response: {
            200: z.object({
              items: z.array(consultationSchema),
              blockedBy: z.enum(['no-profile', 'away', 'at-capacity']).nullable(),
            }),
            ...errorResponses(403),
          },
        },
      },
      async (request) => consultations.board(actorOf(request), request.query),
    );
    app.get(
      '/consultations/report',
      {
        schema: {
          tags: ['consultations'],
          summary:
            'Per consultant and month: offers, acceptances, declines, expiries, median time to accept, contacts',
          querystring: z.strictObject({
            month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'expected YYYY-MM' }),
            format: z.enum(['json', 'csv']).default('json'),
          }),
          response: {
            200: z.union([
              z.object({
                month: z.string(),
                timeZone: z.string(),
                from: instant,
                to: instant,
                items: z.array(
                  z.object({
                    consultantId: z.string(),
                    consultantName: z.string(),
                    offers: z.int(),
                    acceptances: z.int(),
                    declines: z.int(),
                    expiries: z.int(),
                    medianTimeToAcceptMs: z.number().nullable(),
                    contactsMet: z.int(),
                    contactsMissed: z.int(),
                  }),
                ),
              }),
              z.string().describe('text/csv'),
            ]),
            ...errorResponses(403),
          },
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        if (request.query.format === 'json') return consultationReport.report(actor, request.query.month);
        const csv = await consultationReport.csv(actor, request.query.month);
        return reply
          .header('content-type', 'text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="consultations-${request.query.month}.csv"`)
          .serializer((payload: unknown) => String(payload))
          .send(csv);
      },
    );
    app.get(
      '/consultations/:id',
      {
        schema: {
          ...one.schema,
          summary: 'A consultation request with its deadlines and history',
          response: answer,
        },
      },
      async (request) => consultations.get(actorOf(request), request.params.id),
    );
    app.post(
      '/consultations/:id/accept',
      { schema: { ...one.schema, summary: 'Accept a request offered to me', response: answer } },
      async (request) => consultations.accept(actorOf(request), request.params.id),
    );
    app.post(
      '/consultations/:id/decline',
      {
        schema: {
          ...one.schema,
          summary: 'Decline a request offered to me (it goes to the board or the next consultant)',
          body: z.strictObject({ reason: text().trim().max(1000).optional() }).nullish(),
          response: answer,
        },
      },
      async (request) => consultations.decline(actorOf(request), request.params.id, request.body ?? {}),
    );
    app.post(
      '/consultations/:id/claim',
      {
        schema: {
          ...one.schema,
          summary:
            'Claim an open request from the board (409 CONSULTATION_ALREADY_TAKEN when another was first)',
          response: answer,
        },
      },
      async (request) => consultations.claim(actorOf(request), request.params.id),
    );
    app.post(
      '/consultations/:id/contact',
      {
        schema: {
          ...one.schema,
          summary: 'Record contact with the client (the first one meets the contact deadline)',
          body: z.strictObject({
            kind: z.enum(['message', 'call', 'appointment']),
            at: instantInput.optional(),
            note: text().trim().max(2000).optional(),
          }),
          response: answer,
        },
      },
      async (request) => {
        const { at, ...rest } = request.body;
        return consultations.contact(actorOf(request), request.params.id, {
          ...rest,
          atMs: at === undefined ? undefined : Date.parse(at),
        });
      },
    );
    app.get(
      '/consultations/:id/messages',
      {
        schema: {
          ...one.schema,
          summary: 'The message thread between the client and the consultant who took the request',
          response: { 200: z.object({ items: z.array(messageSchema) }), ...errorResponses(403, 404) },
        },
      },
      async (request) => ({ items: await consultationMessages.list(actorOf(request), request.params.id) }),
    );
    app.post(
      '/consultations/:id/messages',
      {
        schema: {
          ...one.schema,
          summary: "Write to the other party (the consultant's first message records the contact)",
          body: z.strictObject({ body: text().trim().min(1).max(10_000) }),
          response: { 201: messageSchema, ...errorResponses(403, 404, 422) },
        },
      },
      async (request, reply) =>
        reply
          .code(201)
          .send(await consultationMessages.post(actorOf(request), request.params.id, request.body.body)),
    );
    app.post(
      '/consultations/:id/cancel',
      {
        schema: {
          ...one.schema,
          summary: 'Cancel my request (client) or any request (staff)',
          response: answer,
        },
      },
      async (request) => consultations.cancel(actorOf(request), request.params.id),
    );
    app.post(
      '/consultations/:id/close',
      {
        schema: { ...one.schema, summary: 'Close a request once the consultation is done', response: answer },
      },
      async (request) => consultations.close(actorOf(request), request.params.id),
    );
  };
}
