import { Controller, Get, Header, Inject } from '@nestjs/common';
import { AuthorizationServerMetadata, JsonWebKeySet } from '@tessera/contracts';
import { ApiDoc } from '../ops/api-doc.decorator';
import { ADMIN_SCOPE, INTROSPECT_SCOPE } from '@tessera/domain';
import { CONFIG } from '../common/tokens';
import type { Config } from '../config/env';
import { SigningKeysService } from './signing-keys.service';

/** Discovery: RFC 8414 metadata (also at the OpenID path) and the RFC 7517 key set. */
@Controller('.well-known')
export class WellKnownController {
  private readonly metadata: AuthorizationServerMetadata;

  constructor(
    private readonly keys: SigningKeysService,
    @Inject(CONFIG) config: Config,
  ) {
    const base = config.issuer;
    const authMethods = ['client_secret_basic', 'client_secret_post'];
    this.metadata = {
      issuer: base,
      token_endpoint: `${base}/oauth/token`,
      jwks_uri: `${base}/.well-known/jwks.json`,
      grant_types_supported: ['client_credentials'],
      token_endpoint_auth_methods_supported: authMethods,
      introspection_endpoint: `${base}/oauth/introspect`,
      introspection_endpoint_auth_methods_supported: authMethods,
      revocation_endpoint: `${base}/oauth/revoke`,
      revocation_endpoint_auth_methods_supported: authMethods,
      scopes_supported: [ADMIN_SCOPE, INTROSPECT_SCOPE],
      response_types_supported: [],
      service_documentation: `${base}/docs`,
    } as AuthorizationServerMetadata;
  }

  @Get('oauth-authorization-server')
  @ApiDoc({ summary: 'Authorization server metadata (RFC 8414)', tag: 'discovery', responses: { 200: AuthorizationServerMetadata } })
  @Header('Cache-Control', 'public, max-age=300')
  authorizationServer(): AuthorizationServerMetadata {
    return this.metadata;
  }

  @Get('openid-configuration')
  @ApiDoc({ summary: 'The same metadata at the OpenID discovery path', tag: 'discovery', responses: { 200: AuthorizationServerMetadata } })
  @Header('Cache-Control', 'public, max-age=300')
  openidConfiguration(): AuthorizationServerMetadata {
    return this.metadata;
  }

  @Get('jwks.json')
  @ApiDoc({ summary: 'Public signing keys (RFC 7517)', tag: 'discovery', responses: { 200: JsonWebKeySet } })
  @Header('Cache-Control', 'public, max-age=60')
  jwks(): JsonWebKeySet {
    return { keys: this.keys.publicJwks() };
  }
}
