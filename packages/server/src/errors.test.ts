import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { registerErrorHandler } from './errors.ts';

function failingWith(code: string) {
  const app = Fastify();
  registerErrorHandler(app);
  app.get('/', async () => {
    throw Object.assign(new Error(`database says ${code}`), { code });
  });
  return app;
}

describe('database errors reaching a request', () => {
  it.each(['40P01', '40001', '55P03', 'SQLITE_BUSY'])(
    '%s (the database gave up under contention) is a retryable 503, not a server fault',
    async (code) => {
      const res = await failingWith(code).inject({ method: 'GET', url: '/' });
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('1');
      expect(res.json()).toMatchObject({ error: { code: 'DATABASE_BUSY' } });
    },
  );

  it('a unique violation is a 409; anything else stays a 500 without its details', async () => {
    expect((await failingWith('23505').inject({ method: 'GET', url: '/' })).statusCode).toBe(409);
    const other = await failingWith('XX000').inject({ method: 'GET', url: '/' });
    expect(other.statusCode).toBe(500);
    expect(other.body).not.toContain('database says');
  });
});
