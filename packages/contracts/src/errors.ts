/**
 * HTTP-level error codes and helpers that turn zod failures into readable, field-naming issues.
 *
 * Domain errors carry their own namespaced codes (`SECRET.EXPIRED`, …) from `@tessera/domain`;
 * the codes here are the ones the HTTP layer itself produces. Both appear in
 * {@link ErrorResponse}'s `error.code`.
 */
import { z } from 'zod';

/** HTTP-level error codes, grouped by namespace. Values are the wire form (`REQUEST.VALIDATION_FAILED`). */
export const ERROR_CODES = {
  REQUEST: {
    VALIDATION_FAILED: 'REQUEST.VALIDATION_FAILED',
    UNSUPPORTED_MEDIA_TYPE: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
    BODY_TOO_LARGE: 'REQUEST.BODY_TOO_LARGE',
    HEADERS_TOO_LARGE: 'REQUEST.HEADERS_TOO_LARGE',
    MALFORMED: 'REQUEST.MALFORMED',
    TIMEOUT: 'REQUEST.TIMEOUT',
    METHOD_NOT_ALLOWED: 'REQUEST.METHOD_NOT_ALLOWED',
  },
  RESOURCE: {
    NOT_FOUND: 'RESOURCE.NOT_FOUND',
  },
  CHANNEL: {
    /** The API already has MAX_ALERT_CHANNELS_PER_API security contacts. */
    LIMIT_REACHED: 'CHANNEL.LIMIT_REACHED',
  },
  AUTH: {
    INVALID_CLIENT: 'AUTH.INVALID_CLIENT',
    INVALID_TOKEN: 'AUTH.INVALID_TOKEN',
    INSUFFICIENT_SCOPE: 'AUTH.INSUFFICIENT_SCOPE',
    THROTTLED: 'AUTH.THROTTLED',
  },
  INTERNAL: {
    ERROR: 'INTERNAL.ERROR',
  },
} as const;

type ValuesOf<T> = T[keyof T];
type NestedValues<T> = ValuesOf<{ [K in keyof T]: ValuesOf<T[K]> }>;

/** Every HTTP-level error code as a flat list. */
export const HTTP_ERROR_CODES = Object.values(ERROR_CODES).flatMap((group) =>
  Object.values(group),
) as NestedValues<typeof ERROR_CODES>[];

/** Union of the HTTP-level error codes, e.g. `'AUTH.INVALID_TOKEN'`. */
export type HttpErrorCode = NestedValues<typeof ERROR_CODES>;

/** Schema of an HTTP-level error code. */
export const HttpErrorCode = z.enum(HTTP_ERROR_CODES as [HttpErrorCode, ...HttpErrorCode[]]);

/** One readable validation problem: the field path (`scopes.0`, `''` for the whole input) and a message naming it. */
export const ValidationIssue = z.object({
  path: z.string(),
  message: z.string(),
});
export type ValidationIssue = z.infer<typeof ValidationIssue>;

function joinPath(path: readonly PropertyKey[]): string {
  return path.map((part) => (typeof part === 'symbol' ? part.description ?? '?' : String(part))).join('.');
}

function fieldLabel(path: string): string {
  return path === '' ? 'input' : `"${path}"`;
}

/** Lower-cases the first letter of zod's message so it reads after the field name. */
function tail(message: string): string {
  return message.length === 0 ? message : message.charAt(0).toLowerCase() + message.slice(1);
}

function isMissing(issue: z.core.$ZodIssue): boolean {
  if (issue.code !== 'invalid_type') return false;
  if ('input' in issue && issue.input === undefined && Object.prototype.hasOwnProperty.call(issue, 'input')) return true;
  return issue.message.endsWith('received undefined');
}

/**
 * Turns a zod error into a flat list of `{path, message}` issues whose messages name the field,
 * e.g. `{path: 'scopes.0', message: '"scopes.0": too small: expected string to have >=1 characters'}`.
 * Unknown keys become one issue per key, on that key's path (`"extra": unknown field`).
 * Nested unions report the issues of their closest branch rather than a bare "invalid input".
 */
export function formatZodError(error: z.ZodError): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  const visit = (issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[]): void => {
    for (const issue of issues) {
      const full = [...prefix, ...issue.path];
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          const path = joinPath([...full, key]);
          out.push({ path, message: `${fieldLabel(path)}: unknown field` });
        }
        continue;
      }
      if (issue.code === 'invalid_union' && issue.errors.length > 0) {
        // Report the branch that got furthest (fewest issues), not a bare "Invalid input".
        const best = [...issue.errors].sort((a, b) => a.length - b.length)[0];
        if (best !== undefined && best.length > 0) {
          visit(best, full);
          continue;
        }
      }
      const path = joinPath(full);
      const message = isMissing(issue)
        ? 'is required'
        : issue.code === 'invalid_union'
          ? 'has an unsupported value'
          : tail(issue.message);
      out.push({ path, message: `${fieldLabel(path)}: ${message}` });
    }
  };
  visit(error.issues, []);
  return out;
}

/** Result of {@link parseOrIssues}. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; issues: ValidationIssue[] };

/**
 * Parses `input` with `schema` without throwing: `{ok: true, value}` with the parsed (output)
 * value, or `{ok: false, issues}` with {@link formatZodError}'s readable issues.
 */
export function parseOrIssues<S extends z.ZodType>(schema: S, input: unknown): ParseResult<z.output<S>> {
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, issues: formatZodError(result.error) };
}
