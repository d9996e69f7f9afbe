/**
 * `POST /leaked-secrets`: a secret scanner reports Tessera secrets it found, in the request and
 * feedback formats of GitHub's secret scanning partner program. No authentication: the endpoint
 * acts only on a secret the caller proves to hold, and only disables it (docs/decisions.md).
 *
 * Unlike every other Tessera body, the request items ignore (and drop) unknown fields: GitHub owns
 * the format, and a field it adds must not turn every report into a 400 with no leak acted on
 * (docs/decisions.md). The fields Tessera reads are checked as strictly as anywhere. The answer
 * never carries a reported token, only its SHA-256.
 */
import { z } from 'zod';
import { LEAK_REPORT_TEXT_MAX_LENGTH, LEAK_REPORT_URL_MAX_LENGTH, reporterText } from '../events';

/** Most tokens one report may carry. */
export const MAX_LEAKED_SECRETS_PER_REPORT = 100;

/**
 * One reported token: the token found, its type (the scanner's name for it), where and in what it
 * was found. Other fields are ignored and dropped (`z.object`, not `z.strictObject`).
 */
export const LeakedSecretReport = z.object({
  /** The string the scanner found; compared with Tessera's secrets, never stored, logged or returned. */
  token: z.string().min(1).max(512),
  type: reporterText(LEAK_REPORT_TEXT_MAX_LENGTH).min(1),
  /** Where it was found (may be empty). Kept as text; Tessera never fetches it. */
  url: reporterText(LEAK_REPORT_URL_MAX_LENGTH),
  /** What it was found in, e.g. `content`, `commit` (may be empty). */
  source: reporterText(LEAK_REPORT_TEXT_MAX_LENGTH),
});
export type LeakedSecretReport = z.infer<typeof LeakedSecretReport>;

/** `POST /leaked-secrets` body: 1 to 100 reported tokens. */
export const LeakedSecretsRequest = z.array(LeakedSecretReport).min(1).max(MAX_LEAKED_SECRETS_PER_REPORT);
export type LeakedSecretsRequest = z.infer<typeof LeakedSecretsRequest>;

/** `true_positive`: an existing Tessera secret (enabled, disabled or expired); `false_positive`: anything else. */
export const LeakLabel = z.enum(['true_positive', 'false_positive']);
export type LeakLabel = z.infer<typeof LeakLabel>;

/** Feedback on one reported token, in the order reported. */
export const LeakedSecretFeedback = z.strictObject({
  /** Lowercase hex SHA-256 of the reported token (the scanner's own way to name it). */
  token_hash: z.string().regex(/^[0-9a-f]{64}$/, { message: 'expected 64 lowercase hex characters' }),
  token_type: z.string(),
  label: LeakLabel,
});
export type LeakedSecretFeedback = z.infer<typeof LeakedSecretFeedback>;

/** `POST /leaked-secrets` answer: one feedback item per reported token, in order. */
export const LeakedSecretsResponse = z.array(LeakedSecretFeedback);
export type LeakedSecretsResponse = z.infer<typeof LeakedSecretsResponse>;
