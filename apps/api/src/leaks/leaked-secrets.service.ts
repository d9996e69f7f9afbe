import { Inject, Injectable } from '@nestjs/common';
import type { LeakedSecretFeedback, LeakedSecretsRequest, LeakLabel } from '@tessera/contracts';
import { parseSecret, type SecretHasher } from '@tessera/domain';
import { createHash } from 'node:crypto';
import { FailureThrottle } from '../auth/failure-throttle.service';
import { HASHER } from '../common/tokens';
import type { AuditContext } from '../events/audit-context';
import { SecretsService, type LeakOutcome } from '../management/secrets.service';
import { Metrics } from '../ops/metrics';

export type LeakReportOutcome = { readonly ok: true; readonly value: LeakedSecretFeedback[] } | { readonly ok: false; readonly retryAfterSeconds: number };

/**
 * Acts on reported leaks: every reported token that is a Tessera secret (enabled, disabled or
 * expired) is disabled and its security contacts told (`SecretsService.reportLeak`); a secret
 * reported again after that is answered the same and writes nothing. It is no
 * cheaper an oracle than the token endpoint: a token failing the checksum costs no database read,
 * a well-formed one that is no secret counts as a failure of the caller's address, and an address
 * over its limit is refused (429) before each look-up.
 */
@Injectable()
export class LeakedSecretsService {
  constructor(
    private readonly secrets: SecretsService,
    private readonly throttle: FailureThrottle,
    private readonly metrics: Metrics,
    @Inject(HASHER) private readonly hasher: SecretHasher,
  ) {}

  /**
   * Feedback for each reported token, in order. Reports are acted on one by one, each distinct
   * token once: a token repeated in the same request gets the same feedback, with no second
   * look-up. When the address goes over its limit part-way, the whole request is answered 429, and
   * the secrets already disabled stay disabled (reporting them again later answers `true_positive`).
   */
  async report(items: LeakedSecretsRequest, context: AuditContext): Promise<LeakReportOutcome> {
    const feedback: LeakedSecretFeedback[] = [];
    const seen = new Map<string, LeakLabel>();
    for (const item of items) {
      let label = seen.get(item.token);
      if (label === undefined) {
        const retryAfterSeconds = this.throttle.addressRetryAfter(context.source.ip);
        if (retryAfterSeconds > 0) return { ok: false, retryAfterSeconds };
        const outcome = await this.act(item, context);
        label = outcome === null ? 'false_positive' : 'true_positive';
        seen.set(item.token, label);
        if (outcome === 'repeat') this.metrics.leakedSecretsRepeated.inc();
      } else if (label === 'true_positive') {
        this.metrics.leakedSecretsRepeated.inc();
      }
      this.metrics.leakedSecretsReported.inc({ label });
      feedback.push({ token_hash: createHash('sha256').update(item.token, 'utf8').digest('hex'), token_type: item.type, label });
    }
    return { ok: true, value: feedback };
  }

  /** What reporting one token did: null when it is no secret of ours. */
  private async act(item: LeakedSecretsRequest[number], context: AuditContext): Promise<LeakOutcome['outcome'] | null> {
    // A string failing the checksum is no secret of ours: told without any database read.
    const parsed = parseSecret(item.token);
    if (!parsed.ok) return null;
    const found = await this.secrets.reportLeak(this.hasher.hash(parsed.value.plaintext), { url: item.url, source: item.source, type: item.type }, context);
    if (found) return found.outcome;
    await this.throttle.fail(null, context.source.ip);
    return null;
  }
}
