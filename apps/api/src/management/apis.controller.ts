import { Body, Controller, Get, Param, Patch } from '@nestjs/common';
import { UpdateApiPolicyRequest, type ApiPolicyResponse } from '@tessera/contracts';
import { unwrap } from '../common/unwrap';
import { ZodPipe } from '../common/zod-body.pipe';
import type { AuditContext } from '../events/audit-context';
import { Actor, RequireAdmin } from './admin-context';
import { ApisService } from './apis.service';
import { presentApi } from './presenters';

/** An API's policy: token lifetime, reminders, secret lifetime and limits, unused reporting. */
@Controller('apis/:api')
@RequireAdmin()
export class ApisController {
  constructor(private readonly apis: ApisService) {}

  @Get()
  async show(@Param('api') api: string): Promise<ApiPolicyResponse> {
    return presentApi(unwrap(await this.apis.get(api)));
  }

  @Patch()
  async update(
    @Param('api') api: string,
    @Body(new ZodPipe(UpdateApiPolicyRequest, 'policy')) body: UpdateApiPolicyRequest,
    @Actor() actor: AuditContext,
  ): Promise<ApiPolicyResponse> {
    return presentApi(unwrap(await this.apis.update(api, body, actor)));
  }
}
