import type { FastifyInstance } from 'fastify';
import { DomainError } from '../errors.ts';

/** No request body the API accepts nests deeper than this; deeper input is refused before anything walks it. */
export const MAX_NESTING = 64;

/**
 * The path (e.g. `body.tags[2]`) of the first string holding a NUL character, or of the first value nested deeper
 * than MAX_NESTING. Iterative, so hostile nesting cannot exhaust the stack.
 */
export function findUnacceptable(
  value: unknown,
  root: string,
): { path: string; reason: 'nul' | 'depth' } | null {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop();
    if (item === undefined) break;
    if (typeof item.value === 'string') {
      if (item.value.includes('\u0000')) return { path: item.path, reason: 'nul' };
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
      if (key.includes('\u0000')) return { path: `${item.path} (a key)`, reason: 'nul' };
      stack.push({ value: v, path: `${item.path}.${key}`, depth: item.depth + 1 });
    }
  }
  return null;
}

/** PostgreSQL text cannot hold NUL; refusing it everywhere keeps both databases answering alike (400, not 500). */
export function registerTextGuardHook(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const found =
      findUnacceptable(request.body, 'body') ??
      findUnacceptable(request.query, 'query') ??
      findUnacceptable(request.params, 'params');
    if (found?.reason === 'nul') {
      throw new DomainError(
        'VALIDATION_FAILED',
        `${found.path}: text must not contain NUL (\\u0000) characters`,
      );
    }
    if (found?.reason === 'depth') {
      throw new DomainError(
        'VALIDATION_FAILED',
        `${found.path}: nested more than ${MAX_NESTING} levels deep`,
      );
    }
  });
}
