import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { deriveOperationId, pruneUnusedSchemas, registerOperationIds } from './openapi.ts';

describe('deriveOperationId', () => {
  it.each([
    ['GET', '/api/v1/tickets', 'listTickets'],
    ['POST', '/api/v1/tickets', 'createTicket'],
    ['GET', '/api/v1/tickets/:id', 'getTicket'],
    ['PATCH', '/api/v1/tickets/:id', 'updateTicket'],
    ['DELETE', '/api/v1/tokens/:id', 'deleteToken'],
    ['GET', '/api/v1/tickets/:id/comments', 'listTicketComments'],
    ['POST', '/api/v1/tickets/:id/comments', 'createTicketComment'],
    ['POST', '/api/v1/tickets/:id/analysis', 'createTicketAnalysis'],
    ['GET', '/api/v1/priorities', 'listPriorities'],
    ['GET', '/api/v1/me', 'getMe'],
    ['GET', '/api/v1/queue', 'getQueue'],
    ['PUT', '/api/v1/calendars/:key', 'putCalendar'],
    ['GET', '/', 'getRoot'],
  ])('%s %s → %s', (method, url, expected) => {
    expect(deriveOperationId(method, url)).toBe(expected);
  });
});

describe('registerOperationIds', () => {
  it('keeps a route’s own operationId and resolves collisions the same way each time', async () => {
    const names = async () => {
      const app = Fastify();
      const seen: Record<string, unknown> = {};
      registerOperationIds(app);
      app.addHook('onRoute', (route) => {
        if (route.method !== 'HEAD') seen[`${String(route.method)} ${route.url}`] = route.schema?.operationId;
      });
      app.get('/things/:id', () => 'a');
      app.get('/thing/:key', () => 'b');
      app.get('/thing/:key/', { schema: { operationId: 'mine' } }, () => 'c');
      app.get('/things', () => 'd');
      await app.ready();
      await app.close();
      return seen;
    };
    const first = await names();
    expect(first).toEqual({
      'GET /things/:id': 'getThing',
      'GET /thing/:key': 'getThingByKey',
      'GET /thing/:key/': 'mine',
      'GET /things': 'listThings',
    });
    expect(await names()).toEqual(first);
  });
});

describe('pruneUnusedSchemas', () => {
  it('keeps schemas reached from the paths, directly or through another schema', () => {
    const doc = {
      paths: { '/a': { get: { responses: { 200: { $ref: '#/components/schemas/A' } } } } },
      components: {
        schemas: { A: { properties: { b: { $ref: '#/components/schemas/B' } } }, B: {}, AInput: {} },
        securitySchemes: { bearer: { type: 'http' } },
      },
    };
    const pruned = pruneUnusedSchemas(doc);
    expect(Object.keys(pruned.components.schemas)).toEqual(['A', 'B']);
    expect(pruned.components.securitySchemes).toEqual(doc.components.securitySchemes);
  });
});
