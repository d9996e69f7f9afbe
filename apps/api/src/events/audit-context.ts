import type { EventActorKind } from '@tessera/contracts';

/** Who did something and from where: the "who/what, from where" of every audit event. */
export interface AuditContext {
  readonly actor: {
    readonly kind: EventActorKind;
    readonly clientId?: string;
    readonly accountId?: string;
  };
  readonly source: { readonly ip: string | null; readonly userAgent: string | null };
}

export const SYSTEM_CONTEXT: AuditContext = { actor: { kind: 'system' }, source: { ip: null, userAgent: null } };
export const CLI_CONTEXT: AuditContext = { actor: { kind: 'cli' }, source: { ip: null, userAgent: 'tessera-cli' } };
