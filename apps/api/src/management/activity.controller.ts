import { Controller, Get, Param, Query } from '@nestjs/common';
import { AuditEventPage, ListAuditEventsQuery, ServiceAccountUsage } from '@tessera/contracts';
import type { EventRow } from '@tessera/store';
import { unwrap } from '../common/unwrap';
import { ZodPipe } from '../common/zod-body.pipe';
import { ApiDoc } from '../ops/api-doc.decorator';
import { ActivityService } from './activity.service';
import { RequireAdmin } from './admin-context';

/** An event as the audit trail shows it (the outbox column stays internal). */
function presentEvent(row: EventRow): AuditEventPage['items'][number] {
  return {
    id: row.id,
    type: row.type,
    api: row.api,
    occurredAt: row.occurredAt.toISOString(),
    actor: row.actor,
    source: row.source,
    subject: row.subject,
    data: row.data,
  } as AuditEventPage['items'][number];
}

/** Activity review for owners: the API's audit trail and per-account usage. */
@Controller('apis/:api')
@RequireAdmin()
export class ActivityController {
  constructor(private readonly activity: ActivityService) {}

  @Get('audit-events')
  @ApiDoc({ summary: 'The audit trail of the API, newest first', tag: 'activity', auth: 'bearer', query: ListAuditEventsQuery, responses: { 200: AuditEventPage } })
  async events(@Param('api') api: string, @Query(new ZodPipe(ListAuditEventsQuery, 'query')) query: ListAuditEventsQuery): Promise<AuditEventPage> {
    const page = await this.activity.events(api, {
      limit: query.limit,
      ...(query.cursor ? { cursor: query.cursor } : {}),
      ...(query.type ? { type: query.type } : {}),
      ...(query.accountId ? { accountId: query.accountId } : {}),
      ...(query.since ? { since: new Date(query.since) } : {}),
      ...(query.until ? { until: new Date(query.until) } : {}),
    });
    return { items: page.items.map(presentEvent), nextCursor: page.nextCursor };
  }

  @Get('service-accounts/:id/usage')
  @ApiDoc({ summary: 'Usage of a service account: last use, tokens issued, failures', tag: 'activity', auth: 'bearer', responses: { 200: ServiceAccountUsage } })
  async usage(@Param('api') api: string, @Param('id') id: string): Promise<ServiceAccountUsage> {
    return unwrap(await this.activity.usage(api, id));
  }
}
