import { isClientId } from '@tessera/domain';
import type { FastifyRequest } from 'fastify';
import type { AuditContext } from '../events/audit-context';

/** "From where" of an HTTP request, for the audit trail. */
export function requestSource(request: FastifyRequest): AuditContext['source'] {
  const agent = request.headers['user-agent'];
  return { ip: request.ip ?? null, userAgent: typeof agent === 'string' ? agent.slice(0, 512) : null };
}

/**
 * A request made by a client authenticating itself (token endpoints). The presented client ID is
 * kept only when it is well formed: whatever else a caller sends never reaches the audit trail.
 */
export function clientContext(request: FastifyRequest, clientId?: string): AuditContext {
  return { actor: { kind: 'account', ...(clientId && isClientId(clientId) ? { clientId } : {}) }, source: requestSource(request) };
}
