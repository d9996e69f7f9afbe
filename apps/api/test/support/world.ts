import { request } from './http';
import { runCli, type TesseraProcess } from './tessera-process';

/** Credentials as `tessera bootstrap --json` prints them. */
export interface Bootstrap {
  readonly api: string;
  readonly accountId: string;
  readonly clientId: string;
  readonly secretId: string;
  readonly clientSecret: string;
}

export async function bootstrap(server: Pick<TesseraProcess, 'env' | 'cwd'>, api: string): Promise<Bootstrap> {
  const result = await runCli(['bootstrap', '--api', api, '--json'], server.env, server.cwd);
  if (result.code !== 0) throw new Error(`bootstrap failed (${result.code}): ${result.stderr}`);
  return result.json<Bootstrap>();
}

/** A token from the OAuth endpoint (client_secret_post). */
export async function tokenFor(server: Pick<TesseraProcess, 'url'>, clientId: string, clientSecret: string, scope?: string): Promise<string> {
  const response = await request(`${server.url}/oauth/token`, {
    form: { grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, ...(scope ? { scope } : {}) },
  });
  if (response.status !== 200) throw new Error(`token request failed: ${response.status} ${response.text}`);
  return response.body.access_token as string;
}

/** Creates an account with the given scopes and one secret through the management API. */
export async function createClient(
  server: Pick<TesseraProcess, 'url'>,
  adminToken: string,
  api: string,
  scopes: string[],
  name = 'client',
): Promise<{ accountId: string; clientId: string; secretId: string; clientSecret: string }> {
  const account = await request(`${server.url}/apis/${api}/service-accounts`, { token: adminToken, json: { name, scopes } });
  if (account.status !== 201) throw new Error(`create account failed: ${account.status} ${account.text}`);
  const secret = await request(`${server.url}/apis/${api}/service-accounts/${account.body.id}/secrets`, { token: adminToken, json: {} });
  if (secret.status !== 201) throw new Error(`create secret failed: ${secret.status} ${secret.text}`);
  return { accountId: account.body.id, clientId: secret.body.clientId, secretId: secret.body.id, clientSecret: secret.body.clientSecret };
}
