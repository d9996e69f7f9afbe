import { Injectable } from '@nestjs/common';
import type { TokenGrant } from '@tessera/contracts';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Where a client credential look-up was answered (see `tessera_credential_lookups_total`). */
export type CredentialSource = 'cache' | 'database' | 'shared';

/**
 * Prometheus metrics. Labels are bounded and public: API slug, grant, refusal reason, outcome —
 * never a client ID, secret or token.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly authenticationFailures = new Counter({
    name: 'tessera_authentication_failures_total',
    help: 'Failed client authentications, by API (empty when the attempt was refused before its client was looked up: an unknown client, a malformed secret, a throttled address; the audit trail still names the API of a known client), grant and reason.',
    labelNames: ['api', 'grant', 'reason'] as const,
    registers: [this.registry],
  });

  /** Reported tokens by answer; `true_positive` ones were Tessera secrets, and are now disabled. */
  readonly leakedSecretsReported = new Counter({
    name: 'tessera_leaked_secrets_reported_total',
    help: 'Tokens reported to POST /leaked-secrets, by label: true_positive (an existing secret, now disabled) or false_positive.',
    labelNames: ['label'] as const,
    registers: [this.registry],
  });

  /** The `true_positive` reports that changed and wrote nothing: the secret was disabled and its contacts told already. */
  readonly leakedSecretsRepeated = new Counter({
    name: 'tessera_leaked_secrets_repeated_total',
    help: 'True-positive reports to POST /leaked-secrets that changed nothing (the secret was already disabled and its leak notice for that disable recorded, or the token came earlier in the same request); also counted in tessera_leaked_secrets_reported_total.',
    registers: [this.registry],
  });

  /** Signature verifications only: a cached token's check is a map lookup, not worth timing. */
  readonly tokenVerification = new Histogram({
    name: 'tessera_token_verification_seconds',
    help: 'Time to verify a bearer token that the verified-token cache did not hold (signature and claims), by outcome.',
    labelNames: ['outcome'] as const,
    buckets: [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05],
    registers: [this.registry],
  });

  /**
   * Bearer token verifications by outcome and cache, counted in plain numbers on the hot path
   * (prom-client hashes a label set on every update) and handed to the registry at scrape time.
   */
  private readonly verifications = { valid: { hit: 0, miss: 0 }, invalid: { hit: 0, miss: 0 } };
  /** Client credential look-ups by where they were answered, counted the same way. */
  private readonly credentialLookups: Record<CredentialSource, number> = { cache: 0, database: 0, shared: 0 };
  /** Access tokens issued, by API and grant (`tessera_tokens_issued_total`), counted the same way. */
  private readonly tokensIssued = new Map<string, { readonly api: string; readonly grant: TokenGrant; count: number }>();

  constructor() {
    this.countedAtScrape('tessera_tokens_issued_total', 'Access tokens issued, by API and grant.', ['api', 'grant'], () =>
      Array.from(this.tokensIssued.values(), ({ api, grant, count }) => [{ api, grant }, count] as const),
    );
    this.countedAtScrape(
      'tessera_credential_lookups_total',
      'Client credential look-ups (token, introspection and revocation endpoints), by source: the credential cache, a database read, or a database read another request had already started.',
      ['source'],
      () => (['cache', 'database', 'shared'] as const).map((source) => [{ source }, this.credentialLookups[source]] as const),
    );
    this.countedAtScrape('tessera_token_verifications_total', 'Bearer tokens verified, by outcome and whether the verified-token cache answered.', ['outcome', 'cache'], () =>
      (['valid', 'invalid'] as const).flatMap((outcome) => (['hit', 'miss'] as const).map((cache) => [{ outcome, cache }, this.verifications[outcome][cache]] as const)),
    );
    collectDefaultMetrics({ register: this.registry, prefix: 'tessera_' });
  }

  /** A counter kept in plain numbers by this class and handed to prom-client when it is scraped. */
  private countedAtScrape<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    counts: () => readonly (readonly [Partial<Record<L, string>>, number])[],
  ): void {
    new Counter({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const [labels, count] of counts()) this.inc(labels, count);
      },
    });
  }

  countCredentialLookup(source: CredentialSource): void {
    this.credentialLookups[source] += 1;
  }

  countTokenIssued(api: string, grant: TokenGrant): void {
    const key = `${grant} ${api}`;
    const entry = this.tokensIssued.get(key);
    if (entry) entry.count += 1;
    else this.tokensIssued.set(key, { api, grant, count: 1 });
  }

  countVerification(valid: boolean, cached: boolean): void {
    this.verifications[valid ? 'valid' : 'invalid'][cached ? 'hit' : 'miss'] += 1;
  }
}
