import { Inject, Injectable } from '@nestjs/common';
import type { ServiceAccountUsage } from '@tessera/contracts';
import { findUnused, type Clock } from '@tessera/domain';
import { Store, type EventRow } from '@tessera/store';
import { notFound, type AppResult } from '../common/app-error';
import { CLOCK } from '../common/tokens';

const DAY_MS = 86_400_000;

export interface EventPage {
  readonly items: EventRow[];
  readonly nextCursor: string | null;
}

/** What owners review: the audit trail of an API, and the usage of each account. */
@Injectable()
export class ActivityService {
  constructor(
    private readonly store: Store,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async events(api: string, query: { limit: number; cursor?: string; type?: string; accountId?: string; since?: Date; until?: Date }): Promise<EventPage> {
    const rows = await this.store.session().events.list(api, {
      limit: query.limit,
      ...(query.cursor ? { before: query.cursor } : {}),
      ...(query.type ? { type: query.type } : {}),
      ...(query.accountId ? { accountId: query.accountId } : {}),
      ...(query.since ? { since: query.since } : {}),
      ...(query.until ? { until: query.until } : {}),
    });
    const items = rows.slice(0, query.limit);
    return { items, nextCursor: rows.length > query.limit ? (items[items.length - 1]?.id ?? null) : null };
  }

  async usage(api: string, accountId: string): Promise<AppResult<ServiceAccountUsage>> {
    const session = this.store.session();
    const [apiRow, account] = await Promise.all([session.apis.find(api), session.accounts.find(api, accountId)]);
    if (!apiRow || !account) return { ok: false, error: notFound(`Service account "${accountId}"`) };
    const now = this.clock.now().getTime();
    const windows = [DAY_MS, 7 * DAY_MS, 30 * DAY_MS].map((ms) => new Date(now - ms));
    const counts = async (count: (since: Date) => Promise<number>) => {
      const [day, week, month] = await Promise.all(windows.map(count));
      return { last24Hours: day!, last7Days: week!, last30Days: month! };
    };
    const [secrets, tokensIssued, authenticationFailures] = await Promise.all([
      session.secrets.listByAccount(api, account.id),
      counts((since) => session.events.countTokensIssued(api, account.id, since)),
      counts((since) => session.events.count(api, account.id, 'authentication.failed', since)),
    ]);
    return {
      ok: true,
      value: {
        accountId: account.id,
        clientId: account.clientId,
        lastUsedAt: account.lastUsedAt?.toISOString() ?? null,
        unused: findUnused([account], apiRow.policy.unusedAfterDays, new Date(now)).length > 0,
        tokensIssued,
        authenticationFailures,
        secrets: secrets.map((s) => ({ id: s.id, hint: s.hint, status: s.status, lastUsedAt: s.lastUsedAt?.toISOString() ?? null, expiresAt: s.expiresAt?.toISOString() ?? null })),
      },
    };
  }
}
