import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AccessTokenClaims } from '@tessera/contracts';

/** The verified caller of a protected route. */
export interface Principal {
  readonly claims: AccessTokenClaims;
  readonly scopes: ReadonlySet<string>;
}

/** Injects the verified caller into a controller method. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  return context.switchToHttp().getRequest<{ user: Principal }>().user;
});
