import { Inject, Injectable } from '@nestjs/common';
import { CONFIG } from '../common/tokens';
import type { Config } from '../config/env';
import type { FailureCounter } from './failure-throttle';

export const FAILURE_COUNTER = Symbol('FAILURE_COUNTER');

/**
 * Throttles failed authentications per client ID and per address: past the limit in a window,
 * every attempt (even a correct one) gets 429 with Retry-After until the window ends.
 */
@Injectable()
export class FailureThrottle {
  constructor(
    @Inject(FAILURE_COUNTER) private readonly counter: FailureCounter,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  async retryAfter(clientId: string, ip: string | null): Promise<number> {
    const { perClient, perAddress } = this.config.throttle;
    const [byClient, byAddress] = await Promise.all([
      this.counter.retryAfter(`client:${clientId.slice(0, 256)}`, perClient),
      ip ? this.counter.retryAfter(`ip:${ip}`, perAddress) : Promise.resolve(0),
    ]);
    return Math.max(byClient, byAddress);
  }

  async fail(clientId: string, ip: string | null): Promise<void> {
    const { windowSeconds } = this.config.throttle;
    await Promise.all([
      this.counter.fail(`client:${clientId.slice(0, 256)}`, windowSeconds),
      ip ? this.counter.fail(`ip:${ip}`, windowSeconds) : Promise.resolve(),
    ]);
  }
}
