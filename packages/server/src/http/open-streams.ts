import type { FastifyInstance } from 'fastify';

/**
 * The long-lived responses (Server-Sent Events) of one plugin. A closing server waits for every response in flight,
 * and a stream never finishes by itself: each is ended when the server starts closing (`preClose`).
 */
export interface OpenStreams {
  /** Registers how to end one stream; call the returned function once it has ended by itself. */
  track(end: () => void): () => void;
}

export function openStreams(app: FastifyInstance): OpenStreams {
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
    open.clear();
  });
  return {
    track(end) {
      open.add(end);
      return () => open.delete(end);
    },
  };
}

/**
 * What is still open once the streams are ended gets `graceMs` to finish; then every connection is cut, so that a
 * deploy or a test never waits on a client that keeps a socket open (an idle keep-alive socket that went idle after
 * the close began, a response that never ends).
 */
export function cutConnectionsAfter(app: FastifyInstance, graceMs: number): void {
  app.addHook('preClose', async () => {
    const timer = setTimeout(() => app.server.closeAllConnections(), graceMs);
    timer.unref();
    app.server.once('close', () => clearTimeout(timer));
  });
}
