// oidc-provider 8.8.1 as the peer for token issuance: client_credentials grant, one client
// authenticating with client_secret_basic, one resource server whose access tokens are JWTs
// signed EdDSA (Ed25519). Configuration comes from the BENCH_CONFIG environment variable (JSON:
// { port, clientId, clientSecret, resource, scope }). Prints "ready <port>" when listening.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const config = JSON.parse(process.env.BENCH_CONFIG);
const { privateKey } = generateKeyPairSync('ed25519');
const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'bench-ed25519', use: 'sig', alg: 'EdDSA' };

const issuer = `http://127.0.0.1:${config.port}`;
const provider = new Provider(issuer, {
  clients: [
    {
      client_id: config.clientId,
      client_secret: config.clientSecret,
      grant_types: ['client_credentials'],
      response_types: [],
      redirect_uris: [],
      token_endpoint_auth_method: 'client_secret_basic',
      scope: config.scope,
      // The keystore holds only the Ed25519 key, so the client's defaults must name EdDSA.
      id_token_signed_response_alg: 'EdDSA',
    },
  ],
  clientDefaults: { id_token_signed_response_alg: 'EdDSA' },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  jwks: { keys: [jwk] },
  scopes: [config.scope],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: false },
    revocation: { enabled: false },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => config.resource,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resourceIndicator) => {
        if (resourceIndicator !== config.resource) throw new Provider.errors.InvalidTarget();
        return { scope: config.scope, accessTokenFormat: 'jwt', accessTokenTTL: 900, jwt: { sign: { alg: 'EdDSA' } } };
      },
    },
  },
  ttl: { ClientCredentials: 900 },
});
provider.on('server_error', (_ctx, error) => process.stderr.write(`oidc-provider server_error: ${error.stack}\n`));

const server = provider.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`ready ${config.port}\n`);
});
server.keepAliveTimeout = 60_000;
process.on('SIGTERM', () => server.close(() => process.exit(0)));
