import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_TYPES_FILE, generateApiTypes, openApiDocument } from '../../../scripts/api-types.ts';

type Operations = Record<string, Record<string, { operationId?: string }>>;

const run = promisify(execFile);
let document: Record<string, unknown>;
beforeAll(async () => {
  document = await openApiDocument();
});

describe('the OpenAPI document', () => {
  it('gives every operation a unique operationId', () => {
    const ids = Object.values(document['paths'] as Operations).flatMap((ops) =>
      Object.values(ops).map((op) => op.operationId),
    );
    expect(ids.length).toBeGreaterThan(40);
    expect(ids.filter((id) => typeof id !== 'string')).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(expect.arrayContaining(['listTickets', 'getTicket', 'createTicket', 'getQueue']));
  });

  it('matches the web app’s checked-in API types (run `npm run api:types` after changing a route)', async () => {
    expect(await generateApiTypes()).toBe(readFileSync(API_TYPES_FILE, 'utf8'));
  });

  describe('redocly lint (recommended rules)', () => {
    let dir: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), 'accord-openapi-'));
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('reports no error', async () => {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(document));
      const bin = join(import.meta.dirname, '../../../node_modules/.bin/redocly');
      const result = await run(bin, ['lint', '--extends=recommended', '--format=json', file], {
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      }).catch((error: { stdout?: string; stderr?: string }) => ({
        stdout: error.stdout ?? '',
        stderr: error.stderr ?? '',
      }));
      const report = JSON.parse(result.stdout) as { problems: { severity: string; message: string }[] };
      expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    }, 60_000);
  });
});
