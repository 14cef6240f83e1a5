import { openStreams } from '../http/open-streams.ts';
import { sendDownload } from '../http/download.ts';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ChatMessageDto } from '../chat/chat.service.ts';
import { errorResponses } from '../errors.ts';
import { HELP_LANGUAGES } from '../help/help-core.ts';
import { actorOf } from '../http/request-context.ts';
import { fileName, idParams, instant, priorityId, text, ticketCategory, uuid } from '../http/schemas.ts';
import { MAX_ATTACHMENT_BYTES } from '../tickets/attachment.service.ts';
import type { Services } from '../services.ts';
import { ticketSchema } from './ticket.routes.ts';

const chatMode = z.enum(['bot', 'waiting', 'agent', 'closed']);

const chatSchema = z
  .object({
    id: z.string(),
    mode: chatMode,
    language: z.enum(HELP_LANGUAGES),
    timeZone: z.string(),
    clientId: z.string(),
    organizationId: z.string(),
    agentId: z.string().nullable(),
    ticketId: z.string().nullable(),
    startedAt: instant,
    waitingUntil: instant.nullable().meta({ description: 'While waiting: when the bot takes over' }),
    humansBackAt: instant
      .nullable()
      .meta({ description: 'While the bot holds the chat: when human agents answer next (now if open)' }),
    lastSeq: z.number().int(),
    typing: z.object({ client: z.boolean(), agent: z.boolean() }),
    closedAt: instant.nullable(),
  })
  .meta({ id: 'Chat' });

const messageSchema = z
  .object({
    id: z.string(),
    seq: z.number().int(),
    author: z.enum(['client', 'agent', 'bot']),
    authorId: z.string().nullable(),
    text: z.string(),
    articles: z.array(z.object({ slug: z.string(), title: z.string() })),
    attachment: z
      .object({ id: z.string(), filename: z.string(), contentType: z.string(), sizeBytes: z.number().int() })
      .nullable()
      .meta({ description: 'A file sent with the message: GET /chats/{id}/attachments/{attachment.id}' }),
    at: instant,
  })
  .meta({ id: 'ChatMessage' });

// Base64 inflates by 4/3; leave room for the JSON around it.
const ATTACHMENT_BODY_LIMIT = Math.ceil((MAX_ATTACHMENT_BYTES * 4) / 3) + 64 * 1024;
const afterQuery = z.strictObject({ after: z.coerce.number().int().min(0).default(0) });
/** How often an open stream looks for new messages (any instance may have written them). */
const STREAM_POLL_MS = 1000;
const STREAM_PING_EVERY = 15;

export function chatRoutes({ chat }: Services): FastifyPluginAsyncZod {
  return async (app) => {
    const streams = openStreams(app);
    app.post(
      '/chats',
      {
        schema: {
          tags: ['chat'],
          summary: 'Open a support chat (client or consultant): agents answer in support hours, else the bot',
          body: z.strictObject({
            language: z.enum(HELP_LANGUAGES).default('en'),
            timeZone: z.string().max(64).optional(),
            text: text().max(4000).optional(),
          }),
          response: { 201: chatSchema, ...errorResponses(403, 422) },
        },
      },
      async (request, reply) => reply.code(201).send(await chat.start(actorOf(request), request.body)),
    );

    app.get(
      '/chats',
      {
        schema: {
          tags: ['chat'],
          summary: 'Chats: staff see the workspace’s (`mode=waiting` for the console), clients their own',
          querystring: z.strictObject({ mode: chatMode.optional() }),
          response: { 200: z.object({ items: z.array(chatSchema) }), ...errorResponses() },
        },
      },
      async (request) => ({ items: await chat.list(actorOf(request), request.query) }),
    );

    app.get(
      '/chats/:id',
      {
        schema: {
          tags: ['chat'],
          summary: 'One chat',
          params: idParams,
          response: { 200: chatSchema, ...errorResponses(404) },
        },
      },
      async (request) => chat.get(actorOf(request), request.params.id),
    );

    app.get(
      '/chats/:id/messages',
      {
        schema: {
          tags: ['chat'],
          summary: 'Messages after `after` (a seq), with the chat’s state: poll, or use the stream',
          params: idParams,
          querystring: afterQuery,
          response: {
            200: z.object({ chat: chatSchema, items: z.array(messageSchema) }),
            ...errorResponses(404),
          },
        },
      },
      async (request) => chat.messages(actorOf(request), request.params.id, request.query.after),
    );

    app.post(
      '/chats/:id/messages',
      {
        schema: {
          tags: ['chat'],
          summary:
            'Write in a chat (its client, or the agent holding it); the bot answers at once when it holds it',
          params: idParams,
          body: z.strictObject({ text: text().trim().min(1).max(4000) }),
          response: { 201: z.object({ items: z.array(messageSchema) }), ...errorResponses(403, 404, 422) },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await chat.post(actorOf(request), request.params.id, request.body.text)),
    );

    app.post(
      '/chats/:id/attachments',
      {
        bodyLimit: ATTACHMENT_BODY_LIMIT,
        schema: {
          tags: ['chat'],
          summary: 'Send a file in a chat (base64; the types and size of ticket attachments)',
          params: idParams,
          body: z.strictObject({
            filename: fileName,
            contentType: z.string().min(1).max(100),
            contentBase64: z.base64({ message: 'expected base64 content' }),
            text: text().max(4000).optional(),
          }),
          response: {
            201: z.object({ items: z.array(messageSchema) }),
            ...errorResponses(403, 404, 413, 415, 422),
          },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await chat.attach(actorOf(request), request.params.id, request.body)),
    );

    app.get(
      '/chats/:id/attachments/:attachmentId',
      {
        schema: {
          tags: ['chat'],
          summary: 'Download a file sent in a chat',
          params: z.strictObject({ id: uuid, attachmentId: uuid }),
          response: { 200: z.any().describe('The file bytes'), ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        const file = await chat.attachmentContent(
          actorOf(request),
          request.params.id,
          request.params.attachmentId,
        );
        return sendDownload(reply, file);
      },
    );

    for (const [action, summary] of [
      ['take', 'Take a waiting (or bot) chat: exactly one agent succeeds, the others get 409'],
      ['close', 'End a chat'],
    ] as const) {
      app.post(
        `/chats/:id/${action}`,
        {
          schema: {
            tags: ['chat'],
            summary,
            params: idParams,
            response: { 200: chatSchema, ...errorResponses(403, 404, 409, 422) },
          },
        },
        async (request) => chat[action](actorOf(request), request.params.id),
      );
    }

    app.post(
      '/chats/:id/typing',
      {
        schema: {
          tags: ['chat'],
          summary: 'Typing indicator: shown to the other side for a few seconds',
          params: idParams,
          response: { 204: z.null(), ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        await chat.typing(actorOf(request), request.params.id);
        return reply.code(204).send(null);
      },
    );

    app.post(
      '/chats/:id/ticket',
      {
        schema: {
          tags: ['chat'],
          summary:
            'Turn the chat into a ticket (client while the bot holds it: channel chatbot; the holding agent: chat)',
          params: idParams,
          body: z.strictObject({
            priority: priorityId,
            subject: text().trim().min(1).max(200).optional(),
            category: ticketCategory.optional(),
          }),
          response: { 201: ticketSchema, ...errorResponses(403, 404, 409, 422) },
        },
      },
      async (request, reply) =>
        reply.code(201).send(await chat.ticket(actorOf(request), request.params.id, request.body)),
    );

    app.get(
      '/chats/:id/stream',
      {
        schema: {
          tags: ['chat'],
          summary:
            'Server-sent events: `message` (a ChatMessage, id = seq) and `chat` (the Chat when it changes); resumes after Last-Event-ID',
          params: idParams,
          querystring: afterQuery,
        },
      },
      async (request, reply) => {
        const actor = actorOf(request);
        const id = request.params.id;
        const lastEventId = Number(request.headers['last-event-id']);
        let after = Math.max(request.query.after, Number.isInteger(lastEventId) ? lastEventId : 0);
        // Access is checked (404) before the stream opens.
        let batch = await chat.messages(actor, id, after);
        reply.hijack();
        reply.raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        let closed = false;
        // The response's own 'close': the client went away (or the server is shutting the connection).
        reply.raw.on('close', () => {
          closed = true;
        });
        // A closing server ends the stream at once rather than at the next poll.
        const untrack = streams.track(() => {
          closed = true;
          reply.raw.end();
        });
        let lastChat = '';
        const write = (items: ChatMessageDto[], state: unknown) => {
          for (const m of items) {
            reply.raw.write(`id: ${m.seq}\nevent: message\ndata: ${JSON.stringify(m)}\n\n`);
            after = Math.max(after, m.seq);
          }
          const json = JSON.stringify(state);
          if (json !== lastChat) reply.raw.write(`event: chat\ndata: ${json}\n\n`);
          lastChat = json;
        };
        write(batch.items, batch.chat);
        for (let tick = 1; !closed; tick++) {
          await sleep(STREAM_POLL_MS);
          if (closed) break;
          try {
            batch = await chat.messages(actor, id, after);
          } catch (error) {
            request.log.warn({ err: error }, 'chat stream ended');
            break;
          }
          write(batch.items, batch.chat);
          if (tick % STREAM_PING_EVERY === 0) reply.raw.write(': ping\n\n');
        }
        untrack();
        reply.raw.end();
      },
    );

    app.post(
      '/chat/presence',
      {
        schema: {
          tags: ['chat'],
          summary: 'Agent console heartbeat: available for chats until `expiresAt` (send again before it)',
          body: z.strictObject({ available: z.boolean() }),
          response: {
            200: z.object({ available: z.boolean(), expiresAt: instant, agentsOnline: z.number().int() }),
            ...errorResponses(403),
          },
        },
      },
      async (request) => chat.presence(actorOf(request), request.body),
    );

    const settingsSchema = z.object({ waitSeconds: z.number().int() });
    app.get(
      '/chat/settings',
      {
        schema: {
          tags: ['chat'],
          summary: 'How long a chat waits for an agent before the bot takes it (staff)',
          response: { 200: settingsSchema, ...errorResponses(403) },
        },
      },
      async (request) => chat.settings(actorOf(request)),
    );
    app.put(
      '/chat/settings',
      {
        schema: {
          tags: ['chat'],
          summary: 'Set the wait before the bot takes over (admin)',
          body: z.strictObject({ waitSeconds: z.number().int().min(0).max(3600) }),
          response: { 200: settingsSchema, ...errorResponses(403) },
        },
      },
      async (request) => chat.updateSettings(actorOf(request), request.body),
    );
  };
}
