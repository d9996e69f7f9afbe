import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics. Labels are bounded and public: API slug, grant, refusal reason, outcome —
 * never a client ID, secret or token.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  readonly tokensIssued = new Counter({
    name: 'tessera_tokens_issued_total',
    help: 'Access tokens issued, by API and grant.',
    labelNames: ['api', 'grant'] as const,
    registers: [this.registry],
  });

  readonly authenticationFailures = new Counter({
    name: 'tessera_authentication_failures_total',
    help: 'Failed client authentications, by API (empty when the client is unknown), grant and reason.',
    labelNames: ['api', 'grant', 'reason'] as const,
    registers: [this.registry],
  });

  readonly tokenVerification = new Histogram({
    name: 'tessera_token_verification_seconds',
    help: 'Time to verify a bearer token, by outcome and whether the verified-token cache answered.',
    labelNames: ['outcome', 'cache'] as const,
    buckets: [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'tessera_' });
  }
}
