import { Injectable } from '@nestjs/common';
import type { IntrospectionResponse } from '@tessera/contracts';
import type { ServiceAccount } from '@tessera/domain';
import { ADMIN_SCOPE, INTROSPECT_SCOPE } from '@tessera/domain';
import { Store } from '@tessera/store';
import { RevocationService } from '../auth/revocation.service';
import { TokenVerifier } from '../auth/token-verifier.service';
import type { AuditContext } from '../events/audit-context';
import { EventWriter } from '../events/event-writer.service';

/** RFC 7662 introspection and RFC 7009 revocation of access tokens, for clients of the token's API. */
@Injectable()
export class TokenIntrospection {
  constructor(
    private readonly verifier: TokenVerifier,
    private readonly revocations: RevocationService,
    private readonly events: EventWriter,
    private readonly store: Store,
  ) {}

  /**
   * Active only when the token verifies, is live, is for the caller's API, and the caller may see
   * it: its own token, or any token of the API when the caller holds `tessera:introspect` (a
   * resource server) or `tessera:admin`. Anything else is "inactive" (RFC 7662 §2.2), so one
   * client cannot learn another's scopes.
   */
  async introspect(token: string, caller: ServiceAccount): Promise<IntrospectionResponse> {
    const verification = await this.verifier.verify(token);
    if (!verification.ok || verification.claims.aud !== caller.api) return { active: false };
    const granted = caller.scopes as readonly string[];
    const mayIntrospectAll = granted.includes(INTROSPECT_SCOPE) || granted.includes(ADMIN_SCOPE);
    if (verification.claims.client_id !== caller.clientId && !mayIntrospectAll) return { active: false };
    const c = verification.claims;
    return { active: true, scope: c.scope, client_id: c.client_id, token_type: 'Bearer', exp: c.exp, iat: c.iat, sub: c.sub, aud: c.aud, iss: c.iss, jti: c.jti };
  }

  /**
   * Revokes a token issued to the caller (or to any client of its API when the caller is an
   * admin). An invalid or already dead token is not an error (RFC 7009 §2.2), and neither is a
   * token of another API: each API is its own tenant, whose clients learn nothing of another's
   * tokens (here, whether one is still live), as with introspection. A live token of another
   * client of the same API is refused (`not_yours`, RFC 7009 §2.1).
   */
  async revoke(token: string, caller: ServiceAccount, context: AuditContext): Promise<'revoked' | 'inactive' | 'not_yours'> {
    const verification = await this.verifier.verify(token);
    if (!verification.ok || verification.claims.aud !== caller.api) return 'inactive';
    const c = verification.claims;
    const isAdmin = (caller.scopes as readonly string[]).includes(ADMIN_SCOPE);
    if (c.client_id !== caller.clientId && !isAdmin) return 'not_yours';
    const message = await this.store.transaction(async (tx) => {
      const revoked = await this.revocations.record(tx, 'token', c.jti, c.aud);
      const account = await tx.accounts.findByClientId(c.client_id);
      await this.events.record(
        tx,
        this.events.event('token.revoked', c.aud, context, account ? { accountId: account.id, secretId: c.secret_id } : {}, {
          jti: c.jti,
          expiresAt: new Date(c.exp * 1000).toISOString(),
          reason: 'revocation_request',
        }),
      );
      return revoked;
    });
    await this.revocations.publish([message]);
    return 'revoked';
  }
}
