// Compiles the `accord` command (with the parts of @accord/core and @accord/server it uses) to JavaScript in
// packages/cli/dist, so the bin starts without transpiling TypeScript. Run by the root `prepare` script after
// `npm install` and `npm ci`, and by the CLI tests when the sources changed since the last build.
//
// One ES module bundle, split at the dynamic imports: `accord --help` loads the entry alone, the calendar and sla
// commands their own chunk, and only `db` and `admin` load the server's. Packages from node_modules stay outside
// the bundle and load as usual; only the workspace's own TypeScript is compiled in.
//
// dist/build-info.json lists the source files behind the entry and behind each command: the bin falls back to the
// TypeScript sources (through tsx) when one of those the command loads is newer than the build, or gone. So a change
// to the server makes `accord db` fall back until the next build, not `accord calendar`.
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { staleForAnyCommand } from '../bin/build-state.js';

const CLI_DIR = resolve(import.meta.dirname, '..');
const REPO_ROOT = resolve(CLI_DIR, '../..');
const DIST = join(CLI_DIR, 'dist');

/*
 * The core's own dependencies (date-holidays, luxon, zod and what they import) are compiled into the bundle: Node
 * then reads one file instead of hundreds and skips what the CLI never calls, which is most of the start-up of a
 * calendar answer. Every other package (the server's database drivers and framework) is left to Node as usual.
 */
const coreDependencies = new Set(
  Object.keys(JSON.parse(readFileSync(join(REPO_ROOT, 'packages/core/package.json'), 'utf8')).dependencies),
);

const packageName = (path) => path.split('/', path.startsWith('@') ? 2 : 1).join('/');

const chosenPackages = {
  name: 'chosen-packages',
  setup(builder) {
    builder.onResolve({ filter: /^[^./]/ }, ({ path, importer }) => {
      if (path.startsWith('node:')) return { path, external: true };
      // Inside node_modules only bundled packages are ever read: their own imports are bundled with them.
      if (path.startsWith('@accord/') || importer.includes('/node_modules/')) return undefined;
      return coreDependencies.has(packageName(path)) ? undefined : { path, external: true };
    });
  },
};

/*
 * The calendar presets' holiday countries, tabulated at build time for these years by date-holidays itself
 * (src/date-holidays-snapshot.ts answers from the table inside the compiled CLI; other questions reach the package).
 */
const SNAPSHOT_COUNTRIES = ['BE', 'SA'];
const SNAPSHOT_YEARS = { from: 2000, to: 2060 };
// What packages/core/src/calendar/holidays.ts asks date-holidays with.
const SNAPSHOT_OPTIONS = { languages: ['en'], types: ['public'] };
const SNAPSHOT_LANGUAGE = 'en';

export async function holidaySnapshot() {
  const { default: Holidays } = await import('date-holidays');
  const years = {};
  for (const country of SNAPSHOT_COUNTRIES) {
    const source = new Holidays(country, SNAPSHOT_OPTIONS);
    years[country] = {};
    for (let year = SNAPSHOT_YEARS.from; year <= SNAPSHOT_YEARS.to; year += 1) {
      years[country][year] = source
        .getHolidays(year, SNAPSHOT_LANGUAGE)
        .map((h) => [h.date, h.start.getTime(), h.end.getTime(), h.name, h.type]);
    }
  }
  const countries = new Holidays().getCountries(SNAPSHOT_LANGUAGE);
  return { options: SNAPSHOT_OPTIONS, language: SNAPSHOT_LANGUAGE, countries, years };
}

/** Inside the core's holidays.ts, `date-holidays` is the snapshot stand-in, which imports the table as JSON. */
function holidayTable(snapshotJson) {
  return {
    name: 'holiday-snapshot',
    setup(builder) {
      builder.onResolve({ filter: /^date-holidays$/ }, ({ importer }) =>
        importer.endsWith(join('packages', 'core', 'src', 'calendar', 'holidays.ts'))
          ? { path: join(CLI_DIR, 'src/date-holidays-snapshot.ts') }
          : undefined,
      );
      builder.onResolve({ filter: /^accord:holiday-snapshot$/ }, ({ path }) => ({
        path,
        namespace: 'holiday-snapshot',
      }));
      builder.onLoad({ filter: /.*/, namespace: 'holiday-snapshot' }, () => ({
        contents: snapshotJson,
        loader: 'json',
      }));
    },
  };
}

export async function buildCli() {
  const startedMs = Date.now();
  // Built in a staging folder, then moved in file by file (each rename is atomic): a bin starting meanwhile reads
  // either the old build or the new one, and build-info.json, written last, only describes files already in place.
  // The staging folder is inside dist, which git, ESLint and Prettier ignore: a build killed midway leaves nothing
  // in their way.
  const staging = join(DIST, `.staging-${process.pid}-${startedMs}`);
  try {
    const snapshotJson = JSON.stringify(await holidaySnapshot());
    const result = await build({
      absWorkingDir: REPO_ROOT,
      entryPoints: { accord: join(CLI_DIR, 'src/main.ts') },
      outdir: staging,
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      chunkNames: 'chunks/[name]-[hash]',
      metafile: true,
      logLevel: 'warning',
      plugins: [holidayTable(snapshotJson), chosenPackages],
      // Bundled CommonJS code calls require(); an ES module has none of its own.
      banner: {
        js: "import { createRequire as __accordRequire } from 'node:module'; const require = __accordRequire(import.meta.url);",
      },
      minifySyntax: true,
      minifyWhitespace: true,
    });
    const { common, commands } = sourcesPerCommand(result.metafile);
    mkdirSync(join(DIST, 'chunks'), { recursive: true });
    const outputs = Object.keys(result.metafile.outputs).map((output) =>
      relative(staging, resolve(REPO_ROOT, output)),
    );
    // Chunks first, the entry after them, so the entry never names a chunk that is not there yet.
    for (const output of outputs.sort((a, b) => Number(a === 'accord.js') - Number(b === 'accord.js'))) {
      renameSync(join(staging, output), join(DIST, output));
    }
    // Sources are stamped with the time the build started: a file saved during the build counts as newer.
    const buildInfo = { builtAtMs: startedMs, common, commands };
    // The table, beside the code that holds it, for the tests that compare it with date-holidays.
    writeFileSync(join(staging, 'holiday-snapshot.json'), snapshotJson);
    renameSync(join(staging, 'holiday-snapshot.json'), join(DIST, 'holiday-snapshot.json'));
    writeFileSync(join(staging, 'build-info.json'), `${JSON.stringify(buildInfo, null, 2)}\n`);
    renameSync(join(staging, 'build-info.json'), join(DIST, 'build-info.json'));
    removeOldChunks(new Set(outputs));
    return {
      inputs: Object.keys(result.metafile.inputs).length,
      outputs: outputs.length,
      ms: Date.now() - startedMs,
    };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * The sources behind the entry (what every run loads: its static imports) and, per command, behind the chunk of
 * its `<name>.command.ts` with everything that chunk imports, statically or not.
 */
function sourcesPerCommand(metafile) {
  const closure = (output, withDynamic, seen = new Set()) => {
    if (seen.has(output)) return seen;
    seen.add(output);
    for (const { path, kind, external } of metafile.outputs[output].imports) {
      if (!external && (withDynamic || kind === 'import-statement')) closure(path, withDynamic, seen);
    }
    return seen;
  };
  const sourcesOf = (outputs) =>
    [...new Set([...outputs].flatMap((output) => Object.keys(metafile.outputs[output].inputs)))]
      // Files only: the holiday table is generated (`holiday-snapshot:…`), not a source to watch.
      .filter((input) => !/^[\w-]+:/.test(input))
      .map((input) => relative(REPO_ROOT, resolve(REPO_ROOT, input)))
      .sort();
  const entries = Object.entries(metafile.outputs).filter(([, output]) => output.entryPoint !== undefined);
  const main = entries.find(([, output]) => output.entryPoint.endsWith('src/main.ts'));
  const common = sourcesOf(closure(main[0], false));
  const commands = {};
  for (const [path, output] of entries) {
    const name = /([\w-]+)\.command\.ts$/.exec(output.entryPoint)?.[1];
    if (name !== undefined)
      commands[name] = sourcesOf(closure(path, true)).filter((s) => !common.includes(s));
  }
  return { common, commands };
}

/** Chunks of earlier builds, once they are an hour old (a process started before this build may still load one). */
function removeOldChunks(current) {
  for (const name of readdirSync(join(DIST, 'chunks'))) {
    const path = join(DIST, 'chunks', name);
    if (!current.has(`chunks/${name}`) && Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path);
  }
}

if (process.argv[1] === import.meta.filename) {
  // --if-stale: only when some command would not run from the current build (what the CLI tests ask for).
  if (
    process.argv.includes('--if-stale') &&
    staleForAnyCommand(pathToFileURL(`${DIST}/`), pathToFileURL(`${REPO_ROOT}/`)) === undefined
  ) {
    process.exit(0);
  }
  const { inputs, outputs, ms } = await buildCli();
  process.stdout.write(
    `accord CLI built: ${inputs} sources → ${outputs} files in packages/cli/dist (${ms} ms)\n`,
  );
}
