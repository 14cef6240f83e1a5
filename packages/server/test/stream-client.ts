import http from 'node:http';

export interface SseEvent {
  readonly id: string | undefined;
  readonly event: string;
  readonly data: Record<string, unknown>;
}

/** A real HTTP client reading a Server-Sent Events stream, frame by frame (no EventSource polyfill). */
export function openStream(
  baseUrl: string,
  path: string,
  headers: Record<string, string> = {},
): {
  status: Promise<number>;
  events: SseEvent[];
  comments: string[];
  waitFor(predicate: (events: readonly SseEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
} {
  const events: SseEvent[] = [];
  const comments: string[] = [];
  const waiters = new Set<() => void>();
  let request: http.ClientRequest | undefined;
  const status = new Promise<number>((resolve, reject) => {
    request = http.get(`${baseUrl}${path}`, { headers }, (response) => {
      resolve(response.statusCode ?? 0);
      response.setEncoding('utf8');
      let buffer = '';
      response.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let id: string | undefined;
          let event = 'message';
          let data = '';
          for (const line of frame.split('\n')) {
            if (line.startsWith(':')) comments.push(line);
            else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (data !== '') events.push({ id, event, data: JSON.parse(data) as Record<string, unknown> });
        }
        for (const waiter of waiters) waiter();
      });
      response.on('error', () => undefined);
    });
    request.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(error);
    });
  });
  return {
    status,
    events,
    comments,
    waitFor(predicate, timeoutMs = 5000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (predicate(events)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      request?.destroy();
    },
  };
}
