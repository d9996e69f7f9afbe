/**
 * Management API contracts: `/apis/:api/service-accounts[/:id[/secrets[/:secretId]]]`, API policy,
 * alert channels, and the common error body.
 *
 * Request bodies are strict (unknown fields are rejected, so typos are not silently ignored).
 * Response schemas strip unknown fields: a response parsed through them can never carry a field
 * that was not whitelisted here (no hash, no secret), and clients stay forward-compatible.
 * Only {@link SecretCreatedResponse} carries a client secret, once, at creation.
 */
import { ID_BODY_LENGTH, MAX_DESCRIPTION_LENGTH, MAX_NAME_LENGTH, POLICY_BOUNDS, wholeNumberIn, type WholeNumberBounds } from '@tessera/domain';
import { z } from 'zod';
import { DomainEvent, DomainEventType } from '../events';
import { ApiSlug, ClientId, IsoDateTime, IsoDateTimeOrDate, ScopeList, SecretId, ServiceAccountId } from '../primitives';

/** Account or secret status. */
export const Status = z.enum(['enabled', 'disabled']);
export type Status = z.infer<typeof Status>;

/** Service account status. */
export const ServiceAccountStatus = Status;
export type ServiceAccountStatus = Status;

/** Secret status. Expiry is separate: an enabled secret past `expiresAt` is refused all the same. */
export const SecretStatus = Status;
export type SecretStatus = Status;

// Lengths are the domain's rules (one place); the domain re-checks them (characters, not UTF-16 units).
const Name = z.string().trim().min(1).max(MAX_NAME_LENGTH);
const Description = z.string().trim().max(MAX_DESCRIPTION_LENGTH);

/** Requires at least one defined field (for PATCH bodies). */
function nonEmpty<T extends Record<string, unknown>>(value: T): boolean {
  return Object.values(value).some((v) => v !== undefined);
}
const AT_LEAST_ONE = { message: 'expected at least one field to change' };

// ---------------------------------------------------------------------------------------------
// Paging

/**
 * A page of items with an opaque cursor for the next page (`null` on the last page).
 * `Page(ServiceAccountResponse)` builds the schema; `Page<T>` is its type.
 */
export function Page<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    nextCursor: z.string().min(1).nullable(),
  });
}
export type Page<T> = { items: T[]; nextCursor: string | null };

/** Page size: 1..100, default 20; coerced from the query string. */
export const PageLimit = z.coerce.number().int().min(1).max(100).default(20);

/**
 * A paging cursor: the `nextCursor` of the previous page, which is the id of its last item. Only
 * the exact shape of such an id is taken (prefix and ID_BODY_LENGTH base62 characters): anything
 * else, `evt_x` included, is refused rather than read as a position before or after every item.
 */
function cursorOf(idPrefix: 'sa' | 'evt') {
  return z.string().regex(new RegExp(`^${idPrefix}_[0-9A-Za-z]{${ID_BODY_LENGTH}}$`), { message: 'must be the nextCursor of a previous page' });
}

// ---------------------------------------------------------------------------------------------
// Service accounts

/** `POST /apis/:api/service-accounts`. */
export const CreateServiceAccountRequest = z.strictObject({
  name: Name,
  description: Description.optional(),
  scopes: ScopeList,
});
export type CreateServiceAccountRequest = z.infer<typeof CreateServiceAccountRequest>;

/** `PATCH /apis/:api/service-accounts/:id`: at least one field. `description: null` clears it. */
export const UpdateServiceAccountRequest = z
  .strictObject({
    name: Name.optional(),
    description: Description.nullable().optional(),
    scopes: ScopeList.optional(),
    status: ServiceAccountStatus.optional(),
  })
  .refine(nonEmpty, AT_LEAST_ONE);
export type UpdateServiceAccountRequest = z.infer<typeof UpdateServiceAccountRequest>;

/** A service account as returned by the management API. */
export const ServiceAccountResponse = z.object({
  id: ServiceAccountId,
  clientId: ClientId,
  name: z.string(),
  description: z.string().nullable(),
  scopes: z.array(z.string()),
  status: ServiceAccountStatus,
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  lastUsedAt: IsoDateTime.nullable(),
});
export type ServiceAccountResponse = z.infer<typeof ServiceAccountResponse>;

/** `GET /apis/:api/service-accounts` query: filter by status, search `q` (name or client id), paging. */
export const ListServiceAccountsQuery = z.strictObject({
  status: ServiceAccountStatus.optional(),
  q: z.string().trim().min(1).max(128).optional(),
  limit: PageLimit,
  cursor: cursorOf('sa').optional(),
});
export type ListServiceAccountsQuery = z.infer<typeof ListServiceAccountsQuery>;

/** A page of service accounts. */
export const ServiceAccountPage = Page(ServiceAccountResponse);
export type ServiceAccountPage = z.infer<typeof ServiceAccountPage>;

// ---------------------------------------------------------------------------------------------
// Dates

/** How every date Tessera takes reads ({@link IsoDateTimeOrDate}), as its descriptions say it. */
const A_DATE = 'an ISO-8601 date-time with a time zone, or a date alone (YYYY-MM-DD), which is the start of that day in UTC';

// ---------------------------------------------------------------------------------------------
// Secrets

/** A new secret's expiry: omitted, the default (2 years); `null`, never (where the policy allows it); else that time. */
const SecretExpiry = IsoDateTimeOrDate.nullable()
  .optional()
  .describe(`When the secret expires: ${A_DATE}; null for never (where the API's policy allows it); left out for the default, 2 years from now.`);

/**
 * `POST /apis/:api/service-accounts/:id/secrets`. `expiresAt` omitted: the default (2 years);
 * `null`: never expires (only where the API's policy allows it); a date-time, or a date alone
 * (the start of that day in UTC): that time.
 */
export const CreateSecretRequest = z.strictObject({
  expiresAt: SecretExpiry,
  description: Description.optional(),
});
export type CreateSecretRequest = z.infer<typeof CreateSecretRequest>;

/** A secret as listed or read: metadata only, never the secret nor its hash. */
export const SecretResponse = z.object({
  id: SecretId,
  /** Short visible hint (prefix and last 4 characters) to recognise the secret. */
  hint: z.string(),
  description: z.string().nullable(),
  status: SecretStatus,
  createdAt: IsoDateTime,
  expiresAt: IsoDateTime.nullable(),
  disabledAt: IsoDateTime.nullable(),
  lastUsedAt: IsoDateTime.nullable(),
  /** When a rotation scheduled this secret to be disabled; `null` when nothing is scheduled. */
  scheduledDisableAt: IsoDateTime.nullable(),
});
export type SecretResponse = z.infer<typeof SecretResponse>;

/**
 * Answer to secret creation: the only response that ever carries `clientSecret`, shown once.
 * It is never stored or retrievable afterwards.
 */
export const SecretCreatedResponse = z.object({
  id: SecretId,
  clientId: ClientId,
  clientSecret: z.string().min(1),
  hint: z.string(),
  description: z.string().nullable(),
  status: SecretStatus,
  createdAt: IsoDateTime,
  expiresAt: IsoDateTime.nullable(),
});
export type SecretCreatedResponse = z.infer<typeof SecretCreatedResponse>;

/** `PATCH …/secrets/:secretId`: enable/disable or re-describe; at least one field. */
export const UpdateSecretRequest = z
  .strictObject({
    status: SecretStatus.optional(),
    description: Description.nullable().optional(),
  })
  .refine(nonEmpty, AT_LEAST_ONE);
export type UpdateSecretRequest = z.infer<typeof UpdateSecretRequest>;

/**
 * `POST …/secrets/rotate`: create a new secret; with `disableOthersAfter`, the account's other
 * enabled secrets are disabled at that time (giving callers a window to move). Both times are
 * read as {@link IsoDateTimeOrDate} reads them.
 */
export const RotateSecretRequest = z.strictObject({
  expiresAt: SecretExpiry,
  description: Description.optional(),
  disableOthersAfter: IsoDateTimeOrDate.optional().describe(`When the account's other enabled secrets are disabled: ${A_DATE}; not in the past.`),
});
export type RotateSecretRequest = z.infer<typeof RotateSecretRequest>;

/** Rotation answer: the new secret (shown once), the secrets still enabled, and when they will be disabled. */
export const RotateSecretResponse = z.object({
  secret: SecretCreatedResponse,
  stillEnabled: z.array(SecretResponse),
  scheduledDisableAt: IsoDateTime.nullable(),
});
export type RotateSecretResponse = z.infer<typeof RotateSecretResponse>;

// ---------------------------------------------------------------------------------------------
// API policy

/** A whole number within one of the domain's policy bounds (or null), refused in the domain's words. */
function wholeIn(bounds: WholeNumberBounds, { orNull = false } = {}) {
  const message = `must be ${orNull ? 'null or ' : ''}${wholeNumberIn(bounds)}`;
  return z.number({ error: message }).int({ error: message }).min(bounds.min, { error: message }).max(bounds.max, { error: message });
}

/**
 * Editable policy fields with their bounds, which are the domain's (`POLICY_BOUNDS`, one place);
 * the domain re-checks the policy as a whole.
 */
const ApiPolicyFields = {
  /** Access token lifetime, 60 s .. 24 h (default 900). */
  tokenLifetimeSeconds: wholeIn(POLICY_BOUNDS.tokenLifetimeSeconds),
  /**
   * Days before expiry at which reminders go out (default `[30, 7, 1]`), distinct, 1..365, in any
   * order: the policy keeps and answers them largest first. Empty: no reminders before expiry
   * (alerts about expired secrets and unused accounts still go out).
   */
  reminderThresholdsDays: z
    .array(wholeIn(POLICY_BOUNDS.reminderThresholdDays))
    .max(POLICY_BOUNDS.maxReminderThresholds)
    .refine((days) => new Set(days).size === days.length, { message: 'thresholds must be distinct' })
    .describe('Days before expiry at which reminders go out: distinct, in any order; kept and answered largest first.'),
  /** Longest lifetime a secret may be given, in days; `null` for no limit but the absolute one (3650 days). */
  maxSecretLifetimeDays: wholeIn(POLICY_BOUNDS.maxSecretLifetimeDays, { orNull: true }).nullable(),
  /** Whether secrets may be created with no expiry. */
  allowNeverExpires: z.boolean(),
  /** Most secrets one account may hold. */
  maxSecretsPerAccount: wholeIn(POLICY_BOUNDS.maxSecretsPerAccount),
  /** An account unused for this many days is reported. */
  unusedAfterDays: wholeIn(POLICY_BOUNDS.unusedAfterDays),
};

/** `GET /apis/:api` (policy of an API). */
export const ApiPolicyResponse = z.object({
  api: ApiSlug,
  ...ApiPolicyFields,
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
});
export type ApiPolicyResponse = z.infer<typeof ApiPolicyResponse>;

/**
 * Answer to `PATCH /apis/:api`: the policy, and how many of the API's existing secrets it would not
 * give now (never-expiring where that is no longer allowed, or expiring after the longest lifetime
 * from now). A policy change applies to secrets made afterwards: these keep their expiry.
 */
export const UpdatedApiPolicyResponse = ApiPolicyResponse.extend({ secretsBeyondPolicy: z.number().int().min(0) });
export type UpdatedApiPolicyResponse = z.infer<typeof UpdatedApiPolicyResponse>;

/** `PATCH /apis/:api`: any subset of the policy fields, at least one. */
export const UpdateApiPolicyRequest = z
  .strictObject(ApiPolicyFields)
  .partial()
  .refine(nonEmpty, AT_LEAST_ONE);
export type UpdateApiPolicyRequest = z.infer<typeof UpdateApiPolicyRequest>;

// ---------------------------------------------------------------------------------------------
// Alert channels (security contacts)

/** Kind of alert channel. */
export const AlertChannelKind = z.enum(['webhook', 'email']);
export type AlertChannelKind = z.infer<typeof AlertChannelKind>;

/** An alert channel as returned: `target` is the URL or address. The webhook signing secret is never returned. */
export const AlertChannel = z.object({
  id: z.string().min(1),
  kind: AlertChannelKind,
  target: z.string().min(1),
  createdAt: IsoDateTime,
  /** Webhooks, after a rotation: until when the previous signing secret still signs (null: it no longer does). */
  previousSecretExpiresAt: IsoDateTime.nullable(),
});
export type AlertChannel = z.infer<typeof AlertChannel>;

/**
 * Answer to adding a channel or rotating its signing secret: the signing secret Tessera generated,
 * shown this once; null when the caller chose it (never echoed back) and for e-mail contacts.
 */
export const AlertChannelCreated = AlertChannel.extend({ signingSecret: z.string().min(32).nullable() });
export type AlertChannelCreated = z.infer<typeof AlertChannelCreated>;

/** The `user:password@host:port` part of a URL (no URL class here: contracts run anywhere). */
function authorityOf(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url)?.[1] ?? '';
}

/** `POST /apis/:api/alert-channels`: a webhook (http/https URL, optional signing secret) or an e-mail address. */
/**
 * The most security contacts one API may have. Every notice goes to each of them, so an API with
 * thousands of contacts would fill every delivery sweep, for every API, with its own notices.
 */
export const MAX_ALERT_CHANNELS_PER_API = 20;

export const CreateAlertChannelRequest = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('webhook'),
    url: z
      .url({ protocol: /^https?$/, message: 'expected an http or https URL' })
      .max(2048)
      // The URL is shown in listings and the audit trail: it must not carry credentials (the
      // signing secret authenticates Tessera to the receiver).
      .refine((url) => !authorityOf(url).includes('@'), { message: 'must not contain a user name or password' })
      .refine((url) => !/:0+$/.test(authorityOf(url)), { message: 'must not use port 0' }),
    /** Signing secret for `Tessera-Webhook-Signature`; generated by the server when omitted. */
    secret: z.string().min(32).max(256).optional(),
  }),
  z.strictObject({
    kind: z.literal('email'),
    address: z.email().max(254),
  }),
]);
export type CreateAlertChannelRequest = z.infer<typeof CreateAlertChannelRequest>;

/** Longest overlap of a webhook signing secret rotation: 7 days. */
export const MAX_SIGNING_SECRET_OVERLAP_SECONDS = 7 * 86_400;

/**
 * `POST /apis/:api/alert-channels/:channelId/rotate-secret`: a new signing secret for a webhook.
 * The previous one keeps signing alongside it (two signatures per request) for
 * `previousSecretValidForSeconds` (default 24 h; 0 stops it at once), so receivers can switch
 * without missing a notice.
 */
export const RotateAlertChannelSecretRequest = z.strictObject({
  /** The new signing secret; generated by the server when omitted. */
  secret: z.string().min(32).max(256).optional(),
  previousSecretValidForSeconds: z.number().int().min(0).max(MAX_SIGNING_SECRET_OVERLAP_SECONDS).default(86_400),
});
export type RotateAlertChannelSecretRequest = z.infer<typeof RotateAlertChannelSecretRequest>;

// ---------------------------------------------------------------------------------------------
// Audit trail

/**
 * `GET /apis/:api/audit-events` query: filter by type, account, time range; paging (newest first).
 * The range is `since` (included) to `until` (left out), each a date-time or a date alone, which
 * is the start of that day in UTC, for both: `since=2026-03-01&until=2026-03-02` is 1 March (UTC).
 */
export const ListAuditEventsQuery = z.strictObject({
  type: DomainEventType.optional(),
  accountId: ServiceAccountId.optional(),
  since: IsoDateTimeOrDate.optional().describe(`Events at or after this time: ${A_DATE}.`),
  until: IsoDateTimeOrDate.optional().describe(
    `Events before this time, not at it: ${A_DATE}, ` +
      'as for since: until=2026-03-02 ends with the last event of 1 March (UTC), and since=2026-03-01&until=2026-03-02 is that one day.',
  ),
  limit: PageLimit,
  cursor: cursorOf('evt').optional(),
});
export type ListAuditEventsQuery = z.infer<typeof ListAuditEventsQuery>;

/** A page of audit (domain) events. */
export const AuditEventPage = Page(DomainEvent);
export type AuditEventPage = z.infer<typeof AuditEventPage>;

/** Counts over the last day, week and 30 days. */
const WindowCounts = z.object({ last24Hours: z.number().int().nonnegative(), last7Days: z.number().int().nonnegative(), last30Days: z.number().int().nonnegative() });

/** `GET /apis/:api/service-accounts/:id/usage`: when and how much the account was used. */
export const ServiceAccountUsage = z.object({
  accountId: ServiceAccountId,
  clientId: ClientId,
  lastUsedAt: IsoDateTime.nullable(),
  /** Whether the account counts as unused under the API's policy (`unusedAfterDays`). */
  unused: z.boolean(),
  tokensIssued: WindowCounts,
  authenticationFailures: WindowCounts,
  secrets: z.array(z.object({ id: SecretId, hint: z.string(), status: SecretStatus, lastUsedAt: IsoDateTime.nullable(), expiresAt: IsoDateTime.nullable() })),
});
export type ServiceAccountUsage = z.infer<typeof ServiceAccountUsage>;

// ---------------------------------------------------------------------------------------------
// Errors

/**
 * Error body of every non-OAuth endpoint. `code` is an HTTP-level code (`ERROR_CODES`) or a domain
 * code (`SECRET.EXPIRED`); `issues` lists validation problems by field; `details` is public only.
 */
export const ErrorResponse = z.object({
  error: z.object({
    code: z.string().min(1),
    message: z.string(),
    requestId: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  }),
});
export type ErrorResponse = z.infer<typeof ErrorResponse>;
