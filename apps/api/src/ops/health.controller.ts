import { Controller, Get, HttpCode, Inject, ServiceUnavailableException } from '@nestjs/common';
import { Store } from '@tessera/store';
import type { Redis } from 'ioredis';
import { REDIS } from '../core.module';

/** Liveness (the process answers) and readiness (its database, and Redis when configured, answer). */
@Controller('health')
export class HealthController {
  constructor(
    private readonly store: Store,
    @Inject(REDIS) private readonly redis: Redis | null,
  ) {}

  @Get('live')
  @HttpCode(200)
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  async ready(): Promise<{ status: 'ok'; checks: Record<string, 'up'> }> {
    const checks: Record<string, 'up' | 'down'> = {};
    checks.database = await this.store.ping().then((up) => (up ? 'up' : 'down')).catch(() => 'down' as const);
    if (this.redis) checks.redis = await this.redis.ping().then(() => 'up' as const).catch(() => 'down' as const);
    if (Object.values(checks).includes('down')) throw new ServiceUnavailableException({ message: 'Not ready', checks });
    return { status: 'ok', checks: checks as Record<string, 'up'> };
  }
}
