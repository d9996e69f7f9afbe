import { Controller, Get, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiDoc } from './api-doc.decorator';
import { Metrics } from './metrics';

/** Prometheus exposition at `/metrics`. Expose it to your scraper only (it is not authenticated). */
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @ApiDoc({ summary: 'Prometheus metrics (text exposition format)', tag: 'operations', responses: { 200: null } })
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    reply.header('Content-Type', this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
