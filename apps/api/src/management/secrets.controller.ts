import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  CreateSecretRequest,
  RotateSecretRequest,
  RotateSecretResponse,
  SecretCreatedResponse,
  SecretResponse,
  UpdateSecretRequest,
} from '@tessera/contracts';
import { z } from 'zod';
import { ApiDoc } from '../ops/api-doc.decorator';
import { unwrap } from '../common/unwrap';
import { ZodPipe } from '../common/zod-body.pipe';
import type { AuditContext } from '../events/audit-context';
import { Actor, RequireAdmin } from './admin-context';
import { presentCreatedSecret, presentSecret } from './presenters';
import { SecretsService } from './secrets.service';

/** `expiresAt` as the contract read it: absent (default), null (never expires) or a date-time (a date alone is the start of its day, UTC). */
function expiry(value: string | null | undefined): { expiresAt?: Date | null } {
  if (value === undefined) return {};
  return { expiresAt: value === null ? null : new Date(value) };
}

/** Client secrets of a service account. `clientSecret` appears in creation responses only. */
@Controller('apis/:api/service-accounts/:id/secrets')
@RequireAdmin()
export class SecretsController {
  constructor(private readonly secrets: SecretsService) {}

  @Post()
  @ApiDoc({ summary: 'Add a secret (the only response that shows it)', tag: 'management', auth: 'bearer', body: CreateSecretRequest, responses: { 201: SecretCreatedResponse } })
  @HttpCode(201)
  async create(
    @Param('api') api: string,
    @Param('id') id: string,
    @Body(new ZodPipe(CreateSecretRequest, 'secret')) body: CreateSecretRequest,
    @Actor() actor: AuditContext,
  ): Promise<SecretCreatedResponse> {
    const created = unwrap(
      await this.secrets.add(api, id, { ...expiry(body.expiresAt), ...(body.description !== undefined ? { description: body.description } : {}) }, actor),
    );
    return presentCreatedSecret(created.account, created.secret, created.plaintext);
  }

  @Get()
  @ApiDoc({ summary: "List an account's secrets (hints only)", tag: 'management', auth: 'bearer', responses: { 200: z.object({ items: z.array(SecretResponse) }) } })
  async list(@Param('api') api: string, @Param('id') id: string): Promise<{ items: SecretResponse[] }> {
    return { items: unwrap(await this.secrets.list(api, id)).map(presentSecret) };
  }

  @Post('rotate')
  @ApiDoc({ summary: 'Rotate: add a secret, optionally schedule disabling the others', tag: 'management', auth: 'bearer', body: RotateSecretRequest, responses: { 201: RotateSecretResponse } })
  @HttpCode(201)
  async rotate(
    @Param('api') api: string,
    @Param('id') id: string,
    @Body(new ZodPipe(RotateSecretRequest, 'rotation')) body: RotateSecretRequest,
    @Actor() actor: AuditContext,
  ): Promise<RotateSecretResponse> {
    const rotation = unwrap(
      await this.secrets.rotate(
        api,
        id,
        {
          ...expiry(body.expiresAt),
          ...(body.description !== undefined ? { description: body.description } : {}),
          ...(body.disableOthersAfter !== undefined ? { disableOthersAfter: new Date(body.disableOthersAfter) } : {}),
        },
        actor,
      ),
    );
    return {
      secret: presentCreatedSecret(rotation.account, rotation.secret, rotation.plaintext),
      stillEnabled: rotation.stillEnabled.map(presentSecret),
      scheduledDisableAt: rotation.scheduledDisableAt?.toISOString() ?? null,
    };
  }

  @Patch(':secretId')
  @ApiDoc({ summary: 'Enable, disable or describe a secret', tag: 'management', auth: 'bearer', body: UpdateSecretRequest, responses: { 200: SecretResponse } })
  async update(
    @Param('api') api: string,
    @Param('id') id: string,
    @Param('secretId') secretId: string,
    @Body(new ZodPipe(UpdateSecretRequest, 'secret update')) body: UpdateSecretRequest,
    @Actor() actor: AuditContext,
  ): Promise<SecretResponse> {
    const patch = {
      ...(body.status !== undefined ? { status: body.status } : {}),
      ...(body.description !== undefined ? { description: body.description ?? '' } : {}),
    };
    return presentSecret(unwrap(await this.secrets.update(api, id, secretId, patch, actor)));
  }

  @Delete(':secretId')
  @ApiDoc({ summary: 'Delete a disabled secret', tag: 'management', auth: 'bearer', responses: { 204: null } })
  @HttpCode(204)
  async delete(@Param('api') api: string, @Param('id') id: string, @Param('secretId') secretId: string, @Actor() actor: AuditContext): Promise<void> {
    unwrap(await this.secrets.delete(api, id, secretId, actor));
  }
}
