/**
 * What the API benchmarks share: a server (or bare Fastify) in a child process under tsx, sign-in, and one
 * autocannon case measured after a warm-up.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';

export const START_TIMEOUT_MS = 60_000;
export const DEMO_PASSWORD = 'accord-demo';

export interface Child {
  readonly process: ChildProcess;
  readonly baseUrl: string;
  readonly output: string[];
}

/** Starts a TypeScript entry point under tsx and waits for its "listening on http://…" line. */
export async function startChild(entry: string, env: NodeJS.ProcessEnv): Promise<Child> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const baseUrl = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${entry} did not start within ${START_TIMEOUT_MS} ms:\n${output.join('')}`)),
      START_TIMEOUT_MS,
    );
    const onData = (chunk: Buffer): void => {
      output.push(chunk.toString());
      if (output.length > 200) output.shift();
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output.join(''));
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with ${code ?? 'a signal'} before listening:\n${output.join('')}`));
    });
  });
  return { process: child, baseUrl, output };
}

export async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode !== null) return;
  const exited = new Promise<void>((done) => child.process.once('exit', () => done()));
  child.process.kill('SIGTERM');
  const timer = setTimeout(() => child.process.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

export async function waitHealthy(baseUrl: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    try {
      const response = await fetch(`${baseUrl}/healthz`);
      if (response.ok) return;
    } catch {
      // not accepting connections yet
    }
    if (Date.now() > deadline) throw new Error(`${baseUrl}/healthz never answered 200`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function login(baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<string> {
  const response = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  if (!response.ok) throw new Error(`login ${email} answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

export interface Load {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  /** A fresh body per request (autocannon's `idReplacement` sent nothing at all with autocannon 8). */
  readonly body?: () => string;
  /** A fresh path per request (e.g. another ticket each time), relative to the url's origin. */
  readonly path?: () => string;
}

export interface Measurement {
  readonly target: string;
  readonly name: string;
  readonly requestsPerSecond: number;
  readonly p99Ms: number;
  readonly non2xx: number;
  readonly errors: number;
  /** Bare Fastify measured right before or right after this case, the faster: the 100% of its ratio. */
  readonly bare?: Measurement;
}

export interface MeasureOptions {
  readonly connections: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
}

export async function measure(
  target: string,
  name: string,
  load: Load,
  options: MeasureOptions,
): Promise<Measurement> {
  const { body, path } = load;
  const request = { method: load.method ?? 'GET', headers: load.headers ?? {} };
  const perRequest =
    body === undefined && path === undefined
      ? request
      : {
          ...request,
          setupRequest: (r: object) => ({
            ...r,
            ...(body === undefined ? {} : { body: body() }),
            ...(path === undefined ? {} : { path: path() }),
          }),
        };
  const run = { url: load.url, connections: options.connections, requests: [perRequest] };
  await autocannon({ ...run, duration: options.warmupSeconds });
  const result = await autocannon({ ...run, duration: options.durationSeconds });
  const measurement = {
    target,
    name,
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    // No answer at all is a failure too, not a figure of 0 req/s.
    errors: result.errors + result.timeouts + (result.requests.total === 0 ? 1 : 0),
  };
  console.log(
    `  ${target.padEnd(10)} ${name.padEnd(9)} ${fmt(measurement.requestsPerSecond).padStart(8)} req/s  p99 ${measurement.p99Ms} ms${measurement.non2xx + measurement.errors > 0 ? `  (${measurement.non2xx} non-2xx, ${measurement.errors} errors)` : ''}`,
  );
  return measurement;
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
