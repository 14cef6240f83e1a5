import { expect } from 'vitest';
import { consultationSchema } from '../src/routes/consultation.routes.ts';
import { PASSWORD, type ApiResponse, type TestServer } from './server-harness.ts';

export const WS = 'consulting-sa';

/** The response's consultation request, checked against the published schema. */
export function consultationOf(res: ApiResponse) {
  if (res.status >= 300) throw new Error(`expected a consultation, got ${res.status} ${res.text}`);
  return consultationSchema.parse(res.body);
}

export interface ConsultantAccount {
  readonly id: string;
  readonly token: string;
}

/** A consultant account in the consulting workspace, signed in, with its profile set through the API. */
export async function addConsultant(
  server: TestServer,
  adminToken: string,
  name: string,
  profile: Record<string, unknown> = {},
): Promise<ConsultantAccount> {
  const email = `${name.replace(/[^a-z0-9]/gi, '').toLowerCase() || 'x'}.${Math.random().toString(36).slice(2, 8)}@acme.test`;
  const created = await server.request(
    'POST',
    '/api/v1/users',
    { email, name, password: PASSWORD, role: 'consultant' },
    { token: adminToken, workspace: WS },
  );
  expect(created.status, created.text).toBe(201);
  const token = await server.login(email);
  const res = await server.request(
    'PATCH',
    '/api/v1/consultants/me',
    { specialties: ['tax'], languages: ['ar', 'en'], capacity: 10, available: true, ...profile },
    { token },
  );
  expect(res.status, res.text).toBe(200);
  return { id: String((res.body as { userId: string }).userId), token };
}

/** Outbox rows of a topic about one request, with their named recipients. */
export async function outboxOf(server: TestServer, topic: string, consultationId: string) {
  const rows = await server.services.db
    .selectFrom('outbox')
    .select(['topic', 'payload_json'])
    .where('topic', '=', topic)
    .execute();
  return rows
    .map((r) => JSON.parse(r.payload_json) as { consultationId: string; recipients: string[] })
    .filter((p) => p.consultationId === consultationId);
}
