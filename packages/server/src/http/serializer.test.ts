import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { errorBodySchema } from '../errors.ts';
import { slaClockSchema, ticketSchema } from '../routes/ticket.routes.ts';
import { freezeDeep } from '../deep-frozen.ts';
import { createResponseSerializerCompiler, fastResponseWriter, MAX_KEPT_JSON_CHARS } from './serializer.ts';

const listSchema = z.object({ items: z.array(ticketSchema), nextCursor: z.string().nullable() });
const eventsSchema = z.object({
  items: z.array(z.object({ seq: z.int(), at: z.string(), data: z.record(z.string(), z.unknown()) })),
});

const text = fc.string({ unit: 'binary', maxLength: 30 });
const instant = fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms).toISOString());
const clockArb = fc.record({
  metric: fc.constantFrom('firstResponse', 'intervention', 'resolution', 'nextResponse'),
  state: fc.constantFrom('running', 'paused', 'met', 'breached'),
  target: fc.option(text),
  calendar: text,
  dueAt: fc.option(instant),
  remainingSeconds: fc.option(fc.integer()),
  percentUsed: fc.option(fc.double({ noNaN: true, noDefaultInfinity: true })),
  warningThreshold: fc.option(fc.integer({ min: 1, max: 99 })),
  breachedAt: fc.option(instant),
  stoppedAt: fc.option(instant),
  countingNow: fc.boolean(),
  nextChangeAt: fc.option(instant),
});
const ticketArb = fc.record({
  id: fc.uuid(),
  subject: text,
  description: text,
  category: fc.constantFrom('hosting', 'application'),
  priority: fc.constantFrom('P1', 'P2', 'P3'),
  channel: fc.constantFrom('ticket', 'email', 'phone'),
  status: fc.constantFrom('new', 'open', 'pending-customer', 'resolved', 'closed'),
  organizationId: fc.uuid(),
  requesterId: fc.uuid(),
  assigneeId: fc.option(fc.uuid()),
  plan: text,
  policyVersion: text,
  queue: fc.constantFrom('priority', 'standard'),
  handleFrom: instant,
  billingMode: fc.constantFrom('none', 'quote', 'time-and-materials'),
  tags: fc.array(text, { maxLength: 4 }),
  monitorId: fc.option(fc.uuid()),
  version: fc.integer({ min: 1, max: 2_000_000_000 }),
  createdAt: instant,
  updatedAt: instant,
  sla: fc.array(clockArb, { maxLength: 4 }),
});

describe('fastResponseWriter', () => {
  it.each([
    ['Ticket', ticketSchema],
    ['SlaClock', slaClockSchema],
    ['ticket list', listSchema],
    ['events', eventsSchema],
    ['error body', errorBodySchema],
  ] as const)('writes %s without going through zod', (_name, schema) => {
    expect(fastResponseWriter(schema)).not.toBeNull();
  });

  it('writes exactly the JSON of the zod serializer for any valid ticket list', () => {
    const write = fastResponseWriter(listSchema)!;
    fc.assert(
      fc.property(fc.array(ticketArb, { maxLength: 5 }), fc.option(text), (items, nextCursor) => {
        const page = { items, nextCursor };
        expect(write(page)).toBe(JSON.stringify(listSchema.parse(page)));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves out keys the schema does not declare, as zod strips them', () => {
    fc.assert(
      fc.property(ticketArb, (ticket) => {
        const leaky = { passwordHash: 'secret', ...ticket, sla: ticket.sla.map((c) => ({ ...c, x: 1 })) };
        const json = fastResponseWriter(ticketSchema)!(leaky);
        expect(json).toBe(JSON.stringify(ticketSchema.parse(leaky)));
        expect(json).not.toContain('passwordHash');
      }),
    );
  });

  it('keeps free-form event data and leaves absent optional fields out', () => {
    const events = {
      items: [{ seq: 1, at: '2026-11-23T10:00:00.000Z', data: { a: [1, { b: null }], c: 'é"' } }],
    };
    expect(fastResponseWriter(eventsSchema)!(events)).toBe(JSON.stringify(eventsSchema.parse(events)));
    const error = { error: { code: 'TICKET_NOT_FOUND', message: 'ticket x not found' } };
    expect(fastResponseWriter(errorBodySchema)!(error)).toBe(JSON.stringify(errorBodySchema.parse(error)));
  });

  it('leaves to zod what it cannot write the same way (rewriting checks, unions, defaults, loose objects)', () => {
    expect(fastResponseWriter(z.object({ name: z.string().trim() }))).toBeNull();
    expect(fastResponseWriter(z.union([z.string(), z.number()]))).toBeNull();
    expect(fastResponseWriter(z.object({ n: z.number().default(1) }))).toBeNull();
    expect(fastResponseWriter(z.looseObject({ n: z.number() }))).toBeNull();
  });
});

describe('createResponseSerializerCompiler', () => {
  const route = { schema: ticketSchema, method: 'GET', url: '/api/v1/tickets/:id', httpStatus: '200' };

  it('with verify, refuses an answer that does not match its schema (as the zod serializer did)', () => {
    const serialize = createResponseSerializerCompiler({ verify: true })(route);
    const ticket = fc.sample(ticketArb, 1)[0]!;
    expect(serialize(ticket)).toBe(JSON.stringify(ticketSchema.parse(ticket)));
    expect(() => serialize({ ...ticket, status: 'lost' })).toThrow();
  });

  it('falls back to zod, validation included, for schemas it cannot write', () => {
    const schema = z.object({ name: z.string().trim() });
    const serialize = createResponseSerializerCompiler({ verify: false })({ ...route, schema });
    expect(serialize({ name: '  padded ' })).toBe('{"name":"padded"}');
    expect(() => serialize({ name: 3 })).toThrow();
  });
});

describe('fastResponseWriter with deep-frozen values', () => {
  it('writes frozen tickets, alone and in pages, exactly as zod would, however often and in whatever mix', () => {
    const writeList = fastResponseWriter(listSchema)!;
    const writeTicket = fastResponseWriter(ticketSchema)!;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(ticketArb, fc.boolean()), { maxLength: 5 }),
        fc.option(text),
        (entries, nextCursor) => {
          // Some frozen, some not, each frozen one written once alone first (its JSON is then kept).
          const items = entries.map(([ticket, frozen]) => (frozen ? freezeDeep({ ...ticket }) : ticket));
          for (const item of items) expect(writeTicket(item)).toBe(JSON.stringify(ticketSchema.parse(item)));
          const page = { items, nextCursor };
          const expected = JSON.stringify(listSchema.parse(page));
          expect(writeList(page)).toBe(expected);
          expect(writeList(page)).toBe(expected);
          expect(writeList(freezeDeep({ items: [...items], nextCursor }))).toBe(expected);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('writes a frozen value too large to keep afresh each time, identically', () => {
    const ticket = fc.sample(ticketArb, 1)[0]!;
    const large = freezeDeep({ ...ticket, description: 'é'.repeat(MAX_KEPT_JSON_CHARS) });
    const write = fastResponseWriter(ticketSchema)!;
    const first = write(large);
    expect(first).toBe(JSON.stringify(ticketSchema.parse(large)));
    const second = write(large);
    expect(second).toBe(first);
  });

  it('strips undeclared keys of frozen values too, and keeps one JSON per schema', () => {
    const ticket = fc.sample(ticketArb, 1)[0]!;
    const leaky = freezeDeep({ passwordHash: 'secret', ...ticket });
    const json = fastResponseWriter(ticketSchema)!(leaky);
    expect(json).not.toContain('passwordHash');
    expect(json).toBe(JSON.stringify(ticketSchema.parse(leaky)));
    // The same frozen object under another schema is written for that schema, not from the other's kept JSON.
    // One writer (and one kept JSON) per schema object, whichever routes answer with it.
    expect(fastResponseWriter(ticketSchema)).toBe(fastResponseWriter(ticketSchema));
    const narrow = z.object({ id: z.string() });
    expect(fastResponseWriter(narrow)!(leaky)).toBe(JSON.stringify({ id: ticket.id }));
  });
});
