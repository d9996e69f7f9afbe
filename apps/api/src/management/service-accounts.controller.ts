import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  CreateServiceAccountRequest,
  ListServiceAccountsQuery,
  UpdateServiceAccountRequest,
  type ServiceAccountPage,
  type ServiceAccountResponse,
} from '@tessera/contracts';
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
  @HttpCode(201)
  async create(
    @Param('api') api: string,
    @Body(new ZodPipe(CreateServiceAccountRequest, 'service account')) body: CreateServiceAccountRequest,
    @Actor() actor: AuditContext,
  ): Promise<ServiceAccountResponse> {
    return presentAccount(unwrap(await this.accounts.create(api, { ...body, description: body.description ?? '' }, actor)));
  }

  @Get()
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
  async get(@Param('api') api: string, @Param('id') id: string): Promise<ServiceAccountResponse> {
    return presentAccount(unwrap(await this.accounts.get(api, id)));
  }

  @Patch(':id')
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
  @HttpCode(204)
  async delete(@Param('api') api: string, @Param('id') id: string, @Actor() actor: AuditContext): Promise<void> {
    unwrap(await this.accounts.delete(api, id, actor));
  }
}
