import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { actorFor } from '../auth/auth.service.ts';
import { DomainError, errorResponses } from '../errors.ts';
import { openStreams } from '../http/open-streams.ts';
import { identityOf, WORKSPACE_HEADER } from '../http/request-context.ts';
import type { LiveEvent } from '../live/live-hub.ts';
import type { Background } from '../notifications/notifications.module.ts';

const SEQ = /^\d{1,15}$/;

function sseFrame(event: LiveEvent): string {
  const body = JSON.stringify({ ...event.data, occurredAt: new Date(event.occurredAtMs).toISOString() });
  return `id: ${event.seq}\nevent: ${event.type}\ndata: ${body}\n\n`;
}

export function liveRoutes({ live }: Background): FastifyPluginAsyncZod {
  return async (app) => {
    const streams = openStreams(app);
    app.get(
      '/stream',
      {
        schema: {
          tags: ['notifications'],
          summary: 'Live updates (Server-Sent Events), scoped to what the caller may see',
          description:
            'A `text/event-stream` of `ticket.created`, `ticket.updated`, `ticket.commented` (public comments), ' +
            '`sla.warning`, `sla.breached` (and `consultation.*` for staff). Each event has an `id` from a ' +
            'sequence shared by every server instance: reconnecting with `Last-Event-ID` (or `?lastEventId=`) ' +
            'replays what was missed; `event: reset` means the gap is too old and the reader should reload. ' +
            'Heartbeat comments every 15 s. EventSource cannot set headers: name the workspace with ' +
            '`?workspace=<slug>` (or X-Accord-Workspace). Events carry ids and instants only; read the ticket ' +
            'through the API.',
          querystring: z.strictObject({
            workspace: z.string().min(1).max(100).optional(),
            lastEventId: z.string().regex(SEQ).optional(),
          }),
          response: { 200: z.string().describe('text/event-stream'), ...errorResponses(404) },
        },
      },
      async (request, reply) => {
        const header = request.headers[WORKSPACE_HEADER];
        const actor = actorFor(
          identityOf(request),
          request.query.workspace ?? (Array.isArray(header) ? header[0] : header),
        );
        const lastHeader = request.headers['last-event-id'];
        const last = (Array.isArray(lastHeader) ? lastHeader[0] : lastHeader) ?? request.query.lastEventId;
        if (last !== undefined && !SEQ.test(last.trim()))
          throw new DomainError('VALIDATION_FAILED', 'Last-Event-ID must be an event id of this stream');
        const scope = live.scopeOf(actor);
        let cursor = last === undefined ? await live.latestSeq() : Number(last.trim());
        const reset = last !== undefined && (await live.gapAfter(cursor));
        if (reset) cursor = await live.latestSeq();

        reply.hijack();
        const raw = reply.raw;
        raw.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          'x-content-type-options': 'nosniff',
          // nginx and similar proxies must pass events through as they come.
          'x-accel-buffering': 'no',
          connection: 'keep-alive',
        });
        raw.write(`retry: 3000\n\n`);
        if (reset) raw.write(`id: ${cursor}\nevent: reset\ndata: {}\n\n`);

        let closed = false;
        let busy = false;
        let again = false;
        const pump = async (): Promise<void> => {
          if (busy) {
            again = true;
            return;
          }
          busy = true;
          try {
            do {
              again = false;
              const events = await live.readAfter(scope, cursor);
              for (const event of events) {
                if (closed) return;
                raw.write(sseFrame(event));
                cursor = event.seq;
              }
              if (events.length === 200) again = true;
            } while (again && !closed);
          } catch (error) {
            request.log.warn({ err: error }, 'live stream read failed');
          } finally {
            busy = false;
          }
        };
        const unsubscribe = live.subscribe(() => void pump());
        const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), live.config.heartbeatMs);
        const end = () => {
          if (closed) return;
          closed = true;
          untrack();
          unsubscribe();
          clearInterval(heartbeat);
          clearTimeout(expiry);
          raw.end();
        };
        // Closed from time to time: the browser reconnects with Last-Event-ID and its session is checked again.
        const expiry = setTimeout(end, live.config.maxStreamMs);
        request.raw.on('close', end);
        raw.on('close', end);
        const untrack = streams.track(end);
        await pump();
      },
    );
  };
}
