import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * The real server process (src/main.ts under tsx) for the tests that kill it (process-kill.test.ts): spawned with a
 * moved clock (ACCORD_TEST_CLOCK_OFFSET_MS, refused in production), killed by signal, and a real SMTP peer.
 */
export const MAIN = resolve(import.meta.dirname, '../src/main.ts');
const DEMO_PASSWORD = 'accord-demo';

export interface Proc {
  child: ChildProcess;
  baseUrl: string;
  output: string[];
}

/** The server process, started; `listening` resolves with its URL (rejects if it exits first). */
export function spawnServer(
  env: NodeJS.ProcessEnv,
  clockAtMs: number,
): Proc & { listening: Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: '0',
      LOG_LEVEL: 'warn',
      ACCORD_WEB_BUILD: '0',
      ACCORD_POLL_MS: '100',
      ACCORD_TEST_CLOCK_OFFSET_MS: String(clockAtMs - Date.now()),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const listening = new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`no start in 90 s:\n${output.join('')}`)), 90_000);
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString());
      const match = /listening on (http:\/\/[\d.]+:\d+)/.exec(output.join(''));
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        done(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      fail(new Error(`exited (${code ?? signal}) before listening:\n${output.join('')}`));
    });
  });
  return { child, baseUrl: '', output, listening };
}

export async function startServer(env: NodeJS.ProcessEnv, clockAtMs: number): Promise<Proc> {
  const proc = spawnServer(env, clockAtMs);
  return { child: proc.child, output: proc.output, baseUrl: await proc.listening };
}

export async function kill(proc: Proc, signal: NodeJS.Signals): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  const exited = new Promise<void>((done) => proc.child.once('exit', () => done()));
  proc.child.kill(signal);
  await exited;
}

/** A real SMTP peer: every Message-ID it accepted, in order (duplicates kept). */
export async function startSmtp() {
  const messageIds: string[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          messageIds.push(mail.messageId ?? '');
          callback();
        })
        .catch(callback);
    },
  });
  // A server process killed mid-transfer resets its connection: expected here, not a failure of the peer.
  server.on('error', () => undefined);
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `smtp://127.0.0.1:${address.port}`,
    messageIds,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 120_000,
  pollMs = 50,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

export async function openP1s(
  baseUrl: string,
  count: number,
  prefix: string,
  concurrency = 1,
): Promise<string[]> {
  const login = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'client.pro@hosting.demo.test', password: DEMO_PASSWORD }),
  });
  const { token } = (await login.json()) as { token: string };
  const ids: string[] = [];
  let next = 0;
  async function openOne(i: number) {
    const res = await fetch(`${baseUrl}/api/v1/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        subject: `${prefix} ${i}: shop down`,
        description: 'HTTP 503 on every page',
        priority: 'P1',
        category: 'hosting',
        channel: 'ticket',
      }),
    });
    if (res.status !== 201) throw new Error(`ticket: ${res.status} ${await res.text()}`);
    ids[i] = ((await res.json()) as { id: string }).id;
  }
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await openOne(next++);
    }),
  );
  return ids;
}
