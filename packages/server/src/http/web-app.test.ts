import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { webBuildIsStale } from './web-app.ts';

describe('webBuildIsStale', () => {
  let root = '';
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const file = (path: string, atSeconds: number) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), 'x');
    utimesSync(join(root, path), atSeconds, atSeconds);
  };

  it('is stale without a bundle, or when a source is newer than it; fresh otherwise', () => {
    root = mkdtempSync(join(tmpdir(), 'accord-web-'));
    file('index.html', 1000);
    file('src/pages/a.tsx', 1000);
    expect(webBuildIsStale(root)).toBe(true);
    file('dist/index.html', 2000);
    expect(webBuildIsStale(root)).toBe(false);
    file('src/pages/a.tsx', 3000);
    expect(webBuildIsStale(root)).toBe(true);
  });
});
