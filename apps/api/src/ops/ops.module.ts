import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { DocsController } from './docs.controller';
import { OpenApiService } from './openapi.service';
import { HealthController } from './health.controller';
import { MetricsController } from './metrics.controller';

/** Operations: health checks, metrics and the OpenAPI document. */
@Module({
  imports: [TerminusModule.forRoot({ logger: false }), DiscoveryModule],
  controllers: [HealthController, MetricsController, DocsController],
  providers: [OpenApiService],
})
export class OpsModule {}
