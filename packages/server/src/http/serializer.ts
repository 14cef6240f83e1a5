import type { FastifySerializerCompiler } from 'fastify';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

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

/** A writer producing `JSON.stringify(schema.parse(value))` for a valid value, or null where zod must do it. */
export function fastResponseWriter(schema: z.core.$ZodType): Serialize | null {
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
      return (def.checks ?? []).some((c) => c._zod.def.check === 'overwrite') ? null : writeJson;
    case 'nullable': {
      const inner = fastResponseWriter((def as z.core.$ZodNullableDef).innerType);
      return inner === null ? null : (value) => (value === null ? 'null' : inner(value));
    }
    case 'array': {
      const element = fastResponseWriter((def as z.core.$ZodArrayDef).element);
      if (element === null) return null;
      return (value) => {
        const items = value as unknown[];
        let out = '[';
        for (let i = 0; i < items.length; i++) out += (i === 0 ? '' : ',') + element(items[i]);
        return `${out}]`;
      };
    }
    case 'record': {
      const recordDef = def as z.core.$ZodRecordDef;
      const valueType = recordDef.valueType._zod.def.type;
      const keyType = recordDef.keyType._zod.def.type;
      // Free-form data (an event's payload): zod copies it as it is.
      return keyType === 'string' && (valueType === 'unknown' || valueType === 'any') ? writeJson : null;
    }
    case 'object':
      return objectWriter(def as z.core.$ZodObjectDef);
    default:
      return null;
  }
}

function objectWriter(def: z.core.$ZodObjectDef): Serialize | null {
  // Only the stripping kind of object: a catch-all (loose or strict) keeps or refuses unknown keys instead.
  if (def.catchall !== undefined) return null;
  const fields: { key: string; prefix: string; write: Serialize }[] = [];
  for (const [key, field] of Object.entries(def.shape)) {
    const fieldDef = field._zod.def;
    const optional = fieldDef.type === 'optional';
    const write = fastResponseWriter(optional ? (fieldDef as z.core.$ZodOptionalDef).innerType : field);
    if (write === null) return null;
    fields.push({ key, prefix: `${JSON.stringify(key)}:`, write });
  }
  return (value) => {
    const record = value as Record<string, unknown>;
    let out = '{';
    let first = true;
    for (const field of fields) {
      const v = record[field.key];
      // As JSON.stringify does (zod lets only keys that accept undefined be undefined).
      if (v === undefined) continue;
      out += (first ? '' : ',') + field.prefix + field.write(v);
      first = false;
    }
    return `${out}}`;
  };
}
