/**
 * Primitive schemas shared by every contract: prefixed ids, timestamps, API slugs and scopes.
 *
 * Ids are prefixed strings (`sa_…`, `sec_…`, `key_…`, `evt_…`). The schemas check the prefix and
 * a lenient body (letters, digits, `_`, `-`; the domain's ids are 22 base62 characters) but
 * infer plain `string`: the branded id types belong to `@tessera/domain`, whose id helper is the
 * one place that brands them, so domain values flow into responses without casts. An id never
 * contains `:` or `.`, which {@link jobIdFor} relies on.
 */
import { z } from 'zod';

/** An id with this prefix; `message` replaces the default error (e.g. for paging cursors). */
export function prefixedId(prefix: string, message = `expected an id like "${prefix}_…" (letters, digits, "_" or "-" after the prefix)`) {
  return z.string().regex(new RegExp(`^${prefix}_[A-Za-z0-9_-]{1,128}$`), { message });
}

/** Service account id, `sa_…`. */
export const ServiceAccountId = prefixedId('sa');
export type ServiceAccountId = z.infer<typeof ServiceAccountId>;

/** Secret id, `sec_…` (identifies a secret; never the secret itself). */
export const SecretId = prefixedId('sec');
export type SecretId = z.infer<typeof SecretId>;

/** Signing key id, `key_…` (the JWT `kid`). */
export const SigningKeyId = prefixedId('key');
export type SigningKeyId = z.infer<typeof SigningKeyId>;

/** Domain event id, `evt_…`. */
export const EventId = prefixedId('evt');
export type EventId = z.infer<typeof EventId>;

/** Public client id of a service account (opaque, non-guessable, not secret). */
export const ClientId = z.string().min(1).max(256);
export type ClientId = z.infer<typeof ClientId>;

/**
 * Whether `date` falls in the years 0001–9999 (UTC), the ones every database and ISO-8601 write
 * alike. A text that is no date at all is the format check's to report, once.
 */
function inStorableYears(date: Date): boolean {
  const year = date.getUTCFullYear();
  return Number.isNaN(year) || (year >= 1 && year <= 9999);
}

/** The message for a point in time outside {@link inStorableYears}, in the words of what was given. */
function outsideStorableYears(given: 'a date' | 'a date-time'): string {
  return `expected ${given} from the year 0001 to 9999 (UTC)`;
}

/**
 * ISO-8601 date-time with an explicit zone (`Z` or `±hh:mm`), e.g. `2026-01-31T12:00:00.000Z`.
 * Local times without a zone are rejected, and so are instants outside the years 0001–9999 in UTC
 * (`9999-12-31T23:59:59-01:00` is in the year 10000): PostgreSQL refuses such a date as
 * JavaScript writes it, which made them a 500 rather than a 400.
 */
export const IsoDateTime = z.iso
  .datetime({ offset: true, message: 'expected an ISO-8601 date-time with a time zone' })
  .refine((value) => inStorableYears(new Date(value)), { message: outsideStorableYears('a date-time') });
export type IsoDateTime = z.infer<typeof IsoDateTime>;

/** A date alone, in ISO-8601's calendar form: `2026-03-01`. */
const DATE_ALONE = /^\d{4}-\d{2}-\d{2}$/;
/** The date-time a date alone stands for, the start of that day in UTC; a date-time as it is. */
const startOfDay = (value: string): string => (DATE_ALONE.test(value) ? `${value}T00:00:00Z` : value);
const DATE_TIME_OR_DATE = 'expected an ISO-8601 date-time with a time zone, e.g. 2027-01-31T00:00:00Z, or a date, e.g. 2027-01-31 (the start of that day, UTC)';

/**
 * A point in time as {@link IsoDateTime} takes it, or a date alone (`2026-03-01`), which is the
 * start of that day in UTC; parses to the date-time (`2026-03-01T00:00:00Z`). A day that does not
 * exist (`2026-02-30`) is refused, whether alone or in a date-time, and so is one outside the
 * years 0001–9999, named as what was given (`0000-06-01`: "expected a date from the year 0001 to
 * 9999 (UTC)"). The one reading of a date wherever Tessera takes one: a secret's `expiresAt`, a
 * rotation's `disableOthersAfter`, the audit trail's `since` and `until`, and the CLI's date options.
 */
export const IsoDateTimeOrDate = z
  // The same reason from the union as from each form, whichever a reader of the issues looks at.
  .union([z.iso.date({ message: DATE_TIME_OR_DATE }), z.iso.datetime({ offset: true, message: DATE_TIME_OR_DATE })], { message: DATE_TIME_OR_DATE })
  .refine((value) => inStorableYears(new Date(startOfDay(value))), {
    error: (issue) => outsideStorableYears(DATE_ALONE.test(String(issue.input)) ? 'a date' : 'a date-time'),
  })
  .transform(startOfDay)
  .pipe(IsoDateTime);

/**
 * Slugs that would collide with Tessera's own top-level routes (`GET /:api/:collection` shares
 * the path space with `/oauth/…`, `/health/…`, `/apis/…`, …), so no API may use them.
 */
export const RESERVED_API_SLUGS = [
  'apis',
  'oauth',
  'health',
  'metrics',
  'docs',
  'system',
  'well-known',
  'jwks',
  'admin',
  'api',
] as const;

const API_SLUG_PATTERN = /^[a-z][a-z0-9-]{1,62}$/;
const RESERVED = new Set<string>(RESERVED_API_SLUGS);

/**
 * API (tenant) slug: 2–63 characters, lowercase letters, digits and `-`, starting with a letter,
 * e.g. `my-api`. Reserved route names ({@link RESERVED_API_SLUGS}) are refused.
 */
export const ApiSlug = z
  .string()
  .regex(API_SLUG_PATTERN, {
    message: 'expected 2-63 lowercase letters, digits or "-", starting with a letter',
  })
  .refine((slug) => !RESERVED.has(slug), {
    message: 'this name is reserved',
  });

/**
 * Validates the environment with `schema`. A variable set to the empty string (`PORT= npm start`,
 * an empty line in an env file) counts as unset and gets its default — except those in
 * `refuseEmpty` (where a silent default would change the deployment, e.g. an empty
 * `DATABASE_URL` falling back to a local SQLite file). Every problem is named, one per line.
 */
export function parseEnvironment<S extends z.ZodType>(
  schema: S,
  env: Readonly<Record<string, string | undefined>>,
  refuseEmpty: readonly string[],
): { ok: true; value: z.output<S> } | { ok: false; problems: string[] } {
  const variables: Record<string, string> = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (value !== '') variables[name] = value;
    else if (refuseEmpty.includes(name)) problems.push(`${name}: is set but empty (unset it, or give it a value)`);
  }
  const parsed = schema.safeParse(variables);
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  if (!parsed.success || problems.length > 0) return { ok: false, problems };
  return { ok: true, value: parsed.data };
}

/**
 * A whole-number environment variable from `min` to `max` (no upper bound without `max`), in
 * decimal digits (spaces around them are ignored). Anything else gets one plain message naming the
 * range and the value given — `must be a whole number from 0 to 65535, got "abc"` — where zod's
 * own would say "Invalid input: expected number, received NaN" or "expected int, received number".
 */
export function wholeNumberVariable(min: number, max?: number) {
  const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
  return z.string().transform((raw, ctx) => {
    const digits = raw.trim();
    const value = /^\d+$/.test(digits) ? Number(digits) : Number.NaN;
    if (Number.isSafeInteger(value) && value >= min && (max === undefined || value <= max)) return value;
    ctx.addIssue({ code: 'custom', message: `must be a whole number ${range}, got ${JSON.stringify(shortened(raw))}` });
    return z.NEVER;
  });
}

/**
 * An environment variable that takes one of `values`. Anything else gets one plain message listing
 * them and the value given — `must be true or false, got "yes"` — where zod's own would say
 * `Invalid option: expected one of "true"|"false"`.
 */
export function choiceVariable<const T extends readonly [string, ...string[]]>(values: T) {
  const last = values[values.length - 1];
  const listed = values.length === 1 ? last : `${values.length > 2 ? 'one of ' : ''}${values.slice(0, -1).join(', ')} or ${last}`;
  return z.enum(values, { error: (issue) => `must be ${listed}, got ${JSON.stringify(shortened(String(issue.input)))}` });
}

/** `true` or `false`, the one spelling of a switch in Tessera's environment. */
export const SwitchVariable = choiceVariable(['true', 'false']);

/** `LOG_LEVEL` of the API and the worker: pino's levels. */
export const LogLevelVariable = choiceVariable(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** A value given in the environment as a message shows it: at most 40 characters. */
function shortened(raw: string): string {
  return raw.length > 40 ? `${raw.slice(0, 40)}…` : raw;
}

/** Whether `value` can name an API ({@link ApiSlug} without the error messages; cheap enough for every request). */
export function isApiSlug(value: unknown): value is ApiSlug {
  return typeof value === 'string' && API_SLUG_PATTERN.test(value) && !RESERVED.has(value);
}
export type ApiSlug = z.infer<typeof ApiSlug>;

/**
 * One OAuth scope token (RFC 6749 §3.3: printable ASCII except space, `"` and `\`), e.g.
 * `products:read`. At most 128 characters.
 */
export const Scope = z
  .string()
  .regex(/^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/, {
    message: 'expected a scope of 1-128 printable characters without spaces, quotes or backslashes',
  });
export type Scope = z.infer<typeof Scope>;

/** A list of distinct scopes (at most 100). */
export const ScopeList = z
  .array(Scope)
  .max(100)
  .refine((scopes) => new Set(scopes).size === scopes.length, { message: 'scopes must be distinct' });
export type ScopeList = z.infer<typeof ScopeList>;

/**
 * A space-delimited scope string as carried by OAuth (`scope` parameter and claim): zero or more
 * scope tokens separated by single spaces. The empty string means "no scopes".
 */
export const ScopeString = z
  .string()
  .max(8192)
  .regex(/^(?:[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*)?$/, {
    message: 'expected scopes separated by single spaces',
  });
export type ScopeString = z.infer<typeof ScopeString>;

/** Splits a space-delimited scope string into its scopes (`''` → `[]`). */
export function splitScope(scope: string): string[] {
  return scope.split(' ').filter((part) => part.length > 0);
}

/** Joins scopes into the space-delimited form used by OAuth, without duplicates, order kept. */
export function joinScope(scopes: readonly string[]): string {
  return [...new Set(scopes)].join(' ');
}
