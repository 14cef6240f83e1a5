/**
 * A retention in whole days read from `env[name]`: `fallback` when unset or blank, else 1 to 36,500 days. Anything
 * else throws an error naming the variable, which start-up reports before exiting with code 2.
 */
export function wholeDaysFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 36_500)
    throw new Error(`${name} must be a whole number of days from 1 to 36500, got '${text}'`);
  return value;
}
