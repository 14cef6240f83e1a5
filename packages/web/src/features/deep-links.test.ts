// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { APP_PAGES } from '../../../server/src/http/app-pages.ts';
import { features } from './index.ts';

/** Whether one of the server's page patterns (`/x`, `/x/*`) answers index.html for `path`. */
const served = (path: string): boolean =>
  APP_PAGES.some((pattern) =>
    pattern.endsWith('/*') ? path.startsWith(pattern.slice(0, -1)) : pattern === path,
  );

describe('deep links', () => {
  it('every feature page is one the server answers with the app (a link in an e-mail or a reload works)', () => {
    const paths = features.flatMap((f) => f.routes.map((r) => r.path.replace(/:[^/]+/g, 'x')));
    expect(paths.length).toBeGreaterThan(10);
    expect(paths.filter((p) => !served(p))).toEqual([]);
  });
});
