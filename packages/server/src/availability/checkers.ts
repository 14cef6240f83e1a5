import http from 'node:http';
import https from 'node:https';
import net, { type LookupFunction } from 'node:net';
import type { TLSSocket } from 'node:tls';
import type { CheckOutcome } from './availability-core.ts';
import { ForbiddenTargetError, resolveAllowed } from '../notifications/ssrf.ts';

/** What a check needs to know about its monitor. */
export interface CheckTarget {
  readonly kind: 'http' | 'tcp';
  readonly url: string | null;
  readonly host: string | null;
  readonly port: number | null;
  readonly timeoutMs: number;
  readonly expectedStatus: number | null;
  readonly keyword: string | null;
}

export interface CheckResult {
  readonly outcome: CheckOutcome;
  /** The server certificate's end of validity (https only). */
  readonly tlsExpiresAtMs: number | null;
}

/** Bytes of the body searched for a keyword: enough for a status page, not a download. */
const KEYWORD_BODY_LIMIT = 256 * 1024;

/**
 * Runs checks against the outside world. Keep-alive agents reuse connections between checks of the same host (2,000
 * monitors every 30 s would otherwise open as many sockets); each connection goes to the address the SSRF guard
 * checked (no re-resolution), like webhooks.
 */
export function createCheckers({ allowPrivate }: { allowPrivate: boolean }) {
  const agentOptions = { keepAlive: true, maxSockets: 16, maxFreeSockets: 16, scheduling: 'lifo' as const };
  const httpAgent = new http.Agent(agentOptions);
  // Certificates are checked after the handshake, not by refusing it: an expired or untrusted certificate is then an
  // `error` whose expiry is still recorded (the moment an operator most needs to see it), instead of a bare `down`.
  const httpsAgent = new https.Agent({ ...agentOptions, rejectUnauthorized: false });

  async function resolve(hostname: string) {
    try {
      const [first] = await resolveAllowed(hostname, allowPrivate);
      if (first === undefined) throw new ForbiddenTargetError(`${hostname} does not resolve`);
      return first;
    } catch (error) {
      if (error instanceof ForbiddenTargetError)
        throw new ForbiddenTargetError(
          error.message.replace('ACCORD_WEBHOOK_ALLOW_PRIVATE', 'ACCORD_MONITOR_ALLOW_PRIVATE'),
        );
      throw error;
    }
  }

  function httpCheck(
    target: CheckTarget,
    address: { address: string; family: number },
  ): Promise<CheckResult> {
    const url = new URL(target.url ?? '');
    const secure = url.protocol === 'https:';
    const lookup: LookupFunction = (_hostname, options, callback) => {
      if (options.all) callback(null, [address]);
      else callback(null, address.address, address.family);
    };
    const started = performance.now();
    return new Promise((done) => {
      let settled = false;
      const finish = (result: CheckResult) => {
        if (settled) return;
        settled = true;
        done(result);
      };
      const request = (secure ? https : http).request(
        url,
        {
          method: 'GET',
          agent: secure ? httpsAgent : httpAgent,
          lookup,
          timeout: target.timeoutMs,
          headers: { 'user-agent': 'Accord-Monitor/1', accept: '*/*' },
        },
        (response) => {
          const status = response.statusCode ?? 0;
          const socket = response.socket as TLSSocket;
          const validTo = secure ? socket.getPeerCertificate?.()?.valid_to : undefined;
          const tlsExpiresAtMs = validTo === undefined ? null : Date.parse(validTo);
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            if (body.length < KEYWORD_BODY_LIMIT) body += chunk;
          });
          response.on('error', (error) =>
            finish({ outcome: { kind: 'no-answer', detail: error.message }, tlsExpiresAtMs }),
          );
          response.on('end', () => {
            const latencyMs = Math.round(performance.now() - started);
            const statusOk =
              target.expectedStatus === null
                ? status >= 200 && status < 400
                : status === target.expectedStatus;
            const keywordOk = target.keyword === null || body.includes(target.keyword);
            const tlsError = secure && socket.authorized !== true ? String(socket.authorizationError) : null;
            const detail =
              tlsError !== null
                ? `TLS certificate refused: ${tlsError}`
                : !statusOk
                  ? `HTTP ${status}`
                  : keywordOk
                    ? `HTTP ${status}`
                    : `HTTP ${status}, keyword not found`;
            finish({
              outcome: { kind: 'answer', ok: statusOk && keywordOk && tlsError === null, latencyMs, detail },
              tlsExpiresAtMs: Number.isNaN(tlsExpiresAtMs) ? null : tlsExpiresAtMs,
            });
          });
        },
      );
      request.on('timeout', () => {
        request.destroy(new Error(`no answer within ${target.timeoutMs} ms`));
      });
      request.on('error', (error) =>
        finish({ outcome: { kind: 'no-answer', detail: error.message }, tlsExpiresAtMs: null }),
      );
      request.end();
    });
  }

  function tcpCheck(target: CheckTarget, address: { address: string; family: number }): Promise<CheckResult> {
    const started = performance.now();
    return new Promise((done) => {
      const socket = net.connect({ host: address.address, port: target.port ?? 0, family: address.family });
      const finish = (outcome: CheckOutcome) => {
        socket.destroy();
        done({ outcome, tlsExpiresAtMs: null });
      };
      socket.setTimeout(target.timeoutMs, () =>
        finish({ kind: 'no-answer', detail: `no connection within ${target.timeoutMs} ms` }),
      );
      socket.once('connect', () =>
        finish({
          kind: 'answer',
          ok: true,
          latencyMs: Math.round(performance.now() - started),
          detail: 'connected',
        }),
      );
      socket.once('error', (error) => finish({ kind: 'no-answer', detail: error.message }));
    });
  }

  return {
    /** Never throws: a refused target is an `error` result (a wrong configuration), an unreachable one `down`. */
    async check(target: CheckTarget): Promise<CheckResult> {
      let address: { address: string; family: number };
      try {
        address = await resolve(
          target.kind === 'http' ? new URL(target.url ?? '').hostname : (target.host ?? ''),
        );
      } catch (error) {
        const detail = error instanceof Error ? error.message : String(error);
        if (error instanceof ForbiddenTargetError)
          return { outcome: { kind: 'answer', ok: false, latencyMs: 0, detail }, tlsExpiresAtMs: null };
        return { outcome: { kind: 'no-answer', detail }, tlsExpiresAtMs: null };
      }
      return target.kind === 'http' ? httpCheck(target, address) : tcpCheck(target, address);
    },
    /** Checked when a monitor is created or its target changed. */
    assertAllowed: (hostname: string) => resolve(hostname),
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}

export type Checkers = ReturnType<typeof createCheckers>;
