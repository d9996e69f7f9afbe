/** Nest injection tokens for values that are not classes. */
export const CONFIG = Symbol('CONFIG');
export const CLOCK = Symbol('CLOCK');
export const RANDOM = Symbol('RANDOM');
export const HASHER = Symbol('HASHER');
export const PEPPER = Symbol('PEPPER');
