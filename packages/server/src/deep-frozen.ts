/**
 * Values frozen all the way down, remembered as such: whoever holds one knows that nothing about it can change, so
 * anything derived from it alone (its JSON, say) may be computed once and kept as long as the value lives. The
 * response serializer keeps the JSON of such values (see http/serializer.ts); services hand out the same frozen DTO
 * for as long as what it shows does not change (see ticket.service.ts).
 */
const deepFrozen = new WeakSet<object>();

/** Freezes `value` and every object and array it holds, and remembers it as deep-frozen. */
export function freezeDeep<T>(value: T): T {
  if (typeof value !== 'object' || value === null || deepFrozen.has(value)) return value;
  for (const key of Object.keys(value)) freezeDeep((value as Record<string, unknown>)[key]);
  Object.freeze(value);
  deepFrozen.add(value);
  return value;
}

/** True only for a value `freezeDeep` froze: a shallow `Object.freeze` does not count. */
export function isDeepFrozen(value: unknown): boolean {
  return typeof value === 'object' && value !== null && deepFrozen.has(value);
}
