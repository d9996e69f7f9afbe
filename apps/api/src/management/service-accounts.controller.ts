import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  CreateServiceAccountRequest,
  ListServiceAccountsQuery,
  ServiceAccountPage,
  ServiceAccountResponse,
  UpdateServiceAccountRequest,
} from '@tessera/contracts';
import { ApiDoc } from '../ops/api-doc.decorator';
import { unwrap } from '../common/unwrap';
import { ZodPipe } from '../common/zod-body.pipe';
import type { AuditContext } from '../events/audit-context';
import { Actor, RequireAdmin } from './admin-context';
import { presentAccount } from './presenters';
import { ServiceAccountsService } from './service-accounts.service';

/** Service accounts of an API. */
@Controller('apis/:api/service-accounts')
@RequireAdmin()
export class ServiceAccountsController {
  constructor(private readonly accounts: ServiceAccountsService) {}

  @Post()
  @ApiDoc({ summary: 'Create a service account', tag: 'management', auth: 'bearer', body: CreateServiceAccountRequest, responses: { 201: ServiceAccountResponse } })
  @HttpCode(201)
  async create(
    @Param('api') api: string,
    @Body(new ZodPipe(CreateServiceAccountRequest, 'service account')) body: CreateServiceAccountRequest,
    @Actor() actor: AuditContext,
  ): Promise<ServiceAccountResponse> {
    return presentAccount(unwrap(await this.accounts.create(api, { ...body, description: body.description ?? '' }, actor)));
  }

  @Get()
  @ApiDoc({ summary: 'List service accounts (cursor paging)', tag: 'management', auth: 'bearer', query: ListServiceAccountsQuery, responses: { 200: ServiceAccountPage } })
  async list(@Param('api') api: string, @Query(new ZodPipe(ListServiceAccountsQuery, 'query')) query: ListServiceAccountsQuery): Promise<ServiceAccountPage> {
    const page = await this.accounts.list(api, {
      limit: query.limit,
      ...(query.status ? { status: query.status } : {}),
      ...(query.q ? { q: query.q } : {}),
      ...(query.cursor ? { cursor: query.cursor } : {}),
    });
    return { items: page.items.map(presentAccount), nextCursor: page.nextCursor };
  }

  @Get(':id')
  @ApiDoc({ summary: 'Read a service account', tag: 'management', auth: 'bearer', responses: { 200: ServiceAccountResponse } })
  async get(@Param('api') api: string, @Param('id') id: string): Promise<ServiceAccountResponse> {
    return presentAccount(unwrap(await this.accounts.get(api, id)));
  }

  @Patch(':id')
  @ApiDoc({ summary: 'Update, enable or disable a service account', tag: 'management', auth: 'bearer', body: UpdateServiceAccountRequest, responses: { 200: ServiceAccountResponse } })
  async update(
    @Param('api') api: string,
    @Param('id') id: string,
    @Body(new ZodPipe(UpdateServiceAccountRequest, 'service account update')) body: UpdateServiceAccountRequest,
    @Actor() actor: AuditContext,
  ): Promise<ServiceAccountResponse> {
    const { description, ...rest } = body;
    const patch = { ...rest, ...(description !== undefined ? { description: description ?? '' } : {}) };
    return presentAccount(unwrap(await this.accounts.update(api, id, patch, actor)));
  }

  @Delete(':id')
  @ApiDoc({ summary: 'Delete a service account (none of its secrets enabled)', tag: 'management', auth: 'bearer', responses: { 204: null } })
  @HttpCode(204)
  async delete(@Param('api') api: string, @Param('id') id: string, @Actor() actor: AuditContext): Promise<void> {
    unwrap(await this.accounts.delete(api, id, actor));
  }
}
