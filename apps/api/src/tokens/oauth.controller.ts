import { Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import { IntrospectionRequest, IntrospectionResponse, OAuthTokenRequest, OAuthTokenResponse, RevocationRequest } from '@tessera/contracts';
import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import { OAuthException } from '../common/http-errors';
import { ApiDoc } from '../ops/api-doc.decorator';
import { clientContext } from '../common/request-context';
import { clientCredentials, formField, invalidClient, type ClientCredentials, type FormBody } from './client-credentials';
import { TokenIntrospection } from './token-introspection.service';
import { TokenService, type TokenFailure } from './token.service';

const FORM = 'application/x-www-form-urlencoded';

/**
 * OAuth 2.0 endpoints: client credentials grant (RFC 6749 §4.4), introspection (RFC 7662),
 * revocation (RFC 7009). Each handler takes the request alone and reads its form and
 * Authorization header from it: Nest resolves every decorated parameter through a promise of its
 * own on each request, which the token endpoint, Tessera's hottest route, need not pay four times.
 * Their answers are never cached (RFC 6749 §5.1), errors included: the headers are set before
 * the handler runs.
 */
@Controller('oauth')
export class OAuthController {
  constructor(
    private readonly tokens: TokenService,
    private readonly introspection: TokenIntrospection,
  ) {}

  @Post('token')
  @ApiDoc({ summary: 'Client credentials grant (RFC 6749 §4.4)', tag: 'oauth', auth: 'client', body: OAuthTokenRequest, bodyType: FORM, responses: { 200: OAuthTokenResponse }, compiledResponse: true })
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async token(@Req() request: FastifyRequest): Promise<OAuthTokenResponse> {
    const form = formBody(request);
    const grantType = formField(form, 'grant_type');
    if (!grantType) throw new OAuthException('invalid_request', 'The "grant_type" parameter is required.');
    if (grantType !== 'client_credentials') {
      throw new OAuthException('unsupported_grant_type', 'Only the client_credentials grant is supported.');
    }
    const credentials = clientCredentials(request.headers.authorization, form);
    const scope = formField(form, 'scope');
    const result = await this.tokens.issue({
      clientId: credentials.clientId,
      clientSecret: credentials.clientSecret,
      scope,
      grant: 'client_credentials',
      context: clientContext(request, credentials.clientId),
    });
    if (!result.ok) throw oauthFailure(result.failure, credentials);
    return { access_token: result.value.token, token_type: 'Bearer', expires_in: result.value.expiresIn, scope: result.value.scope };
  }

  @Post('introspect')
  @ApiDoc({ summary: 'Token introspection (RFC 7662)', tag: 'oauth', auth: 'client', body: IntrospectionRequest, bodyType: FORM, responses: { 200: IntrospectionResponse } })
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async introspect(@Req() request: FastifyRequest): Promise<IntrospectionResponse> {
    const form = formBody(request);
    const credentials = clientCredentials(request.headers.authorization, form);
    const caller = await this.tokens.authenticateClient(credentials.clientId, credentials.clientSecret, 'introspection', clientContext(request, credentials.clientId));
    if (!caller.ok) throw oauthFailure(caller.failure, credentials);
    const token = formField(form, 'token');
    if (!token) throw new OAuthException('invalid_request', 'The "token" parameter is required.');
    return this.introspection.introspect(token, caller.account);
  }

  @Post('revoke')
  @ApiDoc({ summary: 'Token revocation (RFC 7009)', tag: 'oauth', auth: 'client', body: RevocationRequest, bodyType: FORM, responses: { 200: z.object({}) } })
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  async revoke(@Req() request: FastifyRequest): Promise<Record<string, never>> {
    const form = formBody(request);
    const credentials = clientCredentials(request.headers.authorization, form);
    const context = clientContext(request, credentials.clientId);
    const caller = await this.tokens.authenticateClient(credentials.clientId, credentials.clientSecret, 'introspection', context);
    if (!caller.ok) throw oauthFailure(caller.failure, credentials);
    const token = formField(form, 'token');
    if (!token) throw new OAuthException('invalid_request', 'The "token" parameter is required.');
    // token_type_hint is only a hint (RFC 7009 §2.1): Tessera issues access tokens only, and looks
    // for one whatever the hint says, unknown values included. It still must not repeat.
    formField(form, 'token_type_hint');
    const outcome = await this.introspection.revoke(token, caller.account, context);
    if (outcome === 'not_yours') throw new OAuthException('unauthorized_client', 'The token was not issued to this client.', 400);
    return {};
  }
}

function formBody(request: FastifyRequest): FormBody {
  const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== FORM) throw new OAuthException('invalid_request', `The request body must be ${FORM}.`);
  return (request.body as FormBody | undefined) ?? {};
}

function oauthFailure(failure: TokenFailure, credentials: ClientCredentials): OAuthException {
  switch (failure.kind) {
    case 'invalid_scope':
      return new OAuthException('invalid_scope', failure.message);
    case 'throttled':
      return new OAuthException('invalid_request', 'Too many failed authentications; try again later.', 429, {
        'Retry-After': String(failure.retryAfterSeconds),
      });
    case 'invalid_client':
      return invalidClient(credentials.method);
  }
}
