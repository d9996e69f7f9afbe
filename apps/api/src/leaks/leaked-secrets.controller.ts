import { Body, Controller, Header, HttpCode, Post, Req } from '@nestjs/common';
import { LeakedSecretsRequest, LeakedSecretsResponse } from '@tessera/contracts';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from '../common/http-errors';
import { requestSource } from '../common/request-context';
import { ZodPipe } from '../common/zod-body.pipe';
import type { AuditContext } from '../events/audit-context';
import { ApiDoc } from '../ops/api-doc.decorator';
import { LeakedSecretsService } from './leaked-secrets.service';

/**
 * `POST /leaked-secrets`: secret scanners report Tessera secrets they found (GitHub's secret
 * scanning partner format). No authentication: it acts only on a secret the caller holds, and
 * only disables it (docs/decisions.md).
 */
@Controller('leaked-secrets')
export class LeakedSecretsController {
  constructor(private readonly leaks: LeakedSecretsService) {}

  @Post()
  @ApiDoc({
    summary: "Report leaked secrets (GitHub secret scanning partner format): each Tessera secret among them is disabled and its API's security contacts told",
    tag: 'leaks',
    body: LeakedSecretsRequest,
    responses: { 200: LeakedSecretsResponse },
  })
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  async report(@Body(new ZodPipe(LeakedSecretsRequest, 'leak report')) body: LeakedSecretsRequest, @Req() request: FastifyRequest): Promise<LeakedSecretsResponse> {
    // The reporter is nobody Tessera knows: the audit trail names the report and its address.
    const context: AuditContext = { actor: { kind: 'leak_report' }, source: requestSource(request) };
    const outcome = await this.leaks.report(body, context);
    if (outcome.ok) return outcome.value;
    throw new ProblemException('AUTH.THROTTLED', 'Too many reports of unknown secrets; try again later.', {}, [], { 'Retry-After': String(outcome.retryAfterSeconds) });
  }
}
