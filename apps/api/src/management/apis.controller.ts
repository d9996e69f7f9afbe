import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import { ApiPolicyResponse, UpdateApiPolicyRequest, UpdatedApiPolicyResponse } from '@tessera/contracts';
import { ApiDoc } from '../ops/api-doc.decorator';
import { unwrap } from '../common/unwrap';
import { ZodPipe } from '../common/zod-body.pipe';
import type { AuditContext } from '../events/audit-context';
import { Actor, RequireAdmin } from './admin-context';
import { ApisService } from './apis.service';
import { presentApi, presentUpdatedApi } from './presenters';

/** An API's policy: token lifetime, reminders, secret lifetime and limits, unused reporting. */
@Controller('apis/:api')
@RequireAdmin()
export class ApisController {
  constructor(private readonly apis: ApisService) {}

  @Get()
  @ApiDoc({ summary: "Read the API's policy", tag: 'management', auth: 'bearer', responses: { 200: ApiPolicyResponse } })
  async show(@Param('api') api: string): Promise<ApiPolicyResponse> {
    return presentApi(unwrap(await this.apis.get(api)));
  }

  @Patch()
  @ApiDoc({ summary: "Change the API's policy", tag: 'management', auth: 'bearer', body: UpdateApiPolicyRequest, responses: { 200: UpdatedApiPolicyResponse } })
  async update(
    @Param('api') api: string,
    @Body(new ZodPipe(UpdateApiPolicyRequest, 'policy')) body: UpdateApiPolicyRequest,
    @Actor() actor: AuditContext,
  ): Promise<UpdatedApiPolicyResponse> {
    return presentUpdatedApi(unwrap(await this.apis.update(api, body, actor)));
  }
}
