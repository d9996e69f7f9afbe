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
    const verifications = this.verifications;
    const credentialLookups = this.credentialLookups;
    const tokensIssued = this.tokensIssued;
    new Counter({
      name: 'tessera_tokens_issued_total',
      help: 'Access tokens issued, by API and grant.',
      labelNames: ['api', 'grant'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const { api, grant, count } of tokensIssued.values()) this.inc({ api, grant }, count);
      },
    });
    new Counter({
      name: 'tessera_credential_lookups_total',
      help: 'Client credential look-ups (token, introspection and revocation endpoints), by source: the credential cache, a database read, or a database read another request had already started.',
      labelNames: ['source'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const source of ['cache', 'database', 'shared'] as const) this.inc({ source }, credentialLookups[source]);
      },
    });
    new Counter({
      name: 'tessera_token_verifications_total',
      help: 'Bearer tokens verified, by outcome and whether the verified-token cache answered.',
      labelNames: ['outcome', 'cache'] as const,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const outcome of ['valid', 'invalid'] as const) {
          for (const cache of ['hit', 'miss'] as const) this.inc({ outcome, cache }, verifications[outcome][cache]);
        }
      },
    });
    collectDefaultMetrics({ register: this.registry, prefix: 'tessera_' });
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
