/** Authorization server metadata discovery (RFC 8414). */
import { AuthorizationServerMetadata } from '@tessera/contracts';
import { TokenRequestError } from './errors';
import { retryingRequest, type RequestContext } from './retrying-request';

/**
 * Where an issuer publishes its metadata (RFC 8414 §3.1): the well-known segment goes between the
 * host and the issuer's path, so `https://id.example/tenant` → `https://id.example/.well-known/oauth-authorization-server/tenant`.
 */
export function metadataUrl(issuer: string): string {
  const url = new URL(issuer);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.origin}/.well-known/oauth-authorization-server${path}`;
}

/**
 * Fetches and checks the issuer's metadata. Its `issuer` must be exactly the configured one
 * (RFC 8414 §3.3): otherwise a server could hand out endpoints in another issuer's name.
 */
export async function discover(context: RequestContext, issuer: string): Promise<AuthorizationServerMetadata> {
  const url = metadataUrl(issuer);
  const response = await retryingRequest(context, 'metadata request', url, { headers: { accept: 'application/json' } });
  if (!response.ok) {
    await response.body?.cancel();
    throw new TokenRequestError('invalid_response', `The metadata request to ${url} was answered ${response.status}.`, response.status);
  }
  const parsed = AuthorizationServerMetadata.safeParse(await response.json().catch(() => undefined));
  if (!parsed.success) throw new TokenRequestError('invalid_response', `The metadata at ${url} is not RFC 8414 authorization server metadata.`, response.status);
  if (parsed.data.issuer !== issuer) {
    throw new TokenRequestError('issuer_mismatch', `The metadata at ${url} names the issuer ${parsed.data.issuer}, not ${issuer}.`, response.status);
  }
  return parsed.data;
}
