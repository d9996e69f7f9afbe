import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { AlertChannel, AlertChannelCreated, CreateAlertChannelRequest, RotateAlertChannelSecretRequest } from '@tessera/contracts';
import { z } from 'zod';
import { unwrap } from '../common/unwrap';
import { ZodPipe } from '../common/zod-body.pipe';
import type { AuditContext } from '../events/audit-context';
import { ApiDoc } from '../ops/api-doc.decorator';
import { Actor, RequireAdmin } from './admin-context';
import { AlertChannelsService } from './alert-channels.service';

/** Security contacts of an API: where expiry reminders and alerts are sent. */
@Controller('apis/:api/alert-channels')
@RequireAdmin()
export class AlertChannelsController {
  constructor(private readonly channels: AlertChannelsService) {}

  @Post()
  @ApiDoc({ summary: 'Add a security contact (signed webhook or e-mail)', tag: 'alerts', auth: 'bearer', body: CreateAlertChannelRequest, responses: { 201: AlertChannelCreated } })
  @HttpCode(201)
  async create(
    @Param('api') api: string,
    @Body(new ZodPipe(CreateAlertChannelRequest, 'alert channel')) body: CreateAlertChannelRequest,
    @Actor() actor: AuditContext,
  ): Promise<AlertChannelCreated> {
    return this.channels.presentCreated(unwrap(await this.channels.create(api, body, actor)));
  }

  @Get()
  @ApiDoc({ summary: 'List the security contacts', tag: 'alerts', auth: 'bearer', responses: { 200: z.object({ items: z.array(AlertChannel) }) } })
  async list(@Param('api') api: string): Promise<{ items: AlertChannel[] }> {
    return { items: unwrap(await this.channels.list(api)).map((channel) => this.channels.present(channel)) };
  }

  @Post(':channelId/rotate-secret')
  @ApiDoc({ summary: 'Replace a webhook contact\'s signing secret; the previous one keeps signing for an overlap', tag: 'alerts', auth: 'bearer', body: RotateAlertChannelSecretRequest, responses: { 200: AlertChannelCreated } })
  @HttpCode(200)
  async rotateSecret(
    @Param('api') api: string,
    @Param('channelId') id: string,
    @Body(new ZodPipe(RotateAlertChannelSecretRequest, 'rotation')) body: RotateAlertChannelSecretRequest,
    @Actor() actor: AuditContext,
  ): Promise<AlertChannelCreated> {
    return this.channels.presentCreated(unwrap(await this.channels.rotateSecret(api, id, body, actor)));
  }

  @Delete(':channelId')
  @ApiDoc({ summary: 'Remove a security contact', tag: 'alerts', auth: 'bearer', responses: { 204: null } })
  @HttpCode(204)
  async delete(@Param('api') api: string, @Param('channelId') id: string, @Actor() actor: AuditContext): Promise<void> {
    unwrap(await this.channels.delete(api, id, actor));
  }
}
