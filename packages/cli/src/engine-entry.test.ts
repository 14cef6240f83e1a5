import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = new URL('../../../', import.meta.url).pathname;

/**
 * The packages that loading `entry` reaches through static imports (dynamic ones run only on demand), following the
 * workspace's own sources (@accord/*) and stopping at any other package.
 */
async function packagesLoadedBy(entry: string): Promise<string[]> {
  const result = await build({
    absWorkingDir: REPO_ROOT,
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    metafile: true,
    logLevel: 'silent',
    plugins: [
      {
        name: 'other-packages-external',
        setup(builder) {
          builder.onResolve({ filter: /^[^./]/ }, ({ path }) =>
            path.startsWith('@accord/') ? undefined : { path, external: true },
          );
        },
      },
    ],
  });
  const inputs: Metafile['inputs'] = result.metafile.inputs;
  const start = Object.keys(inputs).find((path) => path.endsWith(entry));
  const seen = new Set<string>(start === undefined ? [] : [start]);
  const reached = new Set<string>();
  for (const path of seen) {
    for (const edge of inputs[path]?.imports ?? []) {
      if (edge.kind !== 'import-statement') continue;
      if (edge.external) {
        if (!edge.path.startsWith('node:')) reached.add(edge.path);
      } else seen.add(edge.path);
    }
  }
  return [...reached].sort();
}

describe('what a command answering on a preset loads', () => {
  // The schemas' library (zod) alone costs about as much start-up as the rest of an answer.
  it('the engine entry (@accord/core/engine) reaches no package but the holiday data', async () => {
    expect(await packagesLoadedBy('packages/core/src/engine.ts')).toEqual(['date-holidays']);
  });

  it.each(['calendar', 'sla'])('`accord %s` loads the engine alone, the schemas on demand', async (name) => {
    expect(await packagesLoadedBy(`packages/cli/src/${name}.command.ts`)).toEqual(['date-holidays']);
  });

  it('the package entry does load the schemas (so the checks above can fail)', async () => {
    expect(await packagesLoadedBy('packages/core/src/index.ts')).toContain('zod');
  });
});
