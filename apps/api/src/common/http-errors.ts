import { isApiSlug, type OAuthErrorCode, type ValidationIssue } from '@tessera/contracts';
import type { FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { isScope } from '@tessera/domain';
import type { ErrorCode, Failure } from './app-error';
import { STATUS_BY_CODE } from './error-status';

/** Thrown by controllers and pipes only: an error body `{error:{code,message,requestId}}`. */
export class ProblemException extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
    readonly issues: readonly ValidationIssue[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'ProblemException';
  }

  static from(failure: Failure): ProblemException {
    // A failure about one request field (details.field) is reported like any validation issue.
    const field = failure.details.field;
    const issues = typeof field === 'string' ? [{ path: field, message: failure.message }] : [];
    return new ProblemException(failure.code, failure.message, failure.details, issues);
  }
}

/**
 * Whether the path parameters the router matched cannot be a route's after all. Every route that
 * names an API does so in `:api`, and a path whose segment there cannot name an API is no route,
 * whichever route the router matched it to: `/oauth/token` is not the demo collection `token` of
 * an API `oauth`, nor `/health/nope` the collection `nope` of an API `health`.
 */
export function namesNoApi(params: Readonly<Record<string, string | undefined>>): boolean {
  return params.api !== undefined && !isApiSlug(params.api);
}

/**
 * The answer to a method and path that is no route: `405` with an `Allow` header when the path is
 * a route for other methods (as Fastify's router finds them: HEAD wherever GET is), else `404`.
 * The same for every route, whether the router found nothing for the method or found a route the
 * path cannot be (see {@link namesNoApi}).
 */
export function noRoute(request: Pick<FastifyRequest, 'method' | 'url' | 'server'>): ProblemException {
  const path = request.url.split('?')[0]!;
  const allowed = routable(path, request.server.initialConfig.maxParamLength ?? 100)
    ? request.server.supportedMethods
        .filter((method) => {
          if (method === request.method) return false;
          // Typed as always found, but null when no route matches.
          const route = request.server.findRoute({ method: method as HTTPMethods, url: request.url }) as { params: Record<string, string | undefined> } | null;
          return route !== null && !namesNoApi(route.params);
        })
        .sort()
    : [];
  if (allowed.length === 0) return new ProblemException('RESOURCE.NOT_FOUND', `No route ${request.method} ${path}.`);
  const allow = allowed.join(', ');
  return new ProblemException('REQUEST.METHOD_NOT_ALLOWED', `${request.method} is not allowed on ${path}; it takes ${allow}.`, {}, [], { Allow: allow });
}

/**
 * Whether the router can match `path` to a route at all. A segment longer than `maxParamLength`
 * makes it find its own error handler (404) under every method whose routes have a parameter
 * there, which is no route to offer in `Allow`. (A path that does not decode never gets here:
 * the router refuses it with 400 before it looks at the method.)
 */
function routable(path: string, maxParamLength: number): boolean {
  return path.split('/').every((segment) => segment.length <= maxParamLength);
}

/** An RFC 6749 §5.2 error of the OAuth endpoints. */
export class OAuthException extends Error {
  constructor(
    readonly error: OAuthErrorCode,
    readonly description: string,
    readonly status: number = 400,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(description);
    this.name = 'OAuthException';
  }
}

/**
 * Answers an RFC 6749 §5.2 error, `{error, error_description}`, never cached (§5.1): the one shape
 * of every error of the OAuth endpoints, whether the exception filter or a request hook refuses.
 */
export function sendOAuthError(reply: FastifyReply, status: number, error: OAuthErrorCode, description: string, headers: Readonly<Record<string, string>> = {}): void {
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  reply.header('Cache-Control', 'no-store').header('Pragma', 'no-cache');
  reply.status(status).send({ error, error_description: description });
}

/**
 * Answers a problem: in RFC 6749's shape on the OAuth endpoints (a 401 or 405 keeps its status,
 * and a 405 its `Allow` header; any other refusal is a 400; a path there that is no route is a
 * plain 404), else as `{ error: { code, message, requestId, details?, issues? } }`.
 */
export function sendProblem(request: Pick<FastifyRequest, 'id' | 'url'>, reply: FastifyReply, problem: ProblemException): void {
  const status = STATUS_BY_CODE[problem.code];
  if (request.url.startsWith('/oauth/') && status < 500 && status !== 404) {
    sendOAuthError(reply, status === 401 || status === 405 ? status : 400, status === 401 ? 'invalid_client' : 'invalid_request', problem.message, problem.headers);
    return;
  }
  for (const [name, value] of Object.entries(problem.headers)) reply.header(name, value);
  const body: Record<string, unknown> = { code: problem.code, message: problem.message, requestId: String(request.id) };
  if (Object.keys(problem.details).length > 0) body.details = problem.details;
  if (problem.issues.length > 0) body.issues = problem.issues;
  reply.status(status).send({ error: body });
}

/** What an `error_description` may hold (RFC 6750 §3): printable ASCII but `"` and `\`. */
const NOT_DESCRIPTION_CHARACTER = /[^\x20\x21\x23-\x5B\x5D-\x7E]/g;

/** An RFC 6750 bearer-token failure: 401/403 with a `WWW-Authenticate: Bearer` challenge. */
export class BearerException extends Error {
  constructor(
    /** Absent when the request carried no token at all (RFC 6750 §3.1). */
    readonly error: 'invalid_request' | 'invalid_token' | 'insufficient_scope' | null,
    readonly description: string,
    /** The scopes the route requires, named in the challenge's `scope` attribute. */
    readonly requiredScopes: readonly string[] = [],
  ) {
    super(description);
    this.name = 'BearerException';
  }

  get status(): number {
    if (this.error === 'insufficient_scope') return 403;
    if (this.error === 'invalid_request') return 400;
    return 401;
  }

  /**
   * The `WWW-Authenticate` value. Only characters RFC 6750 §3 allows ever reach it, whatever the
   * description and scopes: the description loses every other character, and the `scope`
   * attribute is left out unless every required scope is a scope token (RFC 6749 §3.3) — a
   * partial list would tell the client a wrong requirement.
   */
  get challenge(): string {
    const parts = ['realm="tessera"'];
    if (this.error) parts.push(`error="${this.error}"`, `error_description="${this.description.replace(NOT_DESCRIPTION_CHARACTER, '')}"`);
    if (this.requiredScopes.length > 0 && this.requiredScopes.every(isScope)) parts.push(`scope="${this.requiredScopes.join(' ')}"`);
    return `Bearer ${parts.join(', ')}`;
  }
}
