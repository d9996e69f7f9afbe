/**
 * The token client a service uses to call an API protected by Tessera: it gets access tokens with
 * the OAuth 2.0 client-credentials grant (RFC 6749 §4.4, `client_secret_basic`), keeps one cached
 * and refreshes it shortly before it expires, and sends it with {@link TokenClient.fetch}.
 */
import { IntrospectionResponse, OAuthErrorResponse, OAuthTokenResponse, type AuthorizationServerMetadata } from '@tessera/contracts';
import { basicAuthorization, isInvalidTokenChallenge } from './authorization';
import { discover } from './discovery';
import { TokenRequestError } from './errors';
import { requestContext, retryingRequest, type RequestContext, type RetryOptions } from './retrying-request';
import { refreshTime } from './timing';

export interface TokenClientOptions {
  /** Tessera's issuer URL, exactly as its tokens' `iss` and its metadata's `issuer` say, e.g. `https://id.example.com`. */
  readonly issuer: string;
  readonly clientId: string;
  /** The client secret. It is kept in a private field: no message, `JSON.stringify` or `util.inspect` shows it. */
  readonly clientSecret: string;
  /** The scopes to ask for (a list, or one space-delimited string). Default: every scope the account was granted. */
  readonly scope?: string | readonly string[];
  /** The token endpoint. Default: discovered once from the issuer's metadata (RFC 8414). */
  readonly tokenEndpoint?: string;
  /** The introspection endpoint, for {@link TokenClient.introspect}. Default: discovered likewise. */
  readonly introspectionEndpoint?: string;
  /** The fetch to send requests with. Default: the global `fetch`. */
  readonly fetch?: typeof globalThis.fetch;
  /** How requests to Tessera are retried (5xx, 429, network failures). */
  readonly retry?: RetryOptions;
  /**
   * After an early refresh failed while the cached token was still valid, how long (ms) the
   * cached token is served before the next attempt. Default 5,000.
   */
  readonly refreshRetryDelayMs?: number;
  /**
   * The least time (ms) between two tokens {@link TokenClient.fetch} asks for because a resource
   * server refused the cached one with `invalid_token`: within it, such a `401` is returned as it
   * is. It bounds the token requests a refusal that a new token does not cure (another API's
   * audience, another issuer, a resource server that has not fetched the keys yet) costs. Default
   * 30,000.
   */
  readonly forcedRefreshIntervalMs?: number;
  /** The clock, in ms since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

interface CachedToken {
  readonly accessToken: string;
  /** From here on, the next `getToken` asks for a new token. */
  refreshAt: number;
  /** From here on, the token is no longer served at all. */
  readonly expiresAt: number;
}

/** Gets, caches and sends access tokens for one client. Create it with {@link createTokenClient}. */
export class TokenClient {
  readonly issuer: string;
  readonly clientId: string;
  /** The scopes asked for, space-delimited; undefined when none were named. */
  readonly scope: string | undefined;

  readonly #authorization: string;
  readonly #clientSecret: string;
  readonly #context: RequestContext;
  readonly #refreshRetryDelayMs: number;
  readonly #forcedRefreshIntervalMs: number;
  readonly #tokenEndpoint: string | undefined;
  readonly #introspectionEndpoint: string | undefined;
  #metadata: Promise<AuthorizationServerMetadata> | undefined;
  #cached: CachedToken | undefined;
  #inFlight: Promise<CachedToken> | undefined;
  /** When {@link fetch} last dropped a token refused with `invalid_token` to ask for a new one. */
  #lastForcedRefreshAt = Number.NEGATIVE_INFINITY;

  constructor(options: TokenClientOptions) {
    if (!options.clientId || !options.clientSecret) throw new TypeError('createTokenClient needs a clientId and a clientSecret.');
    new URL(options.issuer); // a TypeError now, not at the first request
    this.issuer = options.issuer;
    this.clientId = options.clientId;
    const scope = typeof options.scope === 'string' ? options.scope.trim() : options.scope?.join(' ');
    this.scope = scope ? scope : undefined;
    this.#clientSecret = options.clientSecret;
    this.#authorization = basicAuthorization(options.clientId, options.clientSecret);
    this.#tokenEndpoint = options.tokenEndpoint;
    this.#introspectionEndpoint = options.introspectionEndpoint;
    this.#refreshRetryDelayMs = options.refreshRetryDelayMs ?? 5_000;
    this.#forcedRefreshIntervalMs = options.forcedRefreshIntervalMs ?? 30_000;
    this.#context = requestContext(options);
  }

  /**
   * An access token: the cached one while more than max(30 s, 10% of its lifetime) of it is left,
   * else a new one. Callers that ask at the same time share one token request. When an early
   * refresh fails while the cached token is still valid, the cached token is returned (and the
   * refresh tried again `refreshRetryDelayMs` later); otherwise the failure is thrown as a
   * {@link TokenRequestError}.
   */
  async getToken(): Promise<string> {
    const cached = this.#cached;
    const now = this.#context.now();
    if (cached && now < cached.refreshAt) return cached.accessToken;
    try {
      return (await this.#refresh()).accessToken;
    } catch (error) {
      // `#cached` may have been replaced or dropped meanwhile: only the token asked about is kept.
      if (cached && this.#cached === cached && this.#context.now() < cached.expiresAt) {
        cached.refreshAt = Math.min(cached.expiresAt, this.#context.now() + this.#refreshRetryDelayMs);
        return cached.accessToken;
      }
      throw error;
    }
  }

  /** Drops the cached token: the next {@link getToken} asks for a new one. */
  invalidate(): void {
    this.#cached = undefined;
  }

  /**
   * `fetch` with `Authorization: Bearer <token>`. When the answer is `401` with
   * `WWW-Authenticate: Bearer error="invalid_token"` (the token was revoked or expired early), the
   * token is dropped and the request sent once more with a new one, if its body can be sent
   * again (none, a string, `URLSearchParams`, a `Blob`, `FormData` or bytes; not a stream, nor a
   * `Request` object with a body). If no new token can be had, the `401` is returned as it is,
   * and the next {@link getToken} throws why.
   *
   * The rule: a token is dropped for such a `401` at most once per `forcedRefreshIntervalMs`
   * (30 s) per client. Within that interval the `401` is returned as it is, without a token
   * request, unless the refused token has already been replaced (by a concurrent call): then the
   * request is sent once more with the replacement, which costs no token request. A refusal that a
   * new token cures (the token was revoked: `/oauth/revoke`, scopes narrowed, a secret disabled, a
   * signing key withdrawn) is thus cured at the first `401`, however young the token; one that it
   * does not cure (a URL of another API, another issuer, a resource server without the keys yet)
   * costs one token request per interval rather than one per call. The price: a token revoked
   * within 30 s of the previous forced refresh is replaced only once the interval has passed (or
   * at its scheduled refresh, or after {@link invalidate}). The token's age is not the rule: a
   * token revoked seconds after it was issued (its secret disabled) must be replaced too.
   */
  async fetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const token = await this.getToken();
    const response = await this.#context.fetch(input, withBearer(input, init, token));
    if (response.status !== 401 || !isInvalidTokenChallenge(response.headers.get('www-authenticate')) || !replayable(input, init)) return response;
    // Concurrent requests may all come back 401 with the same token: the first drops it, the
    // others must not drop the new one it got, and send the request again with that one.
    if (this.#cached?.accessToken === token) {
      const now = this.#context.now();
      // A clock set back does not hold forced refreshes back for as long.
      const sinceLast = now - this.#lastForcedRefreshAt;
      if (sinceLast >= 0 && sinceLast < this.#forcedRefreshIntervalMs) return response;
      this.#lastForcedRefreshAt = now;
      this.#cached = undefined;
    }
    let fresh: string;
    try {
      fresh = await this.getToken();
    } catch {
      return response;
    }
    await response.body?.cancel();
    return this.#context.fetch(input, withBearer(input, init, fresh));
  }

  /**
   * Asks Tessera about a token (RFC 7662, `POST /oauth/introspect`). Unlike an offline check, this
   * sees revocations: a disabled secret or account, a revoked token. A client sees only its own
   * tokens; an account with the `tessera:introspect` scope sees every token of its API.
   */
  async introspect(token: string): Promise<IntrospectionResponse> {
    const endpoint = this.#introspectionEndpoint ?? (await this.#discovered()).introspection_endpoint;
    if (!endpoint) throw new TokenRequestError('invalid_response', `The metadata of ${this.issuer} names no introspection endpoint.`);
    const response = await this.#post('introspection request', endpoint, new URLSearchParams({ token }));
    const parsed = IntrospectionResponse.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new TokenRequestError('invalid_response', `The introspection answer from ${endpoint} is not RFC 7662 JSON.`, response.status);
    return parsed.data;
  }

  /** What `JSON.stringify` shows: never the secret. */
  toJSON(): { issuer: string; clientId: string; scope: string | undefined } {
    return { issuer: this.issuer, clientId: this.clientId, scope: this.scope };
  }

  /** A new token from the token endpoint; one request at a time, shared by every caller. */
  #refresh(): Promise<CachedToken> {
    this.#inFlight ??= this.#requestToken().finally(() => {
      this.#inFlight = undefined;
    });
    return this.#inFlight;
  }

  async #requestToken(): Promise<CachedToken> {
    const endpoint = this.#tokenEndpoint ?? (await this.#discovered()).token_endpoint;
    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    if (this.scope) form.set('scope', this.scope);
    const sentAt = this.#context.now();
    const response = await this.#post('token request', endpoint, form);
    const parsed = OAuthTokenResponse.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) throw new TokenRequestError('invalid_response', `The token answer from ${endpoint} is not an RFC 6749 bearer token response.`, response.status);
    // The lifetime is counted from when the request was sent: the server's clock started no earlier.
    const token: CachedToken = { accessToken: parsed.data.access_token, ...refreshTime(sentAt, parsed.data.expires_in) };
    this.#cached = token;
    return token;
  }

  /**
   * POSTs a form with the client's Basic authentication; an answer other than 2xx is thrown. A
   * 4xx other than 429 (`invalid_client`, `invalid_scope`, `invalid_request`,
   * `unsupported_grant_type`, …) is thrown at once: the same request would get it again.
   */
  async #post(what: string, endpoint: string, form: URLSearchParams): Promise<Response> {
    const response = await retryingRequest(this.#context, what, endpoint, {
      method: 'POST',
      headers: { authorization: this.#authorization, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: form.toString(),
    });
    if (response.ok) return response;
    const body = OAuthErrorResponse.safeParse(await response.json().catch(() => undefined));
    if (!body.success) {
      throw new TokenRequestError('invalid_response', `The ${what} to ${endpoint} was answered ${response.status} without an OAuth error.`, response.status);
    }
    const { error, error_description: description } = body.data;
    const told = description ? `: ${this.#redact(description)}` : '';
    throw new TokenRequestError(error, `The ${what} for client ${this.clientId} was refused with ${error} (HTTP ${response.status})${told}`, response.status);
  }

  /** The issuer's metadata, fetched once; a failed discovery is tried again by the next call. */
  #discovered(): Promise<AuthorizationServerMetadata> {
    this.#metadata ??= discover(this.#context, this.issuer).catch((error: unknown) => {
      this.#metadata = undefined;
      throw error;
    });
    return this.#metadata;
  }

  /** Text from the server, with the secret cut out should it ever be echoed. */
  #redact(text: string): string {
    return text.split(this.#clientSecret).join('[redacted]');
  }
}

/** A token client for one service account: see {@link TokenClient}. */
export function createTokenClient(options: TokenClientOptions): TokenClient {
  return new TokenClient(options);
}

/** `init` with the bearer token set, over the headers of `init` or else of the `Request`. */
function withBearer(input: string | URL | Request, init: RequestInit, token: string): RequestInit {
  const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
  headers.set('authorization', `Bearer ${token}`);
  return { ...init, headers };
}

/** Whether the request can be sent a second time with the same body. */
function replayable(input: string | URL | Request, init: RequestInit): boolean {
  if (init.body === undefined || init.body === null) return !(input instanceof Request) || input.body === null;
  const body: unknown = init.body;
  return (
    typeof body === 'string' ||
    body instanceof URLSearchParams ||
    body instanceof Blob ||
    body instanceof FormData ||
    body instanceof ArrayBuffer ||
    ArrayBuffer.isView(body)
  );
}
