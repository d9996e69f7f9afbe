/** Nest injection tokens for values that are not classes. */
export const CONFIG = Symbol('CONFIG');
export const CLOCK = Symbol('CLOCK');
export const RANDOM = Symbol('RANDOM');
export const HASHER = Symbol('HASHER');
export const PEPPER = Symbol('PEPPER');
/** The KeyEncryption that seals webhook signing secrets. */
export const WEBHOOK_SECRETS = Symbol('WEBHOOK_SECRETS');
