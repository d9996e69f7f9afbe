import { Module } from '@nestjs/common';
import { HealthController } from './health.controller';

/** Operations: health checks. */
@Module({ controllers: [HealthController] })
export class OpsModule {}
