import { KEY_DELETION_DELAY_SECONDS, type Clock } from '@tessera/domain';
import { KeyEncryption, type Store } from '@tessera/store';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TokenVerifier } from '../src/auth/token-verifier.service';
import { RevocationService } from '../src/auth/revocation.service';
import { InvalidationBus, LocalInvalidationBus, RedisInvalidationBus } from '../src/cluster/invalidation-bus';
import { loadConfig } from '../src/config/env';
import { pooledRandomBytes } from '../src/crypto/random';
import { EventWriter } from '../src/events/event-writer.service';
import { Metrics } from '../src/ops/metrics';
import { MAX_TOKEN_LIFETIME_SECONDS, SigningKeysService } from '../src/tokens/signing-keys.service';
import { signAccessToken } from '../src/tokens/token-signer';
import { openStore, sql, TARGETS, TEST_REDIS_URL, type TestDatabase } from './support/databases';

const ISSUER = 'http://tessera.test';
const DAY_MS = 86_400_000;
const NOT_OUR_KEY = { ok: false, description: 'The access token was not signed by a key of this issuer.' };

/**
 * The signing keys and the verifier of one API process, on a real database (and Redis in
 * distributed mode), with a clock the test moves.
 */
describe.each(TARGETS)('TokenVerifier and signing keys on $name', ({ create, redis }) => {
  let db: TestDatabase;
  let store: Store;
  let bus: InvalidationBus;
  let time = Date.now();
  const clock: Clock = { now: () => new Date(time) };
  let encryption: KeyEncryption;
  let keys: SigningKeysService;
  let verifier: TokenVerifier;

  beforeAll(async () => {
    db = await create();
    store = await openStore(db);
    bus = redis ? await RedisInvalidationBus.connect(TEST_REDIS_URL, `test-${randomBytes(6).toString('hex')}`) : new LocalInvalidationBus();
    const config = loadConfig({ DATABASE_URL: db.url, TESSERA_ISSUER: ISSUER, TESSERA_PEPPER: randomBytes(32).toString('hex') });
    encryption = new KeyEncryption(randomBytes(32));
    keys = signingKeys(bus);
    await keys.init();
    verifier = new TokenVerifier(keys, new RevocationService(store, bus, clock, config), new Metrics(), clock, config);
  });

  afterAll(async () => {
    await bus?.close();
    await store?.close();
    await db?.drop();
  });

  /** The signing keys of a process on this database (with a store of its own for another process). */
  function signingKeys(on: InvalidationBus, of = store): SigningKeysService {
    return new SigningKeysService(of, encryption, on, new EventWriter(of, clock, pooledRandomBytes()), clock, pooledRandomBytes());
  }

  /** The ids of the keys stored in the database. */
  const storedKids = async () => (await sql<{ id: string }>(db, 'select id from signing_key')).map((row) => row.id);

  /** The `key.deleted` events of a key: their `data` (JSON text on SQLite, jsonb on PostgreSQL). */
  async function deletedEvents(kid: string): Promise<unknown[]> {
    const rows = await sql<{ subject: unknown; data: unknown; actor: unknown }>(db, "select subject, data, actor from event where type = 'key.deleted'");
    const json = (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, unknown>;
    return rows.filter((row) => json(row.subject).keyId === kid).map((row) => ({ ...json(row.data), actor: json(row.actor).kind }));
  }

  /**
   * A token signed by the active key, valid for a week: longer than any API allows, as only
   * someone holding a leaked private key could make it.
   */
  function tokenOfActiveKey(of = keys): { token: string; kid: string } {
    const { kid, privateKey } = of.current();
    const iat = Math.floor(time / 1000);
    const claims = {
      iss: ISSUER,
      sub: 'tci_leaked',
      aud: 'my-api',
      client_id: 'tci_leaked',
      scope: 'tessera:admin',
      jti: randomBytes(12).toString('base64url'),
      iat,
      exp: iat + (7 * DAY_MS) / 1000,
      secret_id: 'sec_leaked',
    };
    return { token: signAccessToken(claims, kid, privateKey), kid };
  }

  const published = () => keys.publicJwks().map((k) => k.kid);

  it('refuses a retired key once its grace period ends, in tokens never seen and in cached ones', async () => {
    const seen = tokenOfActiveKey();
    const unseen = tokenOfActiveKey();
    expect(await verifier.verify(seen.token)).toMatchObject({ ok: true });
    await keys.rotate();
    // Retired, still published while tokens it signed may be live: both are accepted.
    time += MAX_TOKEN_LIFETIME_SECONDS * 1000;
    expect(published()).toContain(seen.kid);
    expect(await verifier.verify(seen.token)).toMatchObject({ ok: true });

    time += 60_000; // the clock-skew margin: the key leaves the JWKS now
    expect(published()).not.toContain(seen.kid);
    expect(await verifier.verify(unseen.token)).toEqual(NOT_OUR_KEY);
    expect(await verifier.verify(seen.token)).toEqual(NOT_OUR_KEY);
    expect(await verifier.verify(tokenOfActiveKey().token)).toMatchObject({ ok: true });
  });

  it('refuses a key that left the published set in the database once the process reloads its keys', async () => {
    const seen = tokenOfActiveKey();
    const unseen = tokenOfActiveKey();
    expect(await verifier.verify(seen.token)).toMatchObject({ ok: true });
    await keys.rotate();
    // The end of its grace period, brought forward by hand: retired three days ago.
    await sql(db, 'update signing_key set retired_at = ? where id = ?', [new Date(time - 3 * DAY_MS), seen.kid]);
    // Not reloaded yet: the JWKS and verification agree that the key is still trusted.
    expect(published()).toContain(seen.kid);
    expect(await verifier.verify(seen.token)).toMatchObject({ ok: true });

    time += 30_001; // keys are reloaded when used more than 30 s after the last load
    await expect.poll(published, { timeout: 2_000, interval: 20 }).not.toContain(seen.kid);
    expect(await verifier.verify(unseen.token)).toEqual(NOT_OUR_KEY);
    expect(await verifier.verify(seen.token)).toEqual(NOT_OUR_KEY);
    expect(await verifier.verify(tokenOfActiveKey().token)).toMatchObject({ ok: true });
  });

  it('deletes a retired key at the first reload an hour after it leaves the JWKS, recorded once whichever processes reload', async () => {
    const old = tokenOfActiveKey();
    // A second process on the same database, with the key loaded too.
    const otherStore = await openStore(db);
    try {
      const other = signingKeys(new LocalInvalidationBus(), otherStore);
      await other.init();
      const retiredAt = new Date(time);
      await keys.rotate();
      // The last millisecond of its publication window: still published, still stored.
      time += (MAX_TOKEN_LIFETIME_SECONDS + 60) * 1000 - 1;
      await keys.reload();
      expect(published()).toContain(old.kid);
      expect(await storedKids()).toContain(old.kid);
      // Out of the JWKS for an hour less a millisecond: refused, and still stored.
      time += KEY_DELETION_DELAY_SECONDS * 1000;
      await keys.reload();
      expect(published()).not.toContain(old.kid);
      expect(await verifier.verify(old.token)).toEqual(NOT_OUR_KEY);
      expect(await storedKids()).toContain(old.kid);

      time += 1;
      if (db.kind === 'postgresql') {
        // Both delete it at once: the event is written by the one whose delete removed the row.
        await Promise.all([keys.reload(), other.reload()]);
      } else {
        // One after the other: better-sqlite3 is synchronous, so a second connection of this same
        // process waiting for the write lock would block the event loop that has to release it.
        await keys.reload();
        await other.reload();
      }
      expect(await storedKids()).not.toContain(old.kid);
      expect(await storedKids()).toContain(keys.current().kid);
      expect(await deletedEvents(old.kid)).toEqual([{ retiredAt: retiredAt.toISOString(), actor: 'system' }]);
      expect(published()).not.toContain(old.kid);
      expect(await verifier.verify(old.token)).toEqual(NOT_OUR_KEY);
      expect(other.isPublished(old.kid, clock.now())).toBe(false);
      await other.reload(); // finds it gone: nothing more to delete or record
      expect(await deletedEvents(old.kid)).toHaveLength(1);
    } finally {
      await otherStore.close();
    }
  });

  it('deletes, when rotating, the keys out of the JWKS for an hour and keeps those still published', async () => {
    const first = keys.current().kid;
    await keys.rotate();
    time += (MAX_TOKEN_LIFETIME_SECONDS + 60 + KEY_DELETION_DELAY_SECONDS) * 1000; // the first retired key's window ended an hour ago
    const second = keys.current().kid;
    const { newKeyId } = await keys.rotate();
    const stored = await storedKids();
    expect(stored).not.toContain(first);
    expect(stored).toEqual(expect.arrayContaining([second, newKeyId]));
    expect(published()).toEqual(expect.arrayContaining([second, newKeyId]));
  });

  it('reloads once more when a rotation is announced during a reload that read the keys before it', async () => {
    // The same database, where this process's reads of the keys can be held once they have read.
    let hold: Promise<void> | null = null;
    const held = new Proxy(store, {
      get(target, prop) {
        if (prop !== 'session') return Reflect.get(target, prop, target) as unknown;
        return () => {
          const session = target.session();
          const all = session.signingKeys.all.bind(session.signingKeys);
          return Object.assign(Object.create(session) as typeof session, {
            signingKeys: Object.assign(Object.create(session.signingKeys) as typeof session.signingKeys, {
              all: async () => {
                const rows = await all();
                await hold;
                return rows;
              },
            }),
          });
        };
      },
    });
    const here = signingKeys(new LocalInvalidationBus(), held);
    await here.init();
    let release!: () => void;
    hold = new Promise<void>((resolve) => (release = resolve));
    const underWay = here.reload(); // a periodic reload: it has read the keys and is held
    await new Promise((resolve) => setTimeout(resolve, 50));
    const elsewhere = signingKeys(new LocalInvalidationBus());
    await elsewhere.init();
    const { newKeyId } = await elsewhere.rotate();
    const announced = here.reload(); // as the `keys-rotated` message does
    hold = null;
    release();
    await Promise.all([underWay, announced]);
    expect(here.current().kid).toBe(newKeyId);
  });

  it('accepts a key another process rotated in at once, even just after a reload', async () => {
    await keys.reload(); // a periodic reload, just now
    // The CLI in embedded mode: no channel to this process, which learns of the key from its `kid`.
    const elsewhere = signingKeys(new LocalInvalidationBus());
    await elsewhere.init();
    await elsewhere.rotate();
    const rotatedIn = tokenOfActiveKey(elsewhere);
    expect(published()).not.toContain(rotatedIn.kid);
    expect(await verifier.verify(rotatedIn.token)).toMatchObject({ ok: true });
    expect(published()).toContain(rotatedIn.kid);
  });
});
