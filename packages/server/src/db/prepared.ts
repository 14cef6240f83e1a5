import type { Compilable, CompiledQuery, QueryResult, RootOperationNode } from 'kysely';
import { READ_CACHE_MARK, type Db } from './database.ts';

/**
 * Hot queries are built and compiled once per shape instead of on every request: Kysely's builder and compiler cost
 * most of what a short SQLite read costs, the SQL they produce for a shape never changes, and only the bound
 * values do. A shape is built with placeholders standing for its values; each execution binds the real values in
 * their places. Works on every dialect: the template is compiled by the dialect that runs it.
 *
 * Rule for callers: every value that varies between calls goes through a placeholder (or changes the shape key);
 * anything else written into the builder is frozen into the shape on first use.
 */
export interface Placeholders {
  /** Stands for `params[name]`. */
  <T>(name: string): T;
  /** Stands for the `count` elements of the array `params[name]` (e.g. an `in (…)` list; the count is part of the shape). */
  list<T>(name: string, count: number): T[];
}

type Params = Readonly<Record<string, unknown>>;

interface Slot {
  readonly name: string;
  /** Position in an array parameter, or -1 for a scalar. */
  readonly index: number;
}

interface Template {
  readonly sql: string;
  readonly query: RootOperationNode;
  /** Per compiled parameter: the slot it binds, or the constant it keeps. */
  readonly slots: readonly (Slot | { readonly constant: unknown })[];
}

// NUL never occurs in a real value the API lets through (the text guard refuses it), so a sentinel cannot collide.
const SENTINEL = '\u0000accord-placeholder\u0000';

function placeholderString(name: string, index: number): string {
  return `${SENTINEL}${name}\u0000${index}`;
}

const placeholders: Placeholders = Object.assign(<T>(name: string): T => placeholderString(name, -1) as T, {
  list: <T>(name: string, count: number): T[] =>
    Array.from({ length: count }, (_, i) => placeholderString(name, i) as T),
});

function slotOf(value: unknown): Slot | null {
  if (typeof value !== 'string' || !value.startsWith(SENTINEL)) return null;
  const rest = value.slice(SENTINEL.length);
  const cut = rest.lastIndexOf('\u0000');
  return { name: rest.slice(0, cut), index: Number(rest.slice(cut + 1)) };
}

function templateOf(compiled: CompiledQuery, shape: string): Template {
  // A placeholder written into the SQL text itself (sql.lit, an identifier) could never be bound.
  if (compiled.sql.includes(SENTINEL))
    throw new Error(`prepared query ${shape}: a placeholder ended up in the SQL text, not in a parameter`);
  return {
    sql: compiled.sql,
    query: compiled.query,
    slots: compiled.parameters.map((value) => slotOf(value) ?? { constant: value }),
  };
}

function bind(template: Template, shape: string, params: Params): unknown[] {
  const values = new Array<unknown>(template.slots.length);
  for (let i = 0; i < template.slots.length; i++) {
    const slot = template.slots[i]!;
    if ('constant' in slot) {
      values[i] = slot.constant;
      continue;
    }
    const raw = params[slot.name];
    const value = slot.index < 0 ? raw : Array.isArray(raw) ? (raw as unknown[])[slot.index] : undefined;
    // A missing value would bind as NULL on one dialect and fail on the other: a bug, caught on both.
    if (value === undefined) throw new Error(`prepared query ${shape}: no value for '${slot.name}'`);
    values[i] = value;
  }
  return values;
}

/** One cache per dialect (a transaction shares its database's adapter); shapes are a small fixed set. */
const templates = new WeakMap<object, Map<string, Template>>();
const MAX_SHAPES = 2000;

/**
 * Runs the query `build` describes, compiled once per `shape` (a key naming the query and everything that changes its
 * SQL, such as which optional filters are present or the length of an `in` list).
 */
export async function runPrepared<R>(
  db: Db,
  shape: string,
  build: (p: Placeholders) => Compilable<R>,
  params: Params,
  options: { readCache?: boolean } = {},
): Promise<QueryResult<R>> {
  const dialectKey = db.getExecutor().adapter;
  let byShape = templates.get(dialectKey);
  if (byShape === undefined) {
    byShape = new Map();
    templates.set(dialectKey, byShape);
  }
  let template = byShape.get(shape);
  if (template === undefined) {
    template = templateOf(build(placeholders).compile(), shape);
    // A read whose rows SQLite may keep until anything could have changed them (see READ_CACHE_MARK).
    if (options.readCache === true) template = { ...template, sql: `${READ_CACHE_MARK}${template.sql}` };
    if (byShape.size >= MAX_SHAPES) byShape.clear();
    byShape.set(shape, template);
  }
  const compiled: CompiledQuery<R> = {
    sql: template.sql,
    query: template.query,
    parameters: bind(template, shape, params),
    queryId: { queryId: shape },
  };
  return db.executeQuery(compiled);
}

/**
 * The parameters of a multi-row insert's shape: row `i`'s column `c` as `${i}.${c}`, the names its placeholders use
 * (`p(\`${i}.column\`)`).
 */
export function rowParams(rows: readonly object[]): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  rows.forEach((row, i) => {
    for (const [column, value] of Object.entries(row)) params[`${i}.${column}`] = value;
  });
  return params;
}
