/**
 * `@tessera/contracts`: the typed vocabulary spoken between Tessera's parts. Every contract is a
 * zod schema with the type of the same name inferred from it; parse again at every boundary.
 */
export * from './primitives';
export * from './errors';
export * from './token-claims';
export * from './http/tokens';
export * from './http/management';
export * from './http/leaked-secrets';
export * from './events';
export * from './jobs';
export * from './webhooks';
