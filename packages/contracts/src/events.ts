/**
 * Domain (audit) events: written to the outbox in the same transaction as the change they
 * record, relayed to the worker, stored as the audit trail, and listed by
 * `/apis/:api/audit-events`.
 *
 * Event type names are stored data: renaming one needs a migration plan. Every object here is
 * strict, so no field outside this vocabulary (a secret, a token, a hash) can ride along; no
 * event carries a secret or a token, only ids, hints and reasons.
 */
import { AUTHENTICATION_REFUSALS, isPlainLine } from '@tessera/domain';
import { z } from 'zod';
import {
  ApiSlug,
  ClientId,
  EventId,
  IsoDateTime,
  ScopeList,
  ScopeString,
  SecretId,
  ServiceAccountId,
  SigningKeyId,
} from './primitives';

/** Stored event type names. */
export const DomainEventType = z.enum([
  'account.created',
  'account.updated',
  'account.enabled',
  'account.disabled',
  'account.deleted',
  'secret.created',
  'secret.updated',
  'secret.enabled',
  'secret.disabled',
  'secret.deleted',
  'secret.expired',
  'secret.rotated',
  'secret.leak_reported',
  'token.issued',
  'token.revoked',
  'authentication.failed',
  'reminder.sent',
  'key.rotated',
  'key.deleted',
  'api.created',
  'api.updated',
  'channel.created',
  'channel.deleted',
  'channel.secret_rotated',
]);
export type DomainEventType = z.infer<typeof DomainEventType>;

/** Longest user agent kept in an event; producers truncate before writing. */
export const USER_AGENT_MAX_LENGTH = 512;

/**
 * Who caused the event: a service account (by bearer token), the CLI, Tessera itself (scheduler,
 * expiry), or a leak report (`POST /leaked-secrets`: whoever proved to hold the secret, unnamed).
 */
export const EventActorKind = z.enum(['account', 'cli', 'system', 'leak_report']);
export type EventActorKind = z.infer<typeof EventActorKind>;

/** Who caused the event, with the account's ids when it was one. */
export const EventActor = z
  .strictObject({
    kind: EventActorKind,
    clientId: ClientId.optional(),
    accountId: ServiceAccountId.optional(),
  })
  .refine((actor) => actor.kind !== 'account' || actor.accountId !== undefined || actor.clientId !== undefined, {
    message: 'an account actor needs its accountId or clientId',
    path: ['accountId'],
  });
export type EventActor = z.infer<typeof EventActor>;

/** Where the request came from, when there was one. */
export const EventSource = z.strictObject({
  ip: z.string().min(1).max(64).nullable().optional(),
  userAgent: z.string().max(USER_AGENT_MAX_LENGTH).nullable().optional(),
});
export type EventSource = z.infer<typeof EventSource>;

/** What the event is about (the union of every subject field). Each event type narrows it. */
export const EventSubject = z.strictObject({
  accountId: ServiceAccountId.optional(),
  secretId: SecretId.optional(),
  keyId: SigningKeyId.optional(),
});
export type EventSubject = z.infer<typeof EventSubject>;

// Subjects per family.
const NoSubject = z.strictObject({});
const AccountSubject = z.strictObject({ accountId: ServiceAccountId });
const SecretSubject = z.strictObject({ accountId: ServiceAccountId, secretId: SecretId });
const KeySubject = z.strictObject({ keyId: SigningKeyId });
const MaybeSecretSubject = EventSubject.omit({ keyId: true });

const Changes = z.array(z.string().min(1).max(64)).min(1);
const Empty = z.strictObject({});

/** Why an authentication failed. Recorded in the audit trail only; callers always get `invalid_client`. */
export const AuthenticationFailureReason = z.enum([...AUTHENTICATION_REFUSALS, 'THROTTLED']);
export type AuthenticationFailureReason = z.infer<typeof AuthenticationFailureReason>;

/** Which endpoint an authentication went through. */
export const AuthenticationGrant = z.enum(['seed', 'client_credentials', 'introspection']);
export type AuthenticationGrant = z.infer<typeof AuthenticationGrant>;

/** Grants that issue tokens. */
export const TokenGrant = z.enum(['seed', 'client_credentials']);
export type TokenGrant = z.infer<typeof TokenGrant>;

/** Why a token was revoked. */
export const TokenRevocationReason = z.enum(['revocation_request', 'secret_disabled', 'account_disabled']);
export type TokenRevocationReason = z.infer<typeof TokenRevocationReason>;

/** Channel kinds a reminder can go out on. */
const ReminderChannel = z.enum(['webhook', 'email']);

const envelope = {
  id: EventId,
  api: ApiSlug,
  occurredAt: IsoDateTime,
  actor: EventActor,
  source: EventSource,
};

function event<T extends DomainEventType, S extends z.ZodType, D extends z.ZodType>(type: T, subject: S, data: D) {
  return z.strictObject({ ...envelope, type: z.literal(type), subject, data });
}

// ---------------------------------------------------------------------------------------------
// One schema per event type.

/** A service account was created. */
export const AccountCreatedEvent = event(
  'account.created',
  AccountSubject,
  z.strictObject({ clientId: ClientId, name: z.string(), scopes: ScopeList }),
);
/** A service account's name, description or scopes changed; `changes` names the fields. */
export const AccountUpdatedEvent = event('account.updated', AccountSubject, z.strictObject({ changes: Changes }));
/** A service account was enabled. */
export const AccountEnabledEvent = event('account.enabled', AccountSubject, Empty);
/** A service account was disabled; its tokens stop working at once. */
export const AccountDisabledEvent = event('account.disabled', AccountSubject, Empty);
/** A service account was deleted. */
export const AccountDeletedEvent = event('account.deleted', AccountSubject, z.strictObject({ clientId: ClientId }));

/** A secret was created (its hint and expiry only). */
export const SecretCreatedEvent = event(
  'secret.created',
  SecretSubject,
  z.strictObject({ hint: z.string(), expiresAt: IsoDateTime.nullable() }),
);
/** A secret's description changed, or a disable its rotation scheduled was cancelled by hand; `changes` names what (`description`, `scheduledDisableAt`). */
export const SecretUpdatedEvent = event('secret.updated', SecretSubject, z.strictObject({ changes: Changes }));
/** A secret was enabled. */
export const SecretEnabledEvent = event('secret.enabled', SecretSubject, Empty);
/** A secret was disabled (by a caller, or by a scheduled rotation); its tokens stop working at once. */
export const SecretDisabledEvent = event('secret.disabled', SecretSubject, Empty);
/** A (disabled) secret was deleted. */
export const SecretDeletedEvent = event('secret.deleted', SecretSubject, Empty);
/** A secret reached its expiry. */
export const SecretExpiredEvent = event('secret.expired', SecretSubject, z.strictObject({ expiredAt: IsoDateTime }));
/** A secret was rotated: the subject is the new secret. */
export const SecretRotatedEvent = event(
  'secret.rotated',
  SecretSubject,
  z.strictObject({
    stillEnabledSecretIds: z.array(SecretId),
    scheduledDisableAt: IsoDateTime.nullable(),
  }),
);

/** Longest `url` a leak report may carry (the reporter's text, kept as text and never fetched). */
export const LEAK_REPORT_URL_MAX_LENGTH = 2048;
/** Longest `type` and `source` a leak report may carry. */
export const LEAK_REPORT_TEXT_MAX_LENGTH = 256;

/**
 * Reporter text kept in the audit trail and sent to the security contacts: at most `max`
 * characters of one plain line (`isPlainLine`): no control or text-direction characters (no
 * forged lines in an e-mail), no half of a UTF-16 surrogate pair (PostgreSQL's jsonb refuses it).
 */
export function reporterText(max: number) {
  return z.string().max(max).refine(isPlainLine, { message: 'must be one line of text, without control characters or halves of surrogate pairs' });
}

/**
 * Someone proved to hold a secret by reporting it as leaked (`POST /leaked-secrets`). `url` and
 * `source` are the reporter's (where it was found; may be empty), `type` the token type it sent;
 * `disabled` is true when this report disabled the secret, false when it was disabled already.
 * Written once per disable: a report of a secret already disabled and reported writes nothing.
 */
export const SecretLeakReportedEvent = event(
  'secret.leak_reported',
  SecretSubject,
  z.strictObject({
    url: reporterText(LEAK_REPORT_URL_MAX_LENGTH),
    source: reporterText(LEAK_REPORT_TEXT_MAX_LENGTH),
    type: reporterText(LEAK_REPORT_TEXT_MAX_LENGTH),
    disabled: z.boolean(),
  }),
);

/** Most token ids one `token.issued` event lists; a longer burst is recorded as several events. */
export const MAX_TOKENS_PER_ISSUED_EVENT = 100;

/**
 * Tokens were issued (their ids and scope, never the tokens): one or more tokens of one secret,
 * with the same scope and grant, asked for from the same address and user agent before the next
 * write of the audit trail (normally within a twentieth of a second). `occurredAt` is when the
 * first of them was issued; `jtis` lists every token's id in issue order; `expiresAt` is when the
 * last of them expires.
 */
export const TokenIssuedEvent = event(
  'token.issued',
  SecretSubject,
  z.strictObject({
    jtis: z.array(z.string().min(1).max(128)).min(1).max(MAX_TOKENS_PER_ISSUED_EVENT),
    scope: ScopeString,
    expiresAt: IsoDateTime,
    grant: TokenGrant,
  }),
);
/** A token was revoked (RFC 7009), by its id. */
export const TokenRevokedEvent = event(
  'token.revoked',
  MaybeSecretSubject,
  z.strictObject({ jti: z.string().min(1).max(128), expiresAt: IsoDateTime, reason: TokenRevocationReason }),
);

/**
 * An authentication failed. `clientId` is what the caller presented (or `null` when absent);
 * the subject names the account/secret when they were found.
 */
export const AuthenticationFailedEvent = event(
  'authentication.failed',
  MaybeSecretSubject,
  z.strictObject({
    clientId: z.string().max(256).nullable(),
    reason: AuthenticationFailureReason,
    grant: AuthenticationGrant,
  }),
);

/**
 * A reminder about a secret went out on one channel. `reminderKey` identifies the threshold
 * (e.g. `30d`, or `expired`); with the secret id it makes each reminder happen exactly once.
 */
export const ReminderSentEvent = event(
  'reminder.sent',
  SecretSubject,
  z.strictObject({
    secretId: SecretId,
    reminderKey: z.string().min(1).max(64),
    channel: ReminderChannel,
  }),
);

/**
 * The signing key was rotated. Signing keys belong to the issuer, not to one API, so `api` is
 * `null` unless an API has its own key.
 */
export const KeyRotatedEvent = z.strictObject({
  ...envelope,
  api: ApiSlug.nullable(),
  type: z.literal('key.rotated'),
  subject: KeySubject,
  data: z.strictObject({
    newKeyId: SigningKeyId,
    previousKeyId: SigningKeyId.nullable(),
    /** Keys deleted by this rotation (`tessera keys rotate --withdraw-previous`): their tokens stopped working. */
    withdrawnKeyIds: z.array(SigningKeyId).optional(),
  }),
});

/**
 * A retired signing key was deleted, private half included, an hour after its publication window
 * ended: no token it signed is accepted any more (`shouldDelete` in `@tessera/domain`). Written by
 * the process that deleted it, with a `system` actor. Keys withdrawn early
 * (`tessera keys rotate --withdraw-previous`) are listed by that rotation's `key.rotated`
 * event (`withdrawnKeyIds`) instead.
 */
export const KeyDeletedEvent = z.strictObject({
  ...envelope,
  api: ApiSlug.nullable(),
  type: z.literal('key.deleted'),
  subject: KeySubject,
  data: z.strictObject({
    /** When the key stopped signing; its window ended the longest token lifetime and a minute later. */
    retiredAt: IsoDateTime,
  }),
});

/** An API (tenant) was created. */
export const ApiCreatedEvent = event('api.created', NoSubject, Empty);
/**
 * An API's policy changed; `changes` names the fields. `secretsBeyondPolicy`: how many of the API's
 * secrets the new policy would not give now (a change does not shorten them); absent on earlier events.
 */
export const ApiUpdatedEvent = event('api.updated', NoSubject, z.strictObject({ changes: Changes, secretsBeyondPolicy: z.number().int().min(0).optional() }));

/** A security contact (alert channel) was added: its kind and target, never its signing secret. */
export const ChannelCreatedEvent = event('channel.created', NoSubject, z.strictObject({ channelId: z.string().min(1), kind: z.enum(['webhook', 'email']), target: z.string().min(1) }));
/** A security contact was removed. */
export const ChannelDeletedEvent = event('channel.deleted', NoSubject, z.strictObject({ channelId: z.string().min(1) }));

/** A webhook contact's signing secret was replaced; the previous one signs too until `previousSecretExpiresAt`. */
export const ChannelSecretRotatedEvent = event('channel.secret_rotated', NoSubject, z.strictObject({ channelId: z.string().min(1), previousSecretExpiresAt: IsoDateTime.nullable() }));

/** Every domain event, discriminated on `type`. */
export const DomainEvent = z.discriminatedUnion('type', [
  AccountCreatedEvent,
  AccountUpdatedEvent,
  AccountEnabledEvent,
  AccountDisabledEvent,
  AccountDeletedEvent,
  SecretCreatedEvent,
  SecretUpdatedEvent,
  SecretEnabledEvent,
  SecretDisabledEvent,
  SecretDeletedEvent,
  SecretExpiredEvent,
  SecretRotatedEvent,
  SecretLeakReportedEvent,
  TokenIssuedEvent,
  TokenRevokedEvent,
  AuthenticationFailedEvent,
  ReminderSentEvent,
  KeyRotatedEvent,
  KeyDeletedEvent,
  ApiCreatedEvent,
  ApiUpdatedEvent,
  ChannelCreatedEvent,
  ChannelDeletedEvent,
  ChannelSecretRotatedEvent,
]);
export type DomainEvent = z.infer<typeof DomainEvent>;

/** The event of one type, e.g. `DomainEventOf<'token.issued'>`. */
export type DomainEventOf<T extends DomainEventType> = Extract<DomainEvent, { type: T }>;

/** The `data` of one event type. */
export type DomainEventData<T extends DomainEventType> = DomainEventOf<T>['data'];

/** Parses a stored or received event; throws a `ZodError` when it is not a valid domain event. */
export function parseDomainEvent(input: unknown): DomainEvent {
  return DomainEvent.parse(input);
}
