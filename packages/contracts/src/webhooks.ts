/**
 * Outbound webhooks to an API's security contacts (reminders and alerts).
 *
 * ## Signature scheme
 *
 * Each request carries three headers ({@link WEBHOOK_HEADERS}):
 * - `Tessera-Webhook-Id`: the envelope `id`, stable across retries (deduplicate on it);
 * - `Tessera-Webhook-Timestamp`: Unix time in seconds when this attempt was signed;
 * - `Tessera-Webhook-Signature`: `v1=<hex>`, where `<hex>` is the lowercase hex HMAC-SHA-256,
 *   keyed with the channel's signing secret, of the UTF-8 string `${id}.${timestamp}.${body}`
 *   (`body` is the exact raw request body). During a signing secret rotation the header may hold
 *   several space-separated signatures (`v1=… v1=…`); any one matching is enough.
 *
 * Receivers should recompute the HMAC over the raw body, compare in constant time, and reject
 * timestamps more than {@link WEBHOOK_TOLERANCE_SECONDS} from their clock (replay protection).
 * The signing lives in the worker, the check in the receiver (docs/alerts.md shows one); this
 * module holds no Node-specific code.
 */
import { z } from 'zod';
import { LEAK_REPORT_TEXT_MAX_LENGTH, LEAK_REPORT_URL_MAX_LENGTH, reporterText } from './events';
import { ApiSlug, ClientId, EventId, IsoDateTime, SecretId, ServiceAccountId } from './primitives';

/** Header names of a webhook request. */
export const WEBHOOK_HEADERS = {
  id: 'Tessera-Webhook-Id',
  timestamp: 'Tessera-Webhook-Timestamp',
  signature: 'Tessera-Webhook-Signature',
} as const;

/** Version prefix of a signature in `Tessera-Webhook-Signature`. */
export const WEBHOOK_SIGNATURE_PREFIX = 'v1=' as const;

/** Largest accepted distance between the timestamp header and the receiver's clock. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/** Builds the exact string that is signed: `${id}.${timestamp}.${body}`. */
export function webhookSignedContent(id: string, timestamp: number | string, body: string): string {
  return `${id}.${timestamp}.${body}`;
}

/** Notification types sent to security contacts. */
export const WebhookEventType = z.enum(['secret.expiring', 'secret.expired', 'secret.leaked', 'account.unused']);
export type WebhookEventType = z.infer<typeof WebhookEventType>;

const SecretRef = {
  accountId: ServiceAccountId,
  clientId: ClientId,
  accountName: z.string(),
  secretId: SecretId,
  /** Visible hint (prefix + last 4), to recognise the secret; never the secret. */
  hint: z.string(),
};

const envelope = {
  /** Id of the notification, stable across delivery attempts. */
  id: EventId,
  api: ApiSlug,
  createdAt: IsoDateTime,
};

/** A secret will expire in `daysLeft` days (reminder threshold `thresholdDays`). */
export const SecretExpiringWebhook = z.object({
  ...envelope,
  type: z.literal('secret.expiring'),
  data: z.object({
    ...SecretRef,
    expiresAt: IsoDateTime,
    thresholdDays: z.number().int().positive(),
    daysLeft: z.number().int().nonnegative(),
  }),
});

/** A secret has expired. */
export const SecretExpiredWebhook = z.object({
  ...envelope,
  type: z.literal('secret.expired'),
  data: z.object({ ...SecretRef, expiredAt: IsoDateTime }),
});

/**
 * A secret was reported as leaked (`POST /leaked-secrets`) by someone holding it: `url` and
 * `source` say where it was found, as the reporter said (untrusted text, may be empty; never
 * fetched by Tessera). `disabledAt` is when the secret was disabled; `disabledByReport` is true
 * when the report disabled it, false when it was disabled already. Sent once per disable of the
 * secret (a secret enabled again and reported again brings a new one).
 */
export const SecretLeakedWebhook = z.object({
  ...envelope,
  type: z.literal('secret.leaked'),
  data: z.object({
    ...SecretRef,
    url: reporterText(LEAK_REPORT_URL_MAX_LENGTH),
    source: reporterText(LEAK_REPORT_TEXT_MAX_LENGTH),
    disabledAt: IsoDateTime,
    disabledByReport: z.boolean(),
  }),
});

/** An account has not been used for `unusedForDays` days (or never). */
export const AccountUnusedWebhook = z.object({
  ...envelope,
  type: z.literal('account.unused'),
  data: z.object({
    accountId: ServiceAccountId,
    clientId: ClientId,
    accountName: z.string(),
    lastUsedAt: IsoDateTime.nullable(),
    unusedForDays: z.number().int().nonnegative(),
  }),
});

/** Webhook body `{id, type, api, createdAt, data}`, discriminated on `type`. Also the content of alert e-mails. */
export const WebhookEnvelope = z.discriminatedUnion('type', [
  SecretExpiringWebhook,
  SecretExpiredWebhook,
  SecretLeakedWebhook,
  AccountUnusedWebhook,
]);
export type WebhookEnvelope = z.infer<typeof WebhookEnvelope>;
