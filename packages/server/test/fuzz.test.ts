import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../src/app.ts';
import { ManualClock } from '../src/clock.ts';
import { DEMO_PASSWORD, seedDemo } from '../src/demo/demo-data.ts';
import { createTestDatabase, describeDialect, DIALECTS, type TestDatabase } from './dialects.ts';

/**
 * Fuzz pass over every operation the server publishes in its OpenAPI document: schema-shaped bodies with mutations,
 * raw garbage bodies, hostile path params, query strings and headers, sent over real HTTP as an admin, an agent, a
 * client and anonymous callers. Properties: never a 5xx; every 4xx is `{ error: { code, message } }`; input that is
 * certainly invalid (garbage body, unknown field, missing required field, wrong JSON type, no credentials, another
 * tenant's id in the path or an id field) never 2xx. New routes are fuzzed as soon as they are published.
 *
 * Replay: every problem prints its operation, the seed and the run's path, and the full request. ACCORD_FUZZ_SEED changes
 * the base seed, ACCORD_FUZZ_RUNS the runs per operation (default 30; 120+ digs deeper), ACCORD_FUZZ_ONLY narrows to
 * operations containing that text, ACCORD_FUZZ_PATH replays one run. Ids are random per database, so a replay repeats
 * the request's shape with that run's ids; the printed request is the exact repro.
 */

const BASE_SEED = Number(process.env['ACCORD_FUZZ_SEED'] ?? '20261123');
const RUNS_PER_OPERATION = Number(process.env['ACCORD_FUZZ_RUNS'] ?? '30');
const ONLY = process.env['ACCORD_FUZZ_ONLY'];
/** fast-check's path of one run (printed with each problem): replays just that request. */
const ONLY_PATH = process.env['ACCORD_FUZZ_PATH'];
/** ACCORD_FUZZ_STATS=1 prints the statuses each operation answered: how deep the fuzzer got, not just that nothing broke. */
const PRINT_STATS = process.env['ACCORD_FUZZ_STATS'] === '1';
// A Tuesday morning in Brussels: both demo workspaces are inside business hours, so clocks run.
const NOW_MS = Date.UTC(2026, 2, 10, 9, 30);
const REQUEST_TIMEOUT_MS = 10_000;
/** Public by design; the doc does not mark them with `security: []` (yet). */
const PUBLIC_OPERATIONS = new Set(['GET /healthz', 'POST /api/v1/auth/login']);
/** Operations that revoke the caller's own credential get a throw-away token so the personas stay signed in. */
const SELF_REVOKING = new Set(['POST /api/v1/auth/logout']);

// ---------- OpenAPI, as much of it as the fuzzer reads ----------

interface JsonSchema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly format?: string;
  readonly pattern?: string;
}

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required?: boolean;
  readonly schema?: JsonSchema;
}

interface Operation {
  readonly key: string;
  readonly method: string;
  readonly path: string;
  readonly parameters: readonly Parameter[];
  readonly body: JsonSchema | undefined;
  /** Answers without credentials: `security: []` in the doc, or one of PUBLIC_OPERATIONS. */
  readonly isPublic: boolean;
}

interface OpenApiDocument {
  readonly paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Parameter[];
        requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
        security?: unknown[];
      }
    >
  >;
  readonly components?: { schemas?: Record<string, JsonSchema> };
}

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

function operationsOf(doc: OpenApiDocument): Operation[] {
  const out: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!HTTP_METHODS.has(method)) continue;
      const key = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
      out.push({
        key,
        method: method.toUpperCase(),
        path,
        parameters: op.parameters ?? [],
        body: op.requestBody?.content?.['application/json']?.schema,
        isPublic: op.security?.length === 0 || PUBLIC_OPERATIONS.has(`${method.toUpperCase()} ${path}`),
      });
    }
  }
  return out;
}

function resolver(doc: OpenApiDocument): (schema: JsonSchema) => JsonSchema {
  const resolve = (schema: JsonSchema): JsonSchema => {
    if (schema.$ref === undefined) return schema;
    const name = schema.$ref.replace('#/components/schemas/', '');
    const target = doc.components?.schemas?.[name];
    if (target === undefined) throw new Error(`OpenAPI: unresolved ${schema.$ref}`);
    return resolve(target);
  };
  return resolve;
}

// ---------- what the fuzzer learns from the running server ----------

/** Values seen in real responses: by property name (`plan` → pro, start…) and ids by collection (`tickets` → …). */
interface Pool {
  readonly byProperty: Map<string, unknown[]>;
  readonly idsByCollection: Map<string, string[]>;
  readonly allIds: string[];
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_SAMPLES_PER_KEY = 24;

function remember<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key) ?? [];
  if (list.length >= MAX_SAMPLES_PER_KEY || list.some((v) => JSON.stringify(v) === JSON.stringify(value)))
    return;
  list.push(value);
  map.set(key, list);
}

function learn(pool: Pool, collection: string, json: unknown): void {
  const walk = (value: unknown, depth: number): void => {
    if (depth > 8 || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      for (const v of value) walk(v, depth + 1);
      return;
    }
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v === 'string' && UUID_RE.test(v) && !pool.allIds.includes(v)) pool.allIds.push(v);
      if (
        (typeof v === 'string' && v.length <= 200) ||
        typeof v === 'number' ||
        typeof v === 'boolean' ||
        (typeof v === 'object' && v !== null && JSON.stringify(v).length < 20_000)
      ) {
        remember(pool.byProperty, k, v);
      }
      walk(v, depth + 1);
    }
  };
  walk(json, 0);
  // The elements of the first array in a list response belong to the collection the path names.
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    for (const v of Object.values(json as Record<string, unknown>)) {
      if (!Array.isArray(v)) continue;
      for (const element of v) {
        if (element === null || typeof element !== 'object') continue;
        const record = element as Record<string, unknown>;
        const id = record['id'] ?? record['key'];
        if (typeof id === 'string') remember(pool.idsByCollection, collection, id);
      }
    }
  }
}

function collectIds(value: unknown, into: Set<string>, depth = 0): void {
  if (depth > 8 || value === null || typeof value !== 'object') return;
  for (const v of Array.isArray(value) ? value : Object.values(value as Record<string, unknown>)) {
    if (typeof v === 'string' && UUID_RE.test(v)) into.add(v);
    else collectIds(v, into, depth + 1);
  }
}

// ---------- generators ----------

/** Values that have broken servers before: edges of numbers, odd unicode, huge and deeply nested input. */
const RAW_TOKENS: Record<string, string> = {
  __RAW_HUGE_EXP__: '1e400',
  __RAW_NEG_ZERO__: '-0',
  __RAW_BIG_INT__: '123456789012345678901234567890',
  __RAW_ONE_POINT_ZERO__: '1.0',
  __RAW_DEEP_ARRAY__: `${'['.repeat(60_000)}${']'.repeat(60_000)}`,
};
const RAW_TOKEN_RE = new RegExp(`"(${Object.keys(RAW_TOKENS).join('|')})"`, 'g');

function deepObject(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = { a: value };
  return value;
}

const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    0.5,
    -0.000001,
    2 ** 31,
    -(2 ** 31) - 1,
    2 ** 53 + 2,
    -(2 ** 53),
    1e308,
    -1e308,
    Number.MIN_VALUE,
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    '\udfff\ud800',
    '\u202etxt.exe',
    '🙂'.repeat(60),
    'ℌ𝔢𝔩𝔩𝔬 مرحبا שלום 你好',
    'e\u0301\u0301\u0301',
    '<script>alert(1)</script>',
    "'; drop table tickets; --",
    '%00%ff',
    '../../etc/passwd',
    'x'.repeat(20_001),
    'y'.repeat(120_000),
    [],
    {},
    [null],
    [[[[]]]],
    { a: { b: { c: {} } } },
    deepObject(2_000),
    Array.from({ length: 5_000 }, (_, i) => i),
    ...Object.keys(RAW_TOKENS),
  ),
  fc.string({ unit: 'binary', maxLength: 64 }),
  fc.double(),
  fc.integer(),
  fc.anything({ maxDepth: 3 }),
);

interface GenContext {
  readonly resolve: (schema: JsonSchema) => JsonSchema;
  readonly pool: Pool;
  readonly vocabulary: readonly string[];
  /** Clean requests stay inside the schema (and reach the services); chaotic ones go everywhere. */
  readonly clean: boolean;
}

const CLEAN_CHARS = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789'.split(''));

function typesOf(schema: JsonSchema): string[] {
  if (schema.type === undefined) return [];
  return typeof schema.type === 'string' ? [schema.type] : [...schema.type];
}

function clampInt(n: number): number {
  return Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, n));
}

function stringFor(schema: JsonSchema, ctx: GenContext): fc.Arbitrary<string> {
  const maxLength = Math.min(schema.maxLength ?? 60, 60);
  const minLength = Math.min(schema.minLength ?? 0, maxLength);
  const cleanText = fc.string({
    unit: CLEAN_CHARS,
    minLength: Math.max(1, minLength),
    maxLength: Math.max(1, Math.min(maxLength, 24)),
  });
  const free = fc.oneof(
    fc.string({ minLength, maxLength }),
    fc.string({ unit: 'grapheme', minLength, maxLength }),
  );
  const vocabulary = ctx.vocabulary.length > 0 ? fc.constantFrom(...ctx.vocabulary) : free;
  const edges = fc.constantFrom(
    'a'.repeat(Math.max(1, minLength)),
    'b'.repeat(schema.maxLength ?? 255),
    'c'.repeat((schema.maxLength ?? 255) + 1),
  );
  const dateArb = fc.date({
    min: new Date(Date.UTC(1970, 0, 1)),
    max: new Date(Date.UTC(2100, 0, 1)),
    noInvalidDate: true,
  });
  switch (schema.format) {
    case 'uuid':
      return ctx.pool.allIds.length > 0
        ? fc.oneof(fc.constantFrom(...ctx.pool.allIds), fc.uuid())
        : fc.uuid();
    case 'email':
      return fc.oneof(fc.emailAddress(), fc.constant('admin@demo.test'), fc.constant('not-an-email'));
    case 'date':
      return dateArb.map((d) => d.toISOString().slice(0, 10));
    case 'date-time':
      return fc.oneof(
        dateArb.map((d) => d.toISOString()),
        fc.constant('2026-03-10T10:00:00+03:00'),
      );
    default:
      break;
  }
  if (schema.pattern !== undefined) {
    try {
      const matching = fc.stringMatching(new RegExp(schema.pattern, 'u'), { size: 'small' });
      if (ctx.clean) return matching;
      return fc.oneof(
        { arbitrary: matching, weight: 3 },
        { arbitrary: vocabulary, weight: 1 },
        { arbitrary: free, weight: 1 },
      );
    } catch {
      // fast-check cannot generate from every regex (e.g. \p{…}); fall back to free text.
    }
  }
  if (ctx.clean) return cleanText;
  return fc.oneof(
    { arbitrary: free, weight: 3 },
    { arbitrary: vocabulary, weight: 2 },
    { arbitrary: edges, weight: 1 },
  );
}

function numberFor(schema: JsonSchema, integer: boolean, clean: boolean): fc.Arbitrary<number> {
  const min = schema.minimum ?? -(2 ** 31);
  const max = schema.maximum ?? 2 ** 31 - 1;
  const edges = fc.constantFrom(min, max, min - 1, max + 1, 0);
  const inner = integer
    ? fc.integer({ min: clampInt(min), max: clampInt(max) })
    : fc.double({ min, max, noNaN: true, noDefaultInfinity: true });
  if (clean)
    return integer && schema.minimum === undefined && schema.maximum === undefined
      ? fc.integer({ min: 0, max: 100 })
      : inner;
  return fc.oneof({ arbitrary: inner, weight: 3 }, { arbitrary: edges, weight: 1 });
}

/** A value shaped like the schema (valid most of the time); `property` lets real values seen in responses in. */
function valueFor(
  rawSchema: JsonSchema,
  ctx: GenContext,
  depth: number,
  property?: string,
): fc.Arbitrary<unknown> {
  const schema = ctx.resolve(rawSchema);
  const shaped = shapedValueFor(schema, ctx, depth);
  const seen = property === undefined ? undefined : ctx.pool.byProperty.get(property);
  if (seen === undefined || seen.length === 0) return shaped;
  return fc.oneof(
    { arbitrary: shaped, weight: ctx.clean ? 1 : 2 },
    { arbitrary: fc.constantFrom(...seen), weight: 1 },
  );
}

function shapedValueFor(schema: JsonSchema, ctx: GenContext, depth: number): fc.Arbitrary<unknown> {
  if (depth > 6) return fc.constant(null);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum !== undefined && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches !== undefined && branches.length > 0)
    return fc.oneof(...branches.map((b) => valueFor(b, ctx, depth + 1)));
  if (schema.allOf !== undefined && schema.allOf[0] !== undefined)
    return valueFor(schema.allOf[0], ctx, depth + 1);
  const types = typesOf(schema);
  if (types.length > 1)
    return fc.oneof(...types.map((type) => shapedValueFor({ ...schema, type }, ctx, depth)));
  switch (types[0]) {
    case 'string':
      return stringFor(schema, ctx);
    case 'integer':
      return numberFor(schema, true, ctx.clean);
    case 'number':
      return numberFor(schema, false, ctx.clean);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(
        schema.items === undefined ? fc.anything({ maxDepth: 1 }) : valueFor(schema.items, ctx, depth + 1),
        {
          minLength: schema.minItems ?? 0,
          maxLength: Math.min(schema.maxItems ?? 4, 4),
        },
      );
    case 'object':
    case undefined: {
      const properties = schema.properties ?? {};
      const names = Object.keys(properties);
      if (names.length === 0) {
        if (ctx.clean) return fc.constant({});
        if (schema.type === undefined && schema.additionalProperties === undefined)
          return fc.anything({ maxDepth: 2 });
        const extra =
          typeof schema.additionalProperties === 'object'
            ? valueFor(schema.additionalProperties, ctx, depth + 1)
            : fc.anything({ maxDepth: 2 });
        return fc.dictionary(fc.string({ maxLength: 12 }), extra, { maxKeys: 4 });
      }
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const name of names) {
        const child = properties[name];
        if (child !== undefined) model[name] = valueFor(child, ctx, depth + 1, name);
      }
      return fc.record(model, { requiredKeys: names.filter((n) => schema.required?.includes(n) === true) });
    }
    default:
      return fc.anything({ maxDepth: 2 });
  }
}

/** The JSON type of a value, as JSON Schema names it. */
function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** True only when the value cannot satisfy the schema's declared type (nullable and union schemas say no). */
function certainlyWrongType(
  value: unknown,
  rawSchema: JsonSchema,
  resolve: (s: JsonSchema) => JsonSchema,
): boolean {
  const schema = resolve(rawSchema);
  if (typeof value === 'string' && value.startsWith('__RAW_')) return false;
  const types = typesOf(schema);
  if (types.length === 0 || schema.anyOf !== undefined || schema.oneOf !== undefined) return false;
  const actual = jsonTypeOf(value);
  if (types.includes(actual)) return false;
  if (actual === 'integer' && types.includes('number')) return false;
  return true;
}

function objectBranches(schema: JsonSchema, resolve: (s: JsonSchema) => JsonSchema): JsonSchema[] | null {
  const s = resolve(schema);
  const branches = (s.anyOf ?? s.oneOf ?? [s]).map(resolve);
  return branches.every((b) => typesOf(b).length === 1 && typesOf(b)[0] === 'object') ? branches : null;
}

interface BodyPlan {
  readonly text: string | undefined;
  readonly contentType: string | undefined;
  readonly invalidBecause: string | null;
  readonly kind: string;
}

const UNKNOWN_FIELD_NAMES = [
  '__fuzz_unknown',
  '__proto__',
  'constructor',
  'prototype',
  '',
  'ＩＤ',
  '$where',
  'toString',
];

function serialize(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(
    RAW_TOKEN_RE,
    (_m, token: string) => RAW_TOKENS[token] ?? 'null',
  );
}

/** The body as the server parses it: JSON drops `undefined` fields, turns NaN into null, reads raw tokens as numbers. */
function asSent(value: unknown): unknown {
  return JSON.parse(serialize(value)) as unknown;
}

function withOwnProperty(
  target: Record<string, unknown>,
  name: string,
  value: unknown,
): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...target };
  // defineProperty, not assignment: `__proto__` must become an own, serialized key.
  Object.defineProperty(copy, name, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

function bodyPlans(op: Operation, ctx: GenContext): fc.Arbitrary<BodyPlan> {
  const schema = op.body;
  const noBody = fc.constant<BodyPlan>({
    text: undefined,
    contentType: undefined,
    invalidBecause: null,
    kind: 'no body',
  });
  if (op.method === 'GET' || op.method === 'HEAD') return noBody;
  const branches = schema === undefined ? null : objectBranches(schema, ctx.resolve);
  const json = (value: unknown, kind: string, invalidBecause: string | null): BodyPlan => ({
    text: serialize(value),
    contentType: 'application/json',
    invalidBecause,
    kind,
  });

  const garbageReason = schema === undefined ? null : 'garbage body';
  const garbage: fc.Arbitrary<BodyPlan> = fc.oneof(
    fc
      .constantFrom(
        '{',
        '{"a":',
        '[1,2',
        'nul',
        '{"a":1,}',
        "{'a':1}",
        'NaN',
        '\u0000',
        '{"a":"\\u12"}',
        '\ufeff{', // a BOM before valid JSON may be ignored (RFC 8259 §8.1), so only a broken text is garbage
        '{"a":1}{"b":2}',
        '"\\ud800"',
        '{"__proto__":{"x":1}}',
        '{"constructor":{"prototype":{"x":1}}}',
      )
      .map((text) => ({
        text,
        contentType: 'application/json',
        invalidBecause: garbageReason,
        kind: 'malformed JSON',
      })),
    fc
      .string({ unit: 'binary', maxLength: 200 })
      .filter((text) => !parsesToObject(text))
      .map((text) => ({
        text,
        contentType: 'application/json',
        invalidBecause: garbageReason,
        kind: 'random text as JSON',
      })),
    fc.constant<BodyPlan>({
      text: '',
      contentType: 'application/json',
      invalidBecause: garbageReason,
      kind: 'empty JSON body',
    }),
    fc.constant<BodyPlan>({
      text: undefined,
      contentType: undefined,
      invalidBecause: schema?.required?.length ? 'missing body' : null,
      kind: 'no body',
    }),
    fc
      .tuple(
        fc.constantFrom(
          'text/plain',
          'application/x-www-form-urlencoded',
          'multipart/form-data; boundary=----fuzz',
          'application/xml',
          'application/octet-stream',
          'text/html',
          'application/json; charset=utf-16',
          'application/vnd.api+json',
          'application/json-patch+json',
          '*/*',
          'garbage',
        ),
        fc.oneof(fc.constant('{"subject":"x","name":"x"}'), fc.string({ maxLength: 80 })),
      )
      .map(([contentType, text]) => ({
        text,
        contentType,
        invalidBecause: garbageReason,
        kind: `wrong content-type ${contentType}`,
      })),
    fc.constant<BodyPlan>({
      text: `"${'z'.repeat(300 * 1024)}"`,
      contentType: 'application/json',
      invalidBecause: garbageReason,
      kind: 'oversized body',
    }),
    fc.constantFrom('[]', '[{}]', 'null', '0', 'true', '"text"').map((text) => ({
      text,
      contentType: 'application/json',
      invalidBecause: branches === null ? null : 'not an object',
      kind: 'JSON scalar or array',
    })),
  );
  if (schema === undefined) return ctx.clean ? noBody : fc.oneof(noBody, garbage);

  const shaped = valueFor(schema, ctx, 0);
  if (ctx.clean) return shaped.map((value) => json(value, 'clean', null));
  const mutated: fc.Arbitrary<BodyPlan> = fc.oneof(
    { weight: 8, arbitrary: shaped.map((value) => json(value, 'schema-shaped', null)) },
    {
      weight: 3,
      arbitrary: fc.tuple(shaped, fc.nat(), nastyValue).map(([value, index, nasty]) => {
        if (value === null || typeof value !== 'object' || Array.isArray(value))
          return json(nasty, 'nasty body', null);
        const record = value as Record<string, unknown>;
        const branch =
          branches?.find((b) => Object.keys(record).every((k) => b.properties?.[k] !== undefined)) ??
          branches?.[0];
        const names = Object.keys(branch?.properties ?? record);
        const name = names[index % Math.max(1, names.length)];
        if (name === undefined) return json(nasty, 'nasty body', null);
        const fieldSchema = branch?.properties?.[name];
        const body = withOwnProperty(record, name, nasty);
        const sent = asSent(body) as Record<string, unknown>;
        // Only a single-branch schema tells for sure which branch the field belongs to.
        const wrong =
          branches?.length === 1 &&
          fieldSchema !== undefined &&
          Object.hasOwn(sent, name) &&
          certainlyWrongType(sent[name], fieldSchema, ctx.resolve);
        return json(body, `field ${name} = nasty`, wrong ? `field ${name} has the wrong JSON type` : null);
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(shaped, fc.constantFrom(...UNKNOWN_FIELD_NAMES), fc.anything({ maxDepth: 1 }))
        .map(([value, name, extra]) => {
          if (value === null || typeof value !== 'object' || Array.isArray(value))
            return json(value, 'schema-shaped', null);
          const body = withOwnProperty(value as Record<string, unknown>, name, extra);
          const closed =
            branches !== null &&
            Object.hasOwn(asSent(body) as Record<string, unknown>, name) &&
            branches.every((b) => b.additionalProperties === false && b.properties?.[name] === undefined);
          return json(
            body,
            `unknown field ${JSON.stringify(name)}`,
            closed ? `unknown field ${JSON.stringify(name)}` : null,
          );
        }),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(shaped, fc.nat()).map(([value, index]) => {
        if (value === null || typeof value !== 'object' || Array.isArray(value) || branches?.length !== 1)
          return json(value, 'schema-shaped', null);
        const required = branches[0]?.required ?? [];
        const name = required[index % Math.max(1, required.length)];
        if (name === undefined) return json(value, 'schema-shaped', null);
        const { [name]: _dropped, ...rest } = value as Record<string, unknown>;
        return json(rest, `without required ${name}`, `required field ${name} missing`);
      }),
    },
    {
      weight: 1,
      arbitrary: nastyValue.map((nasty) =>
        json(
          nasty,
          'nasty body',
          branches !== null && jsonTypeOf(asSent(nasty)) !== 'object' ? 'body is not an object' : null,
        ),
      ),
    },
  );
  return fc.oneof({ weight: 6, arbitrary: mutated }, { weight: 1, arbitrary: garbage });
}

function parsesToObject(text: string): boolean {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value);
  } catch {
    return false;
  }
}

const hostileSegments = fc.constantFrom(
  '0',
  '-1',
  'null',
  'undefined',
  'NaN',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  'AAAAAAAA-AAAA-4AAA-8AAA-AAAAAAAAAAAA',
  '%',
  '%25',
  '%ZZ',
  '%ED%A0%80',
  '%00',
  '..',
  '.',
  "'%20OR%201=1--",
  'a'.repeat(201),
  'a'.repeat(5_000),
  '%F0%9F%99%82',
  '1e400',
  ' ',
);

/** `null` most of the time, a value now and then (fc.option's freq counts the other way round). */
function rarely<T>(arbitrary: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
  return fc.oneof({ weight: 7, arbitrary: fc.constant(null) }, { weight: 1, arbitrary });
}

function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return '%ED%A0%80'; // a lone surrogate, as raw bytes that are not UTF-8
  }
}

function paramArb(op: Operation, param: Parameter, ctx: GenContext): fc.Arbitrary<string> {
  const { pool } = ctx;
  const segments = op.path.split('/');
  const at = segments.indexOf(`{${param.name}}`);
  const collection = at > 0 ? (segments[at - 1] ?? '') : '';
  const known = [
    ...(pool.idsByCollection.get(collection) ?? []),
    ...(pool.byProperty.get(param.name) ?? []).filter((v): v is string => typeof v === 'string'),
  ];
  const good = known.length > 0 ? fc.constantFrom(...known).map(encodeSegment) : fc.uuid();
  const otherIds = pool.allIds.length > 0 ? fc.constantFrom(...pool.allIds) : fc.uuid();
  if (ctx.clean) return good;
  return fc.oneof(
    { weight: 10, arbitrary: good },
    { weight: 2, arbitrary: otherIds },
    { weight: 1, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: hostileSegments },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).map(encodeSegment) },
  );
}

function queryArb(op: Operation, ctx: GenContext): fc.Arbitrary<string> {
  const declared = op.parameters.filter((p) => p.in === 'query');
  const asText = (v: unknown): string => (typeof v === 'string' ? v : (JSON.stringify(v) ?? ''));
  if (ctx.clean) {
    const pairs = declared.map((p) =>
      fc.option(
        valueFor(p.schema ?? {}, ctx, 1, p.name).map((v) => [p.name, asText(v)] as const),
        { freq: 3 },
      ),
    );
    return fc.tuple(...pairs).map((list) => {
      const present = list.filter((pair) => pair !== null);
      return present.length === 0
        ? ''
        : `?${present.map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(v)}`).join('&')}`;
    });
  }
  const value = (p: Parameter): fc.Arbitrary<string> =>
    fc.oneof(
      {
        weight: 6,
        arbitrary: valueFor(p.schema ?? {}, ctx, 1, p.name).map((v) =>
          typeof v === 'string' ? v : (JSON.stringify(v) ?? ''),
        ),
      },
      {
        weight: 1,
        arbitrary: nastyValue.map((v) =>
          (typeof v === 'string' ? v.slice(0, 2_000) : (JSON.stringify(v) ?? '')).slice(0, 4_000),
        ),
      },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '',
          '0',
          '-1',
          '1e3',
          '0x10',
          '1.5',
          '9'.repeat(30),
          'true',
          'Infinity',
          'eyJhIjoxfQ',
          'bnVsbA',
          'Ww',
          '!!!',
          '%',
        ),
      },
    );
  const pairs: fc.Arbitrary<[string, string][]> = fc
    .tuple(
      ...declared.map((p) => fc.option(fc.tuple(fc.constant(p.name), value(p), fc.boolean()), { freq: 2 })),
      rarely(
        fc.tuple(
          fc.constantFrom('__fuzz', '__proto__', 'status[]', 'limit[0]', ''),
          fc.string({ maxLength: 10 }),
          fc.constant(false),
        ),
      ),
    )
    .map((entries) => {
      const out: [string, string][] = [];
      for (const entry of entries) {
        if (entry === null) continue;
        const [name, v, repeat] = entry;
        out.push([name, v]);
        if (repeat) out.push([name, v]); // a repeated key arrives as an array
      }
      return out;
    });
  return fc.oneof(
    {
      weight: 12,
      arbitrary: pairs.map((list) =>
        list.length === 0
          ? ''
          : `?${list.map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(v)}`).join('&')}`,
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '?%',
        '?a=%ZZ',
        '?&&&',
        '?=',
        '?limit=1&limit=2',
        '?__proto__[x]=1',
        `?cursor=${'A'.repeat(600)}`,
        '?status=new,,open,bogus',
        '?%ED%A0%80=1',
        `?q=${'a'.repeat(20_000)}`, // over Node's 16 KiB header limit: answered before Fastify routes
      ),
    },
  );
}

// ---------- callers ----------

interface Persona {
  readonly name: string;
  readonly headers: Record<string, string>;
  readonly anonymous: boolean;
  /** Ids of records this caller must never reach (another workspace's, another organization's); filled at set-up. */
  readonly foreignIds: Set<string>;
}

interface FuzzRequest {
  readonly persona: Persona;
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: BodyPlan;
  readonly invalidBecause: string | null;
}

function headerArb(op: Operation, ctx: GenContext): fc.Arbitrary<Record<string, string>> {
  const printable = fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''));
  const declared = op.parameters.filter((p) => p.in === 'header');
  if (ctx.clean) {
    const versions = (ctx.pool.byProperty.get('version') ?? []).filter((v) => typeof v === 'number');
    const cleanValue = (name: string) =>
      name === 'if-match' && versions.length > 0
        ? fc.constantFrom(...versions).map((v) => `"${v}"`)
        : fc.uuid();
    const cleanEntries = declared.map((p) => fc.option(cleanValue(p.name).map((v) => [p.name, v] as const)));
    return fc
      .tuple(...cleanEntries)
      .map((pairs) => Object.fromEntries(pairs.filter((pair) => pair !== null)));
  }
  const entries = declared.map((p) =>
    fc.option(
      fc.tuple(
        fc.constant(p.name),
        fc.oneof(
          { weight: 3, arbitrary: fc.uuid() },
          { weight: 3, arbitrary: fc.constantFrom('"1"', '"2"', 'W/"1"', '3') },
          { weight: 1, arbitrary: fc.constantFrom('"999999999"', '*', '"-1"', 'x'.repeat(300), '') },
          { weight: 1, arbitrary: printable },
        ),
      ),
      { freq: 2 },
    ),
  );
  const workspace = rarely(
    fc.constantFrom('consulting-sa', 'hosting-be', 'no-such-workspace', '', 'x'.repeat(300)),
  );
  return fc.tuple(fc.tuple(...entries), workspace).map(([pairs, ws]) => {
    const headers: Record<string, string> = {};
    for (const pair of pairs) if (pair !== null) headers[pair[0]] = pair[1];
    if (ws !== null) headers['x-accord-workspace'] = ws;
    return headers;
  });
}

/** Top-level body fields that hold an id (`format: uuid`, possibly nullable). */
function uuidFieldsOf(schema: JsonSchema | undefined, resolve: (s: JsonSchema) => JsonSchema): Set<string> {
  const names = new Set<string>();
  if (schema === undefined) return names;
  const root = resolve(schema);
  for (const branch of (root.anyOf ?? root.oneOf ?? [root]).map(resolve)) {
    for (const [name, raw] of Object.entries(branch.properties ?? {})) {
      const property = resolve(raw);
      const options = (property.anyOf ?? property.oneOf ?? [property]).map(resolve);
      if (options.some((o) => o.format === 'uuid')) names.add(name);
    }
  }
  return names;
}

/**
 * Tenant isolation: a path or an id field naming another tenant's record must not succeed. (Query filters may:
 * `?organizationId=<theirs>` answering an empty list is fine.)
 */
function foreignIdUsed(
  persona: Persona,
  path: string,
  body: BodyPlan,
  idFields: ReadonlySet<string>,
): string | null {
  if (persona.foreignIds.size === 0) return null;
  for (const id of path.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi) ?? []) {
    if (persona.foreignIds.has(id)) return `the path names another tenant's record ${id}`;
  }
  if (idFields.size === 0 || body.text === undefined || body.contentType !== 'application/json') return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.text);
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) {
    if (idFields.has(name) && typeof value === 'string' && persona.foreignIds.has(value)) {
      return `field ${name} names another tenant's record ${value}`;
    }
  }
  return null;
}

/** Mostly signed-in callers: an anonymous request stops at the auth hook and exercises nothing behind it. */
function personaArb(personas: readonly Persona[], clean: boolean): fc.Arbitrary<Persona> {
  const signedIn = personas.filter((p) => !p.anonymous);
  const anonymous = personas.filter((p) => p.anonymous);
  if (clean) return fc.constantFrom(...signedIn);
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...signedIn) },
    { weight: 1, arbitrary: fc.constantFrom(...anonymous) },
  );
}

/** Half the runs stay inside the published schema (to get past validation into the services), half go anywhere. */
function requestArb(
  op: Operation,
  ctx: GenContext,
  personas: readonly Persona[],
  baseUrl: string,
): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(
    requestArbIn(op, { ...ctx, clean: true }, personas, baseUrl),
    requestArbIn(op, { ...ctx, clean: false }, personas, baseUrl),
  );
}

function requestArbIn(
  op: Operation,
  ctx: GenContext,
  personas: readonly Persona[],
  baseUrl: string,
): fc.Arbitrary<FuzzRequest> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const path = fc.tuple(...pathParams.map((p) => paramArb(op, p, ctx))).map((values) => {
    let out = op.path;
    pathParams.forEach((p, i) => {
      out = out.replace(`{${p.name}}`, values[i] ?? '');
    });
    return out;
  });
  const { isPublic } = op;
  const idFields = uuidFieldsOf(op.body, ctx.resolve);
  return fc
    .tuple(personaArb(personas, ctx.clean), path, queryArb(op, ctx), headerArb(op, ctx), bodyPlans(op, ctx))
    .map(([persona, p, query, extraHeaders, body]) => {
      const headers: Record<string, string> = { ...persona.headers, ...extraHeaders };
      if (body.contentType !== undefined) headers['content-type'] = body.contentType;
      const invalidBecause =
        body.invalidBecause ??
        (persona.anonymous && !isPublic ? 'no valid credentials' : null) ??
        foreignIdUsed(persona, p, body, idFields);
      return { persona, method: op.method, url: `${baseUrl}${p}${query}`, headers, body, invalidBecause };
    });
}

interface Answer {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

async function send(request: FuzzRequest): Promise<Answer> {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body.text,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const contentType = response.headers.get('content-type') ?? '';
  // An event stream that was accepted never ends by itself: its status and type are the answer.
  if (response.ok && contentType.startsWith('text/event-stream')) {
    await response.body?.cancel();
    return { status: response.status, contentType, text: '' };
  }
  return { status: response.status, contentType, text: await response.text() };
}

function preview(text: string | undefined, max = 240): string {
  if (text === undefined) return '(none)';
  const shown = JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
  return text.length > max ? `${shown} (${text.length} chars)` : shown;
}

/** The properties every answer must hold; returns what is wrong, or null. */
function verdict(request: FuzzRequest, answer: Answer): string | null {
  if (answer.status >= 500) return `answered ${answer.status}`;
  if (answer.status >= 400) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.text);
    } catch {
      return `answered ${answer.status} with a body that is not JSON`;
    }
    const error = (parsed as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    if (typeof error?.code !== 'string' || typeof error.message !== 'string')
      return `answered ${answer.status} without { error: { code, message } }`;
    return null;
  }
  if (request.invalidBecause !== null)
    return `answered ${answer.status} although the request is invalid (${request.invalidBecause})`;
  return null;
}

function describeRequest(request: FuzzRequest, answer: Answer | undefined): string {
  const headers = Object.entries(request.headers)
    .map(([k, v]) =>
      k === 'authorization' || k === 'cookie' ? `${k}: <${request.persona.name}>` : `${k}: ${preview(v, 60)}`,
    )
    .join(', ');
  const lines = [
    `${request.method} ${preview(request.url.replace(/^http:\/\/[^/]+/, ''), 300)} as ${request.persona.name} [${request.body.kind}]`,
    `  headers: ${headers || '(none)'}`,
    `  body: ${preview(request.body.text)}`,
  ];
  if (answer !== undefined) lines.push(`  → ${answer.status} ${preview(answer.text, 300)}`);
  return lines.join('\n');
}

function errorCodeOf(answer: Answer | undefined): string {
  if (answer === undefined) return '-';
  try {
    const parsed = JSON.parse(answer.text) as { error?: { code?: unknown }; code?: unknown } | null;
    return String(parsed?.error?.code ?? parsed?.code ?? answer.status);
  } catch {
    return String(answer.status);
  }
}

/** The message and the first frames of a pino error line. */
function errorSummary(line: string): string {
  try {
    const entry = JSON.parse(line) as { msg?: string; err?: { message?: string; stack?: string } };
    const frames = (entry.err?.stack ?? '')
      .split('\n')
      .filter((l) => l.includes('/src/'))
      .slice(0, 3)
      .map((l) => l.trim());
    return `${entry.msg ?? ''}: ${entry.err?.message ?? ''} ${frames.join(' < ')}`.trim();
  } catch {
    return line.slice(0, 300);
  }
}

function seedFor(operationKey: string): number {
  let hash = BASE_SEED | 0;
  for (const ch of operationKey) hash = (Math.imul(hash, 31) + ch.charCodeAt(0)) | 0;
  return hash;
}

// ---------- the suites ----------

interface Harness {
  readonly testDb: TestDatabase;
  readonly app: FastifyInstance;
  readonly baseUrl: string;
  readonly personas: Persona[];
  readonly operations: Operation[];
  readonly ctx: GenContext;
  /** Error lines the server logged (a 5xx's cause), drained after each request. */
  readonly serverErrors: string[];
}

async function json<T>(response: Response, what: string): Promise<T> {
  if (!response.ok)
    throw new Error(`fuzz set-up: ${what} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as T;
}

async function login(baseUrl: string, email: string): Promise<{ token: string; userId: string }> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  return json(response, `login ${email}`);
}

async function startHarness(dialect: (typeof DIALECTS)[number]): Promise<Harness> {
  const testDb = await createTestDatabase(dialect);
  await seedDemo(testDb.handle.db, NOW_MS);
  const serverErrors: string[] = [];
  const { app } = await buildApp({
    database: testDb.handle,
    clock: new ManualClock(NOW_MS),
    logger: { level: 'error', stream: { write: (line: string) => void serverErrors.push(line) } },
  });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const baseUrl = address.replace('localhost', '127.0.0.1');

  const doc = await json<OpenApiDocument>(await fetch(`${baseUrl}/api/v1/openapi.json`), 'openapi.json');
  const published = operationsOf(doc);
  const operations = published.filter((op) => ONLY === undefined || op.key.includes(ONLY));

  const admin = await login(baseUrl, 'admin@demo.test');
  const agent = await login(baseUrl, 'agent@hosting.demo.test');
  const client = await login(baseUrl, 'client.pro@hosting.demo.test');
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
  // Filled once the ids of both workspaces are known (below).
  const agentForeign = new Set<string>();
  const clientForeign = new Set<string>();
  const personas: Persona[] = [
    {
      name: 'admin',
      headers: { ...bearer(admin.token), 'x-accord-workspace': 'hosting-be' },
      anonymous: false,
      foreignIds: new Set(),
    },
    { name: 'agent', headers: bearer(agent.token), anonymous: false, foreignIds: agentForeign },
    { name: 'client', headers: bearer(client.token), anonymous: false, foreignIds: clientForeign },
    { name: 'anonymous', headers: {}, anonymous: true, foreignIds: new Set() },
    {
      name: 'bad bearer',
      headers: { authorization: 'Bearer not-a-real-token' },
      anonymous: true,
      foreignIds: new Set(),
    },
    {
      name: 'malformed authorization',
      headers: { authorization: 'Basic YWRtaW46YWRtaW4=' },
      anonymous: true,
      foreignIds: new Set(),
    },
    {
      name: 'bad session cookie',
      headers: { cookie: 'accord_session=forged' },
      anonymous: true,
      foreignIds: new Set(),
    },
  ];

  const pool: Pool = { byProperty: new Map(), idsByCollection: new Map(), allIds: [] };
  const asAdmin = (workspace: string) => ({ ...bearer(admin.token), 'x-accord-workspace': workspace });
  // An attachment, so the download route has something real to find.
  const firstTicket = await json<{ items: { id: string }[] }>(
    await fetch(`${baseUrl}/api/v1/tickets`, { headers: bearer(agent.token) }),
    'list tickets',
  );
  const ticketId = firstTicket.items[0]?.id;
  if (ticketId !== undefined) {
    await fetch(`${baseUrl}/api/v1/tickets/${ticketId}/attachments`, {
      method: 'POST',
      headers: { ...bearer(agent.token), 'content-type': 'application/json' },
      body: JSON.stringify({
        filename: 'notes.txt',
        contentType: 'text/plain',
        contentBase64: Buffer.from('hello').toString('base64'),
      }),
    });
  }
  // Learn from every list in both workspaces, then from every one-id read with the ids found (quotes, attachments…).
  const idsOf: Record<string, Set<string>> = { 'hosting-be': new Set(), 'consulting-sa': new Set() };
  for (const workspace of ['hosting-be', 'consulting-sa']) {
    for (const op of published.filter((o) => o.method === 'GET' && !o.path.includes('{'))) {
      const response = await fetch(`${baseUrl}${op.path}`, { headers: asAdmin(workspace) });
      if (response.ok && (response.headers.get('content-type') ?? '').includes('json')) {
        const body: unknown = await response.json();
        learn(pool, op.path.split('/').pop() ?? '', body);
        collectIds(body, idsOf[workspace] ?? new Set());
      }
    }
  }
  for (const workspace of ['hosting-be', 'consulting-sa']) {
    for (const op of published.filter(
      (o) => o.method === 'GET' && (o.path.match(/\{/g) ?? []).length === 1,
    )) {
      const collection = op.path.split('/').at(-2) ?? '';
      for (const id of (pool.idsByCollection.get(collection) ?? []).slice(0, 8)) {
        const response = await fetch(`${baseUrl}${op.path.replace(/\{\w+\}/, encodeURIComponent(id))}`, {
          headers: asAdmin(workspace),
        });
        if (response.ok && (response.headers.get('content-type') ?? '').includes('json')) {
          const body: unknown = await response.json();
          learn(pool, op.path.split('/').pop() ?? '', body);
          collectIds(body, idsOf[workspace] ?? new Set());
        }
      }
    }
  }
  // Another workspace's records are foreign to the hosting agent and client; other organizations' to the client too.
  for (const id of idsOf['consulting-sa'] ?? []) {
    if (!idsOf['hosting-be']?.has(id)) {
      agentForeign.add(id);
      clientForeign.add(id);
    }
  }
  const me = await json<{ memberships: { organizationId: string | null }[] }>(
    await fetch(`${baseUrl}/api/v1/me`, { headers: bearer(client.token) }),
    'client /me',
  );
  const clientOrgId = me.memberships[0]?.organizationId;
  const hostingTickets = await json<{ items: { id: string; organizationId: string }[] }>(
    await fetch(`${baseUrl}/api/v1/tickets?limit=100`, { headers: asAdmin('hosting-be') }),
    'hosting tickets',
  );
  for (const t of hostingTickets.items) {
    if (t.organizationId !== clientOrgId) clientForeign.add(t.id);
  }
  const hostingOrgs = await json<{ items: { id: string }[] }>(
    await fetch(`${baseUrl}/api/v1/organizations`, { headers: asAdmin('hosting-be') }),
    'hosting organizations',
  );
  for (const o of hostingOrgs.items) if (o.id !== clientOrgId) clientForeign.add(o.id);

  // The personas' own accounts stay out of the id pool: disabling or demoting them would only blind the rest of the run.
  const ownUserIds = [admin.userId, agent.userId, client.userId];
  const allIds = pool.allIds.filter((id) => !ownUserIds.includes(id));
  pool.allIds.splice(0, pool.allIds.length, ...allIds);
  for (const [key, ids] of pool.idsByCollection)
    pool.idsByCollection.set(
      key,
      ids.filter((id) => !ownUserIds.includes(id)),
    );
  for (const [key, values] of pool.byProperty)
    pool.byProperty.set(
      key,
      values.filter((v) => typeof v !== 'string' || !ownUserIds.includes(v)),
    );

  const vocabulary = [
    ...new Set(
      [...pool.byProperty.values()]
        .flat()
        .filter((v): v is string => typeof v === 'string' && v.length <= 64),
    ),
  ];
  const resolve = resolver(doc);
  return {
    testDb,
    app,
    baseUrl,
    personas,
    operations,
    ctx: { resolve, pool, vocabulary, clean: false },
    serverErrors,
  };
}

/** A fresh token for the caller, for operations that revoke the one they are called with. */
async function disposableHeaders(h: Harness, persona: Persona): Promise<Record<string, string>> {
  if (persona.anonymous) return persona.headers;
  const response = await fetch(`${h.baseUrl}/api/v1/tokens`, {
    method: 'POST',
    headers: { ...persona.headers, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'fuzz-disposable' }),
  });
  const { token } = await json<{ token: string }>(response, 'create disposable token');
  return { ...persona.headers, authorization: `Bearer ${token}` };
}

// ---------- edge values, one field at a time, in requests that otherwise succeed ----------

/** Values at the edges of what a field's type allows: they pass validation and must then survive the database. */
function edgeValuesFor(
  rawSchema: JsonSchema,
  resolve: (s: JsonSchema) => JsonSchema,
  foreign: readonly string[],
): unknown[] {
  const schema = resolve(rawSchema);
  const options = (schema.anyOf ?? schema.oneOf ?? [schema]).map(resolve);
  // Deep nesting in any field: whatever walks the body before the schema refuses it must not recurse.
  const out: unknown[] = ['__RAW_DEEP_ARRAY__'];
  for (const option of options) {
    const type = typesOf(option)[0];
    if (option.enum !== undefined || option.const !== undefined) continue;
    if (type === 'string' && option.format === 'uuid')
      out.push('00000000-0000-0000-0000-000000000000', ...foreign.slice(0, 2));
    else if (type === 'string' && option.format === undefined && option.pattern === undefined) {
      const max = option.maxLength ?? 10_000;
      out.push(
        'a\u0000b',
        'x\ud800y',
        'é'.repeat(Math.min(max, 5_000)),
        '🙂'.repeat(Math.max(1, Math.floor(Math.min(max, 5_000) / 2))),
        'O\'Brien"; --',
      );
    } else if (type === 'integer' || type === 'number') {
      out.push(option.maximum ?? 2 ** 53 - 1, option.minimum ?? -(2 ** 53 - 1), 2 ** 31, 2 ** 31 - 1);
    } else if (type === 'array' && option.items !== undefined) {
      const item = resolve(option.items);
      if (typesOf(item)[0] === 'string' && item.pattern === undefined)
        out.push(
          ['a\u0000b'],
          Array.from({ length: option.maxItems ?? 50 }, (_, i) => `t${i}`),
        );
      else if (typesOf(item)[0] === 'string')
        out.push(Array.from({ length: option.maxItems ?? 50 }, (_, i) => `t${i}`));
    }
  }
  return out;
}

/** The request as generated, with only its required fields, and with the required ones plus one optional field. */
function bodyVariants(request: FuzzRequest, schema: JsonSchema): FuzzRequest[] {
  if (request.body.text === undefined) return [request];
  const body = JSON.parse(request.body.text) as Record<string, unknown>;
  const required = new Set(schema.required ?? []);
  const requiredOnly = Object.fromEntries(Object.entries(body).filter(([k]) => required.has(k)));
  const optional = Object.keys(body)
    .filter((k) => !required.has(k))
    .slice(0, 3);
  const bodies = [body, requiredOnly, ...optional.map((k) => ({ ...requiredOnly, [k]: body[k] }))];
  return bodies.map((b) => ({ ...request, body: { ...request.body, text: serialize(b) } }));
}

interface SweepResult {
  readonly problems: Map<string, string>;
  readonly reached: string[];
  readonly unreached: string[];
  requests: number;
}

/**
 * For each operation with a JSON body and each signed-in persona: find a clean request that succeeds, then resend it
 * with one top-level field set to each of its edge values. Random fuzzing rarely pairs a request that reaches the
 * database with exactly the value the database refuses; this pass does, deterministically.
 */
async function sweepEdgeValues(h: Harness, dialect: string): Promise<SweepResult> {
  const result: SweepResult = { problems: new Map(), reached: [], unreached: [], requests: 0 };
  const cleanCtx: GenContext = { ...h.ctx, clean: true };
  for (const op of h.operations.filter(
    (o) => o.body !== undefined && !o.isPublic && !SELF_REVOKING.has(`${o.method} ${o.path}`),
  )) {
    const branches = objectBranches(op.body ?? {}, h.ctx.resolve);
    if (branches?.length !== 1 || branches[0] === undefined) continue;
    const properties = Object.entries(branches[0].properties ?? {});
    for (const persona of h.personas.filter((p) => !p.anonymous)) {
      const candidates = fc.sample(requestArbIn(op, cleanCtx, [persona], h.baseUrl), {
        seed: seedFor(`${op.key} ${persona.name}`),
        numRuns: 20,
      });
      let base: FuzzRequest | undefined;
      const refusals = new Map<string, number>();
      search: for (const candidate of candidates) {
        for (const variant of bodyVariants(candidate, branches[0])) {
          result.requests++;
          const answer = await send(variant).catch(() => undefined);
          h.serverErrors.splice(0);
          const code = answer === undefined ? 'no answer' : errorCodeOf(answer);
          refusals.set(code, (refusals.get(code) ?? 0) + 1);
          if (answer !== undefined && answer.status >= 200 && answer.status < 300) {
            base = variant;
            break search;
          }
          // A role that may not do this at all answers 403 to everything: no point searching on.
          if (refusals.size === 1 && (refusals.get('FORBIDDEN') ?? 0) >= 5) break search;
        }
      }
      if (base === undefined || base.body.text === undefined) {
        const why = [...refusals].map(([code, n]) => `${code}×${n}`).join(' ');
        result.unreached.push(`${op.key} as ${persona.name} (${why})`);
        continue;
      }
      result.reached.push(`${op.key} as ${persona.name}`);
      const baseBody = JSON.parse(base.body.text) as Record<string, unknown>;
      for (const [name, fieldSchema] of properties) {
        for (const value of edgeValuesFor(fieldSchema, h.ctx.resolve, [...persona.foreignIds])) {
          const body: BodyPlan = {
            ...base.body,
            text: serialize({ ...baseBody, [name]: value }),
            kind: `edge value in ${name}`,
          };
          const request: FuzzRequest = { ...base, body, invalidBecause: null };
          result.requests++;
          let answer: Answer | undefined;
          let problem: string | null;
          try {
            answer = await send(request);
            problem = verdict(request, answer);
          } catch (error) {
            problem = `no answer (${error instanceof Error ? error.message : String(error)})`;
          }
          const logged = h.serverErrors.splice(0).map(errorSummary).join(' | ');
          if (problem === null) continue;
          const signature = `${op.key} | ${name} | ${problem} | ${errorCodeOf(answer)}`;
          if (result.problems.has(signature)) continue;
          result.problems.set(
            signature,
            `[${dialect}] ${op.key}: ${problem}${logged === '' ? '' : `; server logged: ${logged}`}\n${describeRequest(request, answer)}`,
          );
        }
      }
    }
  }
  return result;
}

describe('fuzz verdict', () => {
  const request = (invalidBecause: string | null): FuzzRequest => ({
    persona: { name: 'agent', headers: {}, anonymous: false, foreignIds: new Set() },
    method: 'POST',
    url: 'http://127.0.0.1/api/v1/tickets',
    headers: {},
    body: { text: '{', contentType: 'application/json', invalidBecause, kind: 'malformed JSON' },
    invalidBecause,
  });
  const answer = (status: number, text: string): Answer => ({
    status,
    contentType: 'application/json',
    text,
  });
  const shaped = JSON.stringify({ error: { code: 'MALFORMED_JSON', message: 'bad' } });

  it.each([
    ['a 500', request(null), answer(500, shaped), 'answered 500'],
    ['a 4xx that is not JSON', request(null), answer(400, 'Bad Request'), 'not JSON'],
    [
      'a 4xx in Fastify’s default shape',
      request(null),
      answer(400, JSON.stringify({ error: 'Bad Request', code: 'X', message: 'm' })),
      'without { error',
    ],
    [
      'a 2xx for a garbage body',
      request('garbage body'),
      answer(201, '{}'),
      'although the request is invalid',
    ],
  ])('flags %s', (_name, req, ans, expected) => {
    expect(verdict(req, ans)).toContain(expected);
  });

  it.each([
    ['a shaped 4xx', request('garbage body'), answer(400, shaped)],
    ['a 2xx for a valid request', request(null), answer(201, '{}')],
  ])('accepts %s', (_name, req, ans) => {
    expect(verdict(req, ans)).toBeNull();
  });
});

for (const dialect of DIALECTS) {
  describeDialect(dialect, 'fuzz every published operation', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(dialect);
    });
    afterAll(async () => {
      await h?.app.close();
      await h?.testDb.drop();
    });

    it('publishes the operations the fuzzer is driven by', () => {
      expect(h.operations.length).toBeGreaterThan(ONLY === undefined ? 20 : 0);
      expect(h.operations.map((o) => o.key)).toEqual(
        expect.arrayContaining(
          ONLY === undefined
            ? ['POST /api/v1/tickets', 'PATCH /api/v1/tickets/:id', 'POST /api/v1/auth/login']
            : [],
        ),
      );
    });

    it(
      'never answers 5xx, answers every 4xx as { error: { code, message } }, and refuses certainly invalid input',
      { timeout: 120_000 },
      async () => {
        // Every distinct problem is kept (not just the first): one bad-URL bug must not hide a 500 elsewhere.
        const problems = new Map<string, string>();
        let requests = 0;
        for (const op of h.operations) {
          const seed = seedFor(op.key);
          const selfRevoking = SELF_REVOKING.has(`${op.method} ${op.path}`);
          let runIndex = 0;
          const statuses = new Map<string, number>();
          const details = await fc.check(
            fc.asyncProperty(requestArb(op, h.ctx, h.personas, h.baseUrl), async (request) => {
              const run = runIndex++;
              const sent = selfRevoking
                ? {
                    ...request,
                    headers: { ...request.headers, ...(await disposableHeaders(h, request.persona)) },
                  }
                : request;
              requests++;
              let answer: Answer | undefined;
              let problem: string | null;
              try {
                answer = await send(sent);
                const invalid =
                  sent.invalidBecause === null
                    ? ''
                    : ` (${sent.invalidBecause.split(' ').slice(0, 3).join(' ')}…)`;
                const label = `${answer.status}${answer.status >= 400 ? ` ${errorCodeOf(answer)}` : ''}${invalid}`;
                statuses.set(label, (statuses.get(label) ?? 0) + 1);
                problem = verdict(sent, answer);
                const logged = h.serverErrors.splice(0).map(errorSummary).join(' | ');
                if (problem !== null && logged !== '') problem = `${problem}; server logged: ${logged}`;
              } catch (error) {
                problem = `no answer (${error instanceof Error ? error.message : String(error)})`;
              }
              if (problem === null) return;
              const signature = `${op.key} | ${problem.split('; server logged')[0]?.replace(/\(.*\)$/, '')} | ${errorCodeOf(answer)}`;
              if (problems.has(signature)) return;
              const replay = `replay: ACCORD_FUZZ_SEED=${BASE_SEED} ACCORD_FUZZ_ONLY='${op.key}' ACCORD_FUZZ_PATH=${ONLY_PATH ?? run}`;
              problems.set(
                signature,
                `${op.key}: ${problem}\n  (${replay})\n${describeRequest(sent, answer)}`,
              );
            }),
            { seed, numRuns: RUNS_PER_OPERATION, ...(ONLY_PATH === undefined ? {} : { path: ONLY_PATH }) },
          );
          if (PRINT_STATS) {
            const counts = [...statuses].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}×${n}`);
            console.error(`[fuzz ${dialect}] ${op.key}: ${counts.join(', ')}`);
          }
          // The property itself never throws; a failed check means fast-check or the harness broke.
          if (details.failed)
            throw new Error(`fuzz harness failed on ${op.key}: ${String(details.errorInstance)}`);
        }
        const report = [...problems.values()].join('\n\n');
        if (problems.size > 0)
          console.error(
            `[fuzz ${dialect}] ${problems.size} distinct problem(s) in ${requests} requests:\n\n${report}`,
          );
        expect([...problems.keys()], report).toEqual([]);
        if (ONLY_PATH === undefined)
          expect(requests).toBeGreaterThanOrEqual(h.operations.length * RUNS_PER_OPERATION);
      },
    );
    it('answers a method a path does not declare with a shaped 4xx', async () => {
      const problems: string[] = [];
      const declared = new Map<string, Set<string>>();
      for (const op of h.operations)
        declared.set(op.path, (declared.get(op.path) ?? new Set()).add(op.method));
      const agent = h.personas.find((p) => p.name === 'agent') ?? h.personas[0];
      for (const [path, methods] of declared) {
        const concrete = path.replace(/\{\w+\}/g, '00000000-0000-4000-8000-000000000000');
        for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
          if (methods.has(method)) continue;
          const request: FuzzRequest = {
            persona: agent ?? { name: 'agent', headers: {}, anonymous: false, foreignIds: new Set() },
            method,
            url: `${h.baseUrl}${concrete}`,
            headers: { ...agent?.headers, 'content-type': 'application/json' },
            body: {
              text: method === 'GET' ? undefined : '{}',
              contentType: 'application/json',
              invalidBecause: null,
              kind: 'undeclared method',
            },
            invalidBecause: 'the path does not declare this method',
          };
          const answer = await send(request);
          const problem = verdict(request, answer);
          if (problem !== null)
            problems.push(`${method} ${path}: ${problem}\n${describeRequest(request, answer)}`);
        }
      }
      expect(problems, problems.join('\n\n')).toEqual([]);
    });

    it(
      'survives edge values in every field of requests that otherwise succeed',
      { timeout: 120_000 },
      async () => {
        const result = await sweepEdgeValues(h, dialect);
        if (PRINT_STATS)
          console.error(
            `[fuzz ${dialect}] edge sweep: ${result.requests} requests; reached ${result.reached.length}: ${result.reached.join('; ')}; no clean success for: ${result.unreached.join('; ')}`,
          );
        const report = [...result.problems.values()].join('\n\n');
        if (result.problems.size > 0)
          console.error(
            `[fuzz ${dialect}] edge sweep: ${result.problems.size} distinct problem(s):\n\n${report}`,
          );
        expect([...result.problems.keys()], report).toEqual([]);
        // The sweep is only worth something if clean requests get through; a server change that blocks them all shows here.
        if (ONLY === undefined) expect(result.reached.length).toBeGreaterThan(5);
      },
    );
  });
}
