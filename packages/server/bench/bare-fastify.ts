/**
 * The baseline `npm run bench:api` compares the real server with: Fastify answering a JSON hello, no plugins,
 * no database, no logging. Started as its own process like the real server, so both get one event loop each.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/hello', async () => ({ hello: 'world' }));
const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(`bare-fastify: listening on ${address}`);

process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
