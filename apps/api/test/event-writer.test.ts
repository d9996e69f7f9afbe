import { MAX_TOKENS_PER_ISSUED_EVENT, parseDomainEvent, type TokenGrant } from '@tessera/contracts';
import type { EventRow, Store } from '@tessera/store';
import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { pooledRandomBytes } from '../src/crypto/random';
import type { AuditContext } from '../src/events/audit-context';
import { EventWriter } from '../src/events/event-writer.service';
import { openStore, TARGETS, type TestDatabase } from './support/databases';

const context: AuditContext = { actor: { kind: 'account', clientId: 'tci_0000000000000000000001' }, source: { ip: '203.0.113.7', userAgent: 'billing/2.1' } };
const subject = { accountId: 'sa_0000000000000000000001', secretId: 'sec_0000000000000000000001' };
const token = (jti: string, i = 0) => ({ jti, scope: 'a:read', expiresAt: new Date(Date.UTC(2026, 0, 1, 12, 15, i)).toISOString(), grant: 'client_credentials' as TokenGrant });

describe.each(TARGETS)('EventWriter on $name', ({ create }) => {
  let db: TestDatabase;
  let store: Store;
  let writer: EventWriter;

  beforeAll(async () => {
    db = await create();
    store = await openStore(db);
    writer = new EventWriter(store, { now: () => new Date() }, pooledRandomBytes());
  });

  afterAll(async () => {
    await store?.close();
    await db?.drop();
  });

  /** The `token.issued` events of an API, in the order their tokens were issued. */
  async function issued(api: string): Promise<EventRow[]> {
    const rows = await store.session().events.list(api, { limit: 10_000, type: 'token.issued' });
    // Every row is a valid event of the shared contract.
    for (const { id, type, actor, source, subject: about, data, occurredAt } of rows) {
      parseDomainEvent({ id, api, type, actor, source, subject: about, data, occurredAt: occurredAt.toISOString() });
    }
    const first = (row: EventRow) => (row.data.jtis as string[])[0]!;
    return rows.sort((a, b) => first(a).localeCompare(first(b)));
  }

  it('records a burst of tokens as few events listing every token id in order, none holding more than the limit', async () => {
    const jtis = Array.from({ length: 2 * MAX_TOKENS_PER_ISSUED_EVENT + 50 }, (_, i) => `jti_${String(i).padStart(4, '0')}`);
    jtis.forEach((jti, i) => writer.tokenIssued('burst', context, subject, token(jti, i)));
    await writer.flush();

    const events = await issued('burst');
    expect(events.map((e) => (e.data.jtis as string[]).length)).toEqual([MAX_TOKENS_PER_ISSUED_EVENT, MAX_TOKENS_PER_ISSUED_EVENT, 50]);
    expect(events.flatMap((e) => e.data.jtis as string[])).toEqual(jtis);
    // Each event says when the last of its tokens expires.
    expect(events.map((e) => e.data.expiresAt)).toEqual([token('', 99).expiresAt, token('', 199).expiresAt, token('', 249).expiresAt]);
    expect(events[0]).toMatchObject({ api: 'burst', accountId: subject.accountId, actor: context.actor, source: context.source, subject, data: { scope: 'a:read', grant: 'client_credentials' } });
    expect(await store.session().events.countTokensIssued('burst', subject.accountId, new Date(0))).toBe(jtis.length);
  });

  it('keeps tokens apart that differ in secret, scope, grant, address or user agent', async () => {
    const variants: [string, AuditContext, typeof subject, ReturnType<typeof token>][] = [
      ['same', context, subject, token('jti_same_1')],
      ['same again', context, subject, token('jti_same_2')],
      ['secret', context, { ...subject, secretId: 'sec_0000000000000000000002' }, token('jti_secret')],
      ['scope', context, subject, { ...token('jti_scope'), scope: 'a:read a:write' }],
      ['grant', context, subject, { ...token('jti_grant'), grant: 'seed' }],
      ['address', { ...context, source: { ...context.source, ip: '203.0.113.8' } }, subject, token('jti_address')],
      ['no user agent', { ...context, source: { ...context.source, userAgent: null } }, subject, token('jti_agent_none')],
      // A user agent spelling the "absent" marker is still a different agent.
      ['agent "-"', { ...context, source: { ...context.source, userAgent: '-' } }, subject, token('jti_agent_dash')],
    ];
    for (const [, ctx, sub, tok] of variants) writer.tokenIssued('apart', ctx, sub, tok);
    await writer.flush();

    const events = await issued('apart');
    expect(events.map((e) => e.data.jtis).sort()).toEqual(
      [['jti_address'], ['jti_agent_dash'], ['jti_agent_none'], ['jti_grant'], ['jti_same_1', 'jti_same_2'], ['jti_scope'], ['jti_secret']].sort(),
    );
    const agentless = events.find((e) => (e.data.jtis as string[])[0] === 'jti_agent_none')!;
    expect(agentless.source).toEqual({ ip: '203.0.113.7', userAgent: null });
  });

  it('keeps at most 200,000 tokens in memory while the database is unreachable, dropping the oldest', async () => {
    const outage = await openStore(db);
    const { orm } = outage;
    const cut = new EventWriter(outage, { now: () => new Date() }, pooledRandomBytes());
    const errors = vi.spyOn(Logger.prototype, 'error').mockImplementation(() => {});
    try {
      await orm.close(true);
      const total = 200_000 + 250;
      for (let i = 0; i < total; i++) cut.tokenIssued('outage', context, subject, token(`jti_${String(i).padStart(6, '0')}`));
      await cut.flush();
      // Whole events are dropped, oldest first: the 250 over the limit take three events of 100.
      expect(errors.mock.calls.map(([message]) => String(message))).toContainEqual(expect.stringContaining('dropped the 300 oldest authentications (3 events)'));

      await orm.connect();
      await vi.waitFor(async () => expect(await store.session().events.countTokensIssued('outage', subject.accountId, new Date(0))).toBe(total - 300), { timeout: 20_000, interval: 200 });
      const events = await issued('outage');
      expect((events[0]!.data.jtis as string[])[0]).toBe('jti_000300');
      expect((events.at(-1)!.data.jtis as string[]).at(-1)).toBe(`jti_${total - 1}`);
    } finally {
      errors.mockRestore();
      await orm.close(true);
    }
  });

  it('says when the last token of an event expires, also when the lifetime shrinks during a burst', async () => {
    writer.tokenIssued('shrinking', context, subject, token('jti_1', 30));
    writer.tokenIssued('shrinking', context, subject, token('jti_2', 10));
    await writer.flush();
    expect((await issued('shrinking')).map((e) => e.data)).toMatchObject([{ jtis: ['jti_1', 'jti_2'], expiresAt: token('', 30).expiresAt }]);
  });

  it('starts a new event once the buffered ones are written', async () => {
    writer.tokenIssued('after-write', context, subject, token('jti_1'));
    await writer.flush();
    writer.tokenIssued('after-write', context, subject, token('jti_2'));
    await writer.flush();
    expect((await issued('after-write')).map((e) => e.data.jtis)).toEqual([['jti_1'], ['jti_2']]);
  });
});
