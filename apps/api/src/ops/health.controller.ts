import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService, type HealthCheckResult, type HealthIndicatorResult } from '@nestjs/terminus';
import { Store } from '@tessera/store';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { REDIS } from '../core.module';
import { ApiDoc } from './api-doc.decorator';

const Health = z.looseObject({ status: z.enum(['ok', 'error']) });

/**
 * Liveness (the process answers) and readiness (its database, and Redis when configured, answer
 * within a second) through @nestjs/terminus: 200 when up, 503 with the failing check otherwise.
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly store: Store,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  @Get('live')
  @ApiDoc({ summary: 'Liveness', tag: 'operations', responses: { 200: Health } })
  @HealthCheck()
  live(): Promise<HealthCheckResult> {
    return this.health.check([]);
  }

  @Get('ready')
  @ApiDoc({ summary: 'Readiness: database (and Redis when configured)', tag: 'operations', responses: { 200: Health, 503: Health } })
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    const checks = [() => this.probe('database', () => this.store.ping())];
    if (this.redis) {
      const redis = this.redis;
      checks.push(() => this.probe('redis', async () => (await redis.ping()) === 'PONG'));
    }
    return this.health.check(checks);
  }

  private async probe(key: string, ping: () => Promise<boolean>): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    try {
      const up = await Promise.race([ping(), new Promise<false>((resolve) => setTimeout(() => resolve(false), 1_000).unref())]);
      return up ? indicator.up() : indicator.down({ message: 'no answer within 1 s' });
    } catch (error) {
      return indicator.down({ message: error instanceof Error ? error.message : 'unreachable' });
    }
  }
}
