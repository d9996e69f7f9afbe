import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ADMIN_SCOPE } from '@tessera/domain';
import type { FastifyRequest } from 'fastify';
import { RequireToken } from '../auth/bearer.guard';
import type { Principal } from '../auth/principal';
import { requestSource } from '../common/request-context';
import type { AuditContext } from '../events/audit-context';

/** Management routes: a token for this API (`:api`) holding `tessera:admin`; another API's token sees 404. */
export const RequireAdmin = (): MethodDecorator & ClassDecorator =>
  RequireToken({ audienceParam: 'api', scopes: () => [ADMIN_SCOPE], wrongAudience: 'not_found' });

/** The audit context of an admin request: the calling client and where it called from. */
export const Actor = createParamDecorator((_data: unknown, context: ExecutionContext): AuditContext => {
  const request = context.switchToHttp().getRequest<FastifyRequest & { user: Principal }>();
  return { actor: { kind: 'account', clientId: request.user.claims.client_id }, source: requestSource(request) };
});
