import type { FastifySerializerCompiler } from 'fastify';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isDeepFrozen } from '../deep-frozen.ts';

type Serialize = (value: unknown) => string;
type ZodSchemaLike = Parameters<typeof zodSerializerCompiler>[0]['schema'];

/**
 * Response serialization without re-validating every answer through zod (a third of the cost of a ticket list).
 * Handlers return DTOs the type checker already holds to the response schemas; what the zod serializer still did
 * at run time was keep only the declared keys, which this does too: an object is written key by key from its
 * schema, so a field a service adds by mistake (a password hash, say) never reaches the client. Schemas it does
 * not know how to write (unions, transforms, defaults…) go through the zod serializer as before.
 *
 * `verify` (on under tests) serializes every answer both ways and fails on any difference, so the whole suite checks
 * that this writes exactly the JSON the zod serializer would, and that every answer matches its schema.
 */
export function createResponseSerializerCompiler({
  verify,
}: {
  verify: boolean;
}): FastifySerializerCompiler<ZodSchemaLike> {
  return (route) => {
    const viaZod = zodSerializerCompiler(route);
    const schema = schemaOf(route.schema);
    const fast = schema === null ? null : fastResponseWriter(schema);
    if (fast === null) return viaZod;
    if (!verify) return fast;
    return (value) => {
      const expected = viaZod(value);
      const actual = fast(value);
      if (actual !== expected) {
        throw new Error(
          `response serializer of ${route.method} ${route.url} (${route.httpStatus}) wrote ${actual}, zod wrote ${expected}`,
        );
      }
      return actual;
    };
  };
}

function schemaOf(maybeSchema: unknown): z.core.$ZodType | null {
  if (maybeSchema instanceof z.core.$ZodType) return maybeSchema;
  if (typeof maybeSchema === 'object' && maybeSchema !== null && 'properties' in maybeSchema) {
    const inner = (maybeSchema as { properties: unknown }).properties;
    if (inner instanceof z.core.$ZodType) return inner;
  }
  return null;
}

const writeJson: Serialize = (value) => JSON.stringify(value) ?? 'null';

/** Keeps what the schema declares, in its order; `same`: the value is written as it is. */
type Projection = ((value: unknown) => unknown) | 'same';

interface Node {
  readonly write: Serialize;
  readonly project: Projection;
  /** Holds objects below its top (an array of objects, an object field): what a frozen value's JSON is kept for. */
  readonly nested: boolean;
}

/**
 * A writer producing `JSON.stringify(schema.parse(value))` for a valid value, or null where zod must do it.
 *
 * An object is copied into a plain object holding only the declared keys, in the schema's order, and written by one
 * `JSON.stringify`: V8 then writes it natively, where writing field by field cost more. The JSON of an object
 * frozen with `freezeDeep` is kept (per schema, as long as the object lives): a service that hands out the same
 * frozen DTO while nothing it shows changes has it written once. An object holding such objects (a page of tickets)
 * is written by joining its fields' JSON, so that each frozen element's comes from there.
 */
export function fastResponseWriter(schema: z.core.$ZodType): Serialize | null {
  return node(schema)?.write ?? null;
}

/**
 * One node per schema object, shared by every route that answers with it: a ticket's kept JSON is then kept once,
 * whichever of the routes that return tickets wrote it first.
 */
const nodes = new WeakMap<z.core.$ZodType, Node | null>();

function node(schema: z.core.$ZodType): Node | null {
  let found = nodes.get(schema);
  if (found === undefined) {
    found = buildNode(schema);
    nodes.set(schema, found);
  }
  return found;
}

function buildNode(schema: z.core.$ZodType): Node | null {
  const def = schema._zod.def;
  switch (def.type) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'enum':
    case 'literal':
    case 'null':
    case 'unknown':
    case 'any':
      // A check that rewrites the value (trim, toLowerCase…) would change the output.
      return (def.checks ?? []).some((c) => c._zod.def.check === 'overwrite') ? null : SAME;
    case 'nullable': {
      const inner = node((def as z.core.$ZodNullableDef).innerType);
      if (inner === null || inner.project === 'same') return inner;
      const project = inner.project;
      return {
        write: (value) => (value === null ? 'null' : inner.write(value)),
        project: (value) => (value === null ? null : project(value)),
        nested: inner.nested,
      };
    }
    case 'array':
      return arrayNode((def as z.core.$ZodArrayDef).element);
    case 'record': {
      const recordDef = def as z.core.$ZodRecordDef;
      const valueType = recordDef.valueType._zod.def.type;
      const keyType = recordDef.keyType._zod.def.type;
      // Free-form data (an event's payload): zod copies it as it is.
      return keyType === 'string' && (valueType === 'unknown' || valueType === 'any') ? SAME : null;
    }
    case 'object':
      return objectNode(def as z.core.$ZodObjectDef);
    default:
      return null;
  }
}

const SAME: Node = { write: writeJson, project: 'same', nested: false };

/** JSON longer than this is not kept: a ticket with a 20,000-character description is written each time. */
export const MAX_KEPT_JSON_CHARS = 16_384;

function arrayNode(elementSchema: z.core.$ZodType): Node | null {
  const element = node(elementSchema);
  if (element === null) return null;
  if (element.project === 'same') return SAME;
  const projectElement = element.project;
  const project = (value: unknown): unknown => {
    const items = value as unknown[];
    const out = new Array<unknown>(items.length);
    for (let i = 0; i < items.length; i++) out[i] = projectElement(items[i]);
    return out;
  };
  const writeElement = element.write;
  return {
    write: (value) => {
      const items = value as unknown[];
      let out = '[';
      for (let i = 0; i < items.length; i++) out += (i === 0 ? '' : ',') + writeElement(items[i]);
      return `${out}]`;
    },
    project,
    nested: true,
  };
}

function objectNode(def: z.core.$ZodObjectDef): Node | null {
  // Only the stripping kind of object: a catch-all (loose or strict) keeps or refuses unknown keys instead.
  if (def.catchall !== undefined) return null;
  const fieldNodes: Node[] = [];
  const keys: string[] = [];
  for (const [key, field] of Object.entries(def.shape)) {
    const fieldDef = field._zod.def;
    const optional = fieldDef.type === 'optional';
    const fieldNode = node(optional ? (fieldDef as z.core.$ZodOptionalDef).innerType : field);
    if (fieldNode === null) return null;
    fieldNodes.push(fieldNode);
    keys.push(key);
  }
  const project = generatedProjection(keys, fieldNodes);
  const nested = fieldNodes.some((n) => n.project !== 'same');
  const whole: Serialize = (value) => JSON.stringify(project(value));
  // Objects holding objects: each field's own writer, so that a frozen element's kept JSON is used.
  const joined: Serialize | null = fieldNodes.some((n) => n.nested) ? joinedWriter(keys, fieldNodes) : null;
  const holders = keys.filter((_, i) => fieldNodes[i]!.nested);
  // Joining costs more than one JSON.stringify: worth it only when there is kept JSON to join.
  const holdsFrozen = (value: unknown): boolean => {
    const record = value as Record<string, unknown>;
    for (const key of holders) {
      const v = record[key];
      if (isDeepFrozen(v) || (Array.isArray(v) && isDeepFrozen(v[0]))) return true;
    }
    return false;
  };
  const kept = new WeakMap<object, string>();
  return {
    write: (value) => {
      if (isDeepFrozen(value)) {
        let json = kept.get(value as object);
        if (json === undefined) {
          json = whole(value);
          // A large value is cheap to write again next to what keeping a second copy of it costs in memory.
          if (json.length <= MAX_KEPT_JSON_CHARS) kept.set(value as object, json);
        }
        return json;
      }
      return joined !== null && holdsFrozen(value) ? joined(value) : whole(value);
    },
    project,
    nested,
  };
}

/**
 * The projection of one object schema, generated as fast-json-stringify generates its writers: every object it makes
 * then has one shape, and each read is of a fixed key, which one closure shared by every schema cannot offer (its
 * reads see every shape). The code holds only the schema's own key names, quoted by JSON.stringify, never a value.
 */
function generatedProjection(
  keys: readonly string[],
  fieldNodes: readonly Node[],
): (value: unknown) => unknown {
  const nested: ((value: unknown) => unknown)[] = [];
  const fields = keys.map((key, i) => {
    const read = `v[${JSON.stringify(key)}]`;
    const project = fieldNodes[i]!.project;
    if (project === 'same') return `${JSON.stringify(key)}: ${read}`;
    nested.push(project);
    // Undefined stays undefined: JSON.stringify then leaves the key out, as it does of zod's output.
    return `${JSON.stringify(key)}: ${read} === undefined ? undefined : p${nested.length - 1}(${read})`;
  });
  const factory = new Function(
    ...nested.map((_, i) => `p${i}`),
    `return function project(v) { return { ${fields.join(', ')} }; };`,
  ) as (...projections: ((value: unknown) => unknown)[]) => (value: unknown) => unknown;
  return factory(...nested);
}

/** Field by field, each with its own writer; a field left undefined is left out, as JSON.stringify does. */
function joinedWriter(keys: readonly string[], fieldNodes: readonly Node[]): Serialize {
  const prefixes = keys.map((key) => `${JSON.stringify(key)}:`);
  return (value) => {
    const record = value as Record<string, unknown>;
    let out = '{';
    let first = true;
    for (let i = 0; i < keys.length; i++) {
      const v = record[keys[i]!];
      if (v === undefined) continue;
      out += (first ? '' : ',') + prefixes[i]! + fieldNodes[i]!.write(v);
      first = false;
    }
    return `${out}}`;
  };
}
