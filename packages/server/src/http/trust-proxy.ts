import type { FastifyServerOptions } from 'fastify';

/**
 * `ACCORD_TRUST_PROXY`: whether `X-Forwarded-For`/`-Proto` are believed (client address for the login limits,
 * https for the session cookie's `Secure`). Off by default — a direct client could otherwise claim any address.
 * `true` trusts every hop; anything else is a comma-separated list of the proxies' addresses or CIDR ranges
 * (e.g. `127.0.0.1,10.0.0.0/8`), the safer choice when clients could reach the server directly.
 */
export function trustProxyFromEnv(
  value: string | undefined,
): NonNullable<FastifyServerOptions['trustProxy']> {
  const text = (value ?? '').trim();
  if (text === '' || /^(false|0|no|off)$/i.test(text)) return false;
  if (/^(true|yes|on)$/i.test(text)) return true;
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
