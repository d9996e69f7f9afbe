// The baseline for protected calls: a bare Fastify hello-world route (no authentication).
// Configuration from BENCH_CONFIG (JSON: { port }).
import Fastify from 'fastify';

const config = JSON.parse(process.env.BENCH_CONFIG);
const app = Fastify({ logger: false });
app.get('/:api/:collection', async () => ({ hello: 'world' }));

await app.listen({ port: config.port, host: '127.0.0.1' });
process.stdout.write(`ready ${config.port}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
