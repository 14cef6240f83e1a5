import http from 'node:http';
import net from 'node:net';

/** How the local HTTP target answers, switched by the test. */
export type TargetMode = 'ok' | 'error' | 'slow' | 'down';

/**
 * A local HTTP server that answers 200, answers 500, turns slow, or drops connections on command; and a TCP server
 * that can stop listening. The monitors under test check them for real.
 */
export async function startHttpTarget(slowDelayMs = 300) {
  let mode: TargetMode = 'ok';
  const server = http.createServer((request, response) => {
    if (mode === 'down') {
      request.socket.destroy();
      return;
    }
    const send = () => {
      response.writeHead(mode === 'error' ? 500 : 200, { 'content-type': 'text/plain' });
      response.end(mode === 'error' ? 'internal error' : 'all good');
    };
    if (mode === 'slow') setTimeout(send, slowDelayMs);
    else send();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/health`,
    set(next: TargetMode) {
      mode = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function startTcpTarget() {
  let server: net.Server | null = null;
  let port = 0;
  const sockets = new Set<net.Socket>();
  async function listen() {
    server = net.createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.end();
    });
    await new Promise<void>((resolve) => server?.listen(port, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
  }
  async function stop() {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => (server === null ? resolve() : server.close(() => resolve())));
    server = null;
  }
  await listen();
  return { port: () => port, up: listen, down: stop, close: stop };
}
