import { Injectable, SetMetadata, UseGuards, applyDecorators, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { BearerException, ProblemException, namesNoApi, noRoute } from '../common/http-errors';
import type { Principal } from './principal';

/** What a protected route requires of its caller's token. */
export interface TokenRequirement {
  /**
   * Route parameter that names the API the token must be for (its `aud`): `api` in every route,
   * the name {@link namesNoApi} reads too.
   */
  readonly audienceParam: 'api';
  /**
   * The route's own path-parameter pipe, run before the token is looked at: a path the route
   * refuses gets the route's 400 whatever the token, and `scopes` only ever sees parameters that
   * passed it. Share the instance with the handler (through `@Param`, or called itself), which
   * then finds the result memoised.
   */
  readonly params?: { transform(params: Readonly<Record<string, string>>): Readonly<Record<string, string>> };
  /** Scopes the token must hold, computed from the route parameters (checked by `params`, if given). */
  readonly scopes: (params: Readonly<Record<string, string>>, method: string) => readonly string[];
  /**
   * `not_found`: a token for another API gets 404, as if the route's API did not exist (tenant
   * isolation of the management API); default: 401 invalid_token.
   */
  readonly wrongAudience?: 'invalid_token' | 'not_found';
}

const REQUIREMENT = Symbol('token-requirement');

/**
 * Bearer guard (RFC 6750) built on @nestjs/passport: checks the path, verifies the token, then
 * checks that it is for this route's API and holds the route's scopes. 404 for a path that cannot
 * name an API (405 where another method's route takes it), 400 for path parameters the route
 * refuses, 401 `invalid_token` / 403 `insufficient_scope`.
 */
@Injectable()
export class BearerGuard extends AuthGuard('bearer') {
  /** Each route handler's requirement, read from its metadata once. */
  private readonly requirements = new WeakMap<object, TokenRequirement | null>();

  constructor(private readonly reflector: Reflector) {
    super();
  }

  private requirementOf(context: ExecutionContext): TokenRequirement | null {
    const handler = context.getHandler();
    let requirement = this.requirements.get(handler);
    if (requirement === undefined) {
      requirement = this.reflector.getAllAndOverride<TokenRequirement | undefined>(REQUIREMENT, [handler, context.getClass()]) ?? null;
      this.requirements.set(handler, requirement);
    }
    return requirement;
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const requirement = this.requirementOf(context);
    const request = context.switchToHttp().getRequest<FastifyRequest & { user: Principal; params: Record<string, string> }>();
    // A path whose API segment cannot name an API (`GET /oauth/token`, `/health/nope`) is not a
    // route at all: 404 as for any unknown path (405 where the path is another method's route),
    // rather than asking for a token.
    if (requirement && namesNoApi(request.params)) {
      throw noRoute(request);
    }
    // Parameters the route would refuse anyway (a collection named `ā`) get its 400 for any
    // caller, and never reach a scope or a header.
    const params = requirement?.params ? requirement.params.transform(request.params) : request.params;
    await super.canActivate(context);
    if (!requirement) return true;
    const { claims, scopes } = request.user;
    if (claims.aud !== request.params[requirement.audienceParam]) {
      if (requirement.wrongAudience === 'not_found') throw new ProblemException('RESOURCE.NOT_FOUND', 'Not found.');
      throw new BearerException('invalid_token', 'The access token is not for this API.');
    }
    const required = requirement.scopes(params, request.method);
    const missing = required.filter((scope) => !scopes.has(scope));
    if (missing.length > 0) {
      throw new BearerException('insufficient_scope', `The access token lacks the scope ${missing.join(' ')}.`, required);
    }
    return true;
  }

  override handleRequest<T = Principal>(error: unknown, user: T | false, _info: unknown, _context: ExecutionContext, status?: number): T {
    if (error) throw error;
    // passport-http-bearer fails with 400 when the Authorization header is not two parts, or
    // when a token also came in the body or query (RFC 6750 §2: one method per request).
    if (!user && status === 400) {
      throw new BearerException('invalid_request', 'The token must come in one Authorization header of the form "Bearer <token>", and nowhere else.');
    }
    if (!user) throw new BearerException(null, 'An access token is required: send Authorization: Bearer <token>.');
    return user;
  }
}

/** Protects a route or controller with a bearer token for the API in `audienceParam`. */
export function RequireToken(requirement: TokenRequirement): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(REQUIREMENT, requirement), UseGuards(BearerGuard));
}
