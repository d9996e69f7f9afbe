// The "ceiling" for token issuance: a minimal Fastify route doing only the work no
// implementation can avoid: parse the form body and the Basic header, look the client up in a
// Map, HMAC-SHA-256 the presented secret with a pepper and compare in constant time, build the
// claims, sign a compact JWS with Ed25519, answer JSON like Tessera does. It signs with Tessera's
// own signer (libsodium where it loads, as in Tessera), so the ceiling is never slower than
// Tessera at the one step they share.
// Configuration from BENCH_CONFIG (JSON: { port, clientId, clientSecret, issuer, audience, scope }).
import { createHmac, generateKeyPairSync, randomBytes, timingSafeEqual } from 'node:crypto';
import Fastify from 'fastify';
import signer from '../../apps/api/dist/tokens/token-signer.js';

const config = JSON.parse(process.env.BENCH_CONFIG);
const pepper = randomBytes(32);
const hmac = (secret) => createHmac('sha256', pepper).update(secret, 'utf8').digest();
const clients = new Map([[config.clientId, { hash: hmac(config.clientSecret), scope: config.scope, secretId: 'sec_ceiling' }]]);
const { privateKey } = generateKeyPairSync('ed25519');
const sign = signer.ed25519Signer(privateKey);
const header = Buffer.from(JSON.stringify({ alg: 'EdDSA', typ: 'at+jwt', kid: 'ceiling' })).toString('base64url');

const app = Fastify({ logger: false });
app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
  done(null, Object.fromEntries(new URLSearchParams(body)));
});

function invalidClient(reply) {
  return reply.code(401).header('WWW-Authenticate', 'Basic realm="token"').send({ error: 'invalid_client' });
}

app.post('/oauth/token', (request, reply) => {
  reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
  if (request.body?.grant_type !== 'client_credentials') return reply.code(400).send({ error: 'unsupported_grant_type' });
  const authorization = request.headers.authorization ?? '';
  if (!authorization.startsWith('Basic ')) return invalidClient(reply);
  const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return invalidClient(reply);
  const clientId = decodeURIComponent(decoded.slice(0, colon).replace(/\+/g, ' '));
  const clientSecret = decodeURIComponent(decoded.slice(colon + 1).replace(/\+/g, ' '));
  const client = clients.get(clientId);
  const presented = hmac(clientSecret);
  if (!client || !timingSafeEqual(presented, client.hash)) return invalidClient(reply);
  const iat = Math.floor(Date.now() / 1000);
  const claims = {
    iss: config.issuer,
    sub: clientId,
    aud: config.audience,
    client_id: clientId,
    scope: client.scope,
    jti: randomBytes(16).toString('base64url'),
    iat,
    exp: iat + 900,
    secret_id: client.secretId,
  };
  const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  const token = `${input}.${sign(Buffer.from(input)).toString('base64url')}`;
  return reply.send({ access_token: token, token_type: 'Bearer', expires_in: 900, scope: client.scope });
});

await app.listen({ port: config.port, host: '127.0.0.1' });
process.stdout.write(`ready ${config.port}\n`);
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
