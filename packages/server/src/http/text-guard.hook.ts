import type { FastifyInstance } from 'fastify';
import { DomainError } from '../errors.ts';
import { LONE_SURROGATE, YEAR_ZERO } from './schemas.ts';

type Problem = 'nul' | 'depth' | 'surrogate' | 'year-zero';

/** What is wrong with one string of the request, if anything. */
function stringProblem(text: string): Problem | null {
  if (text.includes('\u0000')) return 'nul';
  if (LONE_SURROGATE.test(text)) return 'surrogate';
  if (YEAR_ZERO.test(text)) return 'year-zero';
  return null;
}

/** No request body the API accepts nests deeper than this; deeper input is refused before anything walks it. */
export const MAX_NESTING = 64;

/**
 * The path (e.g. `body.tags[2]`) of the first string holding a NUL character or a lone UTF-16 surrogate, or that is a
 * date of year 0, or of the first value nested deeper than MAX_NESTING. Iterative, so hostile nesting cannot exhaust
 * the stack.
 */
export function findUnacceptable(value: unknown, root: string): { path: string; reason: Problem } | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === undefined) break;
    if (typeof item.value === 'string') {
      const reason = stringProblem(item.value);
      if (reason !== null) return { path: item.path, reason };
      continue;
    }
    if (typeof item.value !== 'object' || item.value === null) continue;
    if (item.depth >= MAX_NESTING) return { path: item.path, reason: 'depth' };
    if (Array.isArray(item.value)) {
      item.value.forEach((v, i) =>
        stack.push({ value: v, path: `${item.path}[${i}]`, depth: item.depth + 1 }),
      );
      continue;
    }
    for (const [key, v] of Object.entries(item.value)) {
      const reason = stringProblem(key);
      if (reason === 'nul' || reason === 'surrogate') return { path: `${item.path} (a key)`, reason };
      stack.push({ value: v, path: `${item.path}.${key}`, depth: item.depth + 1 });
    }
  }
  return null;
}

const MESSAGES: Record<Problem, string> = {
  nul: 'text must not contain NUL (\\u0000) characters',
  depth: `nested more than ${MAX_NESTING} levels deep`,
  // JSON can spell half a surrogate pair (`"\ud800"`); such text has no UTF-8 form, so the database stores a
  // replacement character and reads back something else than what was answered.
  surrogate: 'text must not contain lone UTF-16 surrogates (half of a \\uD800–\\uDFFF pair)',
  'year-zero': 'year 0 and years before it are not accepted',
};

/**
 * Every string the API receives, whatever route and schema: PostgreSQL text cannot hold NUL, and a lone surrogate is
 * not text; refusing both everywhere keeps both databases answering alike (400, not 500). A whole string that is an
 * ISO date of year 0 is refused too (dates and instants are accepted in many schemas, some in core).
 */
export function registerTextGuardHook(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const found =
      findUnacceptable(request.body, 'body') ??
      findUnacceptable(request.query, 'query') ??
      findUnacceptable(request.params, 'params');
    if (found) throw new DomainError('VALIDATION_FAILED', `${found.path}: ${MESSAGES[found.reason]}`);
  });
}
