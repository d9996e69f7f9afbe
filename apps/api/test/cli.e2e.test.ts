import { decodeProtectedHeader } from 'jose';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { TARGETS, TEST_REDIS_URL, createPostgresDatabase, createSqliteDatabase, type TestDatabase } from './support/databases';
import { request } from './support/http';
import { SECRET_PATTERN } from './support/management';
import { environmentFor, freePort, runCli, startTessera, type CliResult, type TesseraProcess } from './support/tessera-process';

interface Run {
  readonly args: readonly string[];
  readonly result: CliResult;
}

const CLI = resolve(__dirname, '../bin/tessera.js');

/** Commands whose output shows a new secret, once, by design. */
const SHOWS_SECRET = new Set(['bootstrap', 'secrets add', 'secrets rotate', 'channels add', 'channels rotate-secret']);

// Each CLI command is its own process that boots the application (1–2 s on the CI machine); the
// longer stories run twenty of them, so they get more than the suite's default 30 s.
// Some tests run a dozen or more CLI processes one after the other, each loading the app and
// opening the database: over a minute and a half on a busy two-core machine.
describe.each(TARGETS)('tessera CLI and HTTP on $name', { timeout: 300_000 }, (target) => {
  let db: TestDatabase;
  let server: TesseraProcess;
  const runs: Run[] = [];
  const plaintexts: string[] = [];
  /** State of the documented story, shared by the tests that follow it. */
  const story: { accountId?: string; clientId?: string; adminToken?: string; current?: { id: string; clientSecret: string } } = {};

  async function tessera(...args: string[]): Promise<CliResult> {
    const result = await runCli(args, server.env, server.cwd);
    runs.push({ args, result });
    return result;
  }

  /** Runs a command with --json that must succeed, and returns its parsed output. */
  async function ok<T = any>(...args: string[]): Promise<T> {
    const result = await tessera(...args, '--json');
    expect(result.code, `tessera ${args.join(' ')}: ${result.stderr}`).toBe(0);
    return result.json<T>();
  }

  /**
   * Runs a command whose output goes to a reader that closes the pipe after the first line, as
   * `tessera … | head -1` does: the command's further writes then fail with EPIPE.
   */
  async function firstLineOnly(...args: string[]): Promise<{ code: number | null; firstLine: string; stderr: string }> {
    return new Promise((resolveRun, reject) => {
      const child = spawn(process.execPath, [CLI, ...args], { cwd: server.cwd, env: { PATH: process.env.PATH ?? '', ...server.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('\n')) child.stdout.destroy();
      });
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('error', reject);
      child.on('close', (code) => {
        clearTimeout(timer);
        resolveRun({ code, firstLine: stdout.split('\n')[0]!, stderr });
      });
    });
  }

  async function seed(clientId: string, clientSecret: string): Promise<{ status: number; token?: string }> {
    const response = await request(`${server.url}/System/UserAccount`, { json: { clientId, clientSecret } });
    return { status: response.status, token: response.body?.token };
  }

  async function products(token: string): Promise<number> {
    return (await request(`${server.url}/my-api/products`, { token })).status;
  }

  beforeAll(async () => {
    db = await target.create();
    server = await startTessera(db);
  });

  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('runs the documented story: bootstrap, account, secret, token, call, rotate, disable, delete', { timeout: 60_000 }, async () => {
    const admin = await ok('bootstrap', '--api', 'my-api');
    expect(admin).toEqual({
      api: 'my-api',
      accountId: expect.stringMatching(/^sa_/),
      clientId: expect.stringMatching(/^tci_/),
      secretId: expect.stringMatching(/^sec_/),
      clientSecret: expect.stringMatching(/^tsk_/),
    });
    plaintexts.push(admin.clientSecret);
    const adminSeed = await seed(admin.clientId, admin.clientSecret);
    expect(adminSeed.status).toBe(200);
    story.adminToken = adminSeed.token!;

    const account = await ok('accounts', 'create', '--api', 'my-api', '--name', 'reader', '--scopes', 'products:read');
    expect(account).toMatchObject({ id: expect.stringMatching(/^sa_/), clientId: expect.stringMatching(/^tci_/), name: 'reader', scopes: ['products:read'], status: 'enabled' });
    story.accountId = account.id;
    story.clientId = account.clientId;

    const first = await ok('secrets', 'add', '--api', 'my-api', '--account', account.id);
    expect(first).toMatchObject({ id: expect.stringMatching(/^sec_/), clientId: account.clientId, clientSecret: expect.stringMatching(/^tsk_/), status: 'enabled' });
    plaintexts.push(first.clientSecret);

    const seeded = await seed(account.clientId, first.clientSecret);
    expect(seeded.status).toBe(200);
    const oldToken = seeded.token!;
    expect(await products(oldToken)).toBe(200);
    expect((await request(`${server.url}/my-api/products`, { token: oldToken })).body).toEqual({ items: [] });

    const rotation = await ok('secrets', 'rotate', '--api', 'my-api', '--account', account.id);
    expect(rotation).toEqual({
      secret: expect.objectContaining({ clientId: account.clientId, clientSecret: expect.stringMatching(/^tsk_/), status: 'enabled' }),
      stillEnabled: [expect.objectContaining({ id: first.id, status: 'enabled' })],
      scheduledDisableAt: null,
    });
    plaintexts.push(rotation.secret.clientSecret);
    const second = rotation.secret as { id: string; clientSecret: string };
    const newSeed = await seed(account.clientId, second.clientSecret);
    expect(newSeed.status).toBe(200);
    expect(await products(newSeed.token!)).toBe(200);
    // Both secrets work until the old one is disabled.
    expect(await products(oldToken)).toBe(200);

    const disabled = await ok('secrets', 'disable', '--api', 'my-api', '--account', account.id, first.id);
    expect(disabled).toMatchObject({ id: first.id, status: 'disabled' });
    // The server learns of the change from the database (embedded) or Redis (distributed).
    await vi.waitFor(async () => expect(await products(oldToken)).toBe(401), { timeout: 2_000, interval: 100 });
    expect((await seed(account.clientId, first.clientSecret)).status).toBe(401);
    expect(await products(newSeed.token!)).toBe(200);

    const deleted = await tessera('secrets', 'delete', '--api', 'my-api', '--account', account.id, first.id, '--json');
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.json()).toEqual({ deleted: first.id });
    expect((await seed(account.clientId, first.clientSecret)).status).toBe(401);
    expect(await products(newSeed.token!)).toBe(200);

    // What HTTP sees agrees with what the CLI did.
    const listed = await request(`${server.url}/apis/my-api/service-accounts/${account.id}/secrets`, { token: story.adminToken });
    expect(listed.body.items.map((s: { id: string }) => s.id)).toEqual([second.id]);
    story.current = second;
  });

  it('refuses to delete an enabled secret with exit code 4 and a message', async () => {
    const text = await tessera('secrets', 'delete', '--api', 'my-api', '--account', story.accountId!, story.current!.id);
    expect(text.code).toBe(4);
    expect(text.stdout).toBe('');
    expect(text.stderr).toMatch(/^tessera: .*(disable|enabled)/im);
    const asJson = await tessera('secrets', 'delete', '--api', 'my-api', '--account', story.accountId!, story.current!.id, '--json');
    expect(asJson.code).toBe(4);
    expect(JSON.parse(asJson.stderr.trim().split('\n').at(-1)!)).toEqual({ error: { code: 'SECRET.DELETE_WHILE_ENABLED', message: expect.any(String) } });
    expect((await seed(story.clientId!, story.current!.clientSecret)).status).toBe(200);
  });

  it('bootstraps an API again under the next free admin name; a taken name given with --name is refused', async () => {
    const again = await ok('bootstrap', '--api', 'my-api');
    const third = await ok('bootstrap', '--api', 'my-api');
    plaintexts.push(again.clientSecret, third.clientSecret);
    const admins = (await ok<{ items: { id: string; name: string }[] }>('accounts', 'list', '--api', 'my-api', '--q', 'admin')).items;
    expect(admins.map((a) => [a.id, a.name])).toEqual([
      [expect.any(String), 'admin'],
      [again.accountId, 'admin (2)'],
      [third.accountId, 'admin (3)'],
    ]);
    expect((await seed(third.clientId, third.clientSecret)).status).toBe(200);

    const taken = await tessera('bootstrap', '--api', 'my-api', '--name', 'ADMIN', '--json');
    expect(taken.code).toBe(4);
    expect(JSON.parse(taken.stderr.trim().split('\n').at(-1)!).error.code).toBe('ACCOUNT.NAME_TAKEN');
    const duplicate = await tessera('accounts', 'create', '--api', 'my-api', '--name', 'Reader', '--scopes', 'products:read', '--json');
    expect(duplicate.code).toBe(4);
    expect(JSON.parse(duplicate.stderr.trim().split('\n').at(-1)!).error).toEqual({ code: 'ACCOUNT.NAME_TAKEN', message: expect.stringContaining('"Reader"') });
  });

  it('refuses to delete an account with an enabled secret with exit code 4', async () => {
    const result = await tessera('accounts', 'delete', '--api', 'my-api', story.accountId!, '--json');
    expect(result.code).toBe(4);
    expect(JSON.parse(result.stderr.trim().split('\n').at(-1)!).error.code).toBe('ACCOUNT.DELETE_WHILE_SECRET_ENABLED');
  });

  it('answers unknown accounts, secrets and APIs with exit code 3', async () => {
    const unknown = 'sa_00000000000000000000000000';
    const cases = [
      ['secrets', 'add', '--api', 'my-api', '--account', unknown],
      ['secrets', 'list', '--api', 'my-api', '--account', unknown],
      ['secrets', 'disable', '--api', 'my-api', '--account', story.accountId!, 'sec_00000000000000000000000000'],
      ['accounts', 'disable', '--api', 'my-api', unknown],
      ['accounts', 'update', '--api', 'my-api', '--account', unknown, '--name', 'someone'],
      ['accounts', 'delete', '--api', 'my-api', unknown],
      ['apis', 'show', 'no-such-api'],
    ];
    for (const args of cases) {
      const result = await tessera(...args, '--json');
      expect({ args: args.join(' '), code: result.code }).toEqual({ args: args.join(' '), code: 3 });
      expect(JSON.parse(result.stderr.trim().split('\n').at(-1)!).error.code).toBe('RESOURCE.NOT_FOUND');
      expect(result.stdout).toBe('');
    }
  });

  it('reports an unknown API the same way in every command that takes one, with exit code 3', async () => {
    // The account and secret exist, in another API: the API is what is unknown.
    const [account, secret, channel] = [story.accountId!, story.current!.id, 'chn_00000000000000000000000000'];
    const cases = [
      ['apis', 'show', 'nope'],
      ['apis', 'set', 'nope', '--token-lifetime', '600'],
      ['accounts', 'list', '--api', 'nope'],
      ['accounts', 'create', '--api', 'nope', '--name', 'reader'],
      ['accounts', 'enable', '--api', 'nope', account],
      ['accounts', 'disable', '--api', 'nope', account],
      ['accounts', 'update', '--api', 'nope', '--account', account, '--name', 'someone'],
      ['accounts', 'delete', '--api', 'nope', account],
      ['secrets', 'list', '--api', 'nope', '--account', account],
      ['secrets', 'add', '--api', 'nope', '--account', account],
      ['secrets', 'rotate', '--api', 'nope', '--account', account],
      ['secrets', 'enable', '--api', 'nope', '--account', account, secret],
      ['secrets', 'disable', '--api', 'nope', '--account', account, secret],
      ['secrets', 'delete', '--api', 'nope', '--account', account, secret],
      ['channels', 'list', '--api', 'nope'],
      ['channels', 'add', '--api', 'nope', '--email', 'security@my-api.test'],
      ['channels', 'rotate-secret', '--api', 'nope', channel],
      ['channels', 'delete', '--api', 'nope', channel],
    ];
    for (const args of cases) {
      const result = await tessera(...args, '--json');
      expect({ args: args.join(' '), code: result.code, stdout: result.stdout }).toEqual({ args: args.join(' '), code: 3, stdout: '' });
      expect(JSON.parse(result.stderr.trim().split('\n').at(-1)!)).toEqual({ error: { code: 'RESOURCE.NOT_FOUND', message: 'API "nope" was not found.' } });
    }
    const text = await tessera('accounts', 'list', '--api', 'nope');
    expect(text.code).toBe(3);
    expect(text.stderr.trim().split('\n').at(-1)).toBe('tessera: API "nope" was not found.');
    // Nothing was done to the account in the API it belongs to.
    expect(await ok('accounts', 'list', '--api', 'my-api', '--q', 'reader')).toMatchObject({ items: [{ id: account, status: 'enabled' }] });
  });

  it('answers bad options and invalid values with exit code 2', async () => {
    const cases = [
      ['secrets', 'add', '--api', 'my-api', '--account', story.accountId!, '--expires-at', 'tomorrow'],
      ['secrets', 'add', '--api', 'my-api'],
      ['accounts', 'create', '--api', 'my-api'],
      ['accounts', 'create', '--api', 'my-api', '--name', 'x', '--frobnicate'],
      ['accounts', 'list', '--api', 'my-api', '--status', 'paused'],
      ['accounts', 'list', '--api', 'my-api', '--limit', 'ten'],
      ['accounts', 'list', '--api', 'my-api', '--limit', '101'],
      ['accounts', 'list', '--api', 'my-api', '--cursor', 'garbage'],
      ['apis', 'set', 'my-api', '--token-lifetime', 'long'],
      ['secrets', 'frobnicate'],
      // Domain rules answer "invalid" too.
      ['secrets', 'add', '--api', 'my-api', '--account', story.accountId!, '--expires-at', '2020-01-01T00:00:00Z'],
      ['apis', 'set', 'my-api', '--token-lifetime', '5'],
    ];
    for (const args of cases) {
      const result = await tessera(...args);
      expect({ args: args.join(' '), code: result.code }).toEqual({ args: args.join(' '), code: 2 });
      expect(result.stderr.length, args.join(' ')).toBeGreaterThan(0);
    }
    // Nothing was added by the refused commands.
    const secrets = await ok('secrets', 'list', '--api', 'my-api', '--account', story.accountId!);
    expect(secrets.items.map((s: { id: string }) => s.id)).toEqual([story.current!.id]);
  });

  it('names the option typed, not the HTTP body field, when a service refuses its value; --json keeps the code', async () => {
    const refused = async (...args: string[]) => {
      const text = await tessera(...args);
      expect({ args: args.join(' '), code: text.code, stdout: text.stdout }).toEqual({ args: args.join(' '), code: 2, stdout: '' });
      const asJson = await tessera(...args, '--json');
      expect(asJson.code).toBe(2);
      return { text: text.stderr.trim(), json: JSON.parse(asJson.stderr.trim().split('\n').at(-1)!).error as { code: string; message: string } };
    };
    const past = await refused('secrets', 'rotate', '--api', 'my-api', '--account', story.accountId!, '--disable-others-after', '2020-01-01T00:00:00Z');
    expect(past).toEqual({
      text: 'tessera: --disable-others-after: must not be in the past',
      json: { code: 'REQUEST.VALIDATION_FAILED', message: '--disable-others-after: must not be in the past' },
    });
    // The codes are the HTTP API's: a value out of its field's bounds is REQUEST.VALIDATION_FAILED,
    // a policy that contradicts itself POLICY.INVALID.
    for (const [options, message, code] of [
      [['--token-lifetime', '5'], '--token-lifetime: must be a whole number of seconds from 60 to 86400', 'REQUEST.VALIDATION_FAILED'],
      [['--reminder-days', '7,7'], '--reminder-days: thresholds must be distinct', 'REQUEST.VALIDATION_FAILED'],
      [['--max-secrets', '101'], '--max-secrets: must be a whole number from 1 to 100', 'REQUEST.VALIDATION_FAILED'],
      [['--unused-after', '0'], '--unused-after: must be a whole number of days from 1 to 3650', 'REQUEST.VALIDATION_FAILED'],
      [['--max-secret-lifetime', '30', '--allow-never-expires', 'true'], '--allow-never-expires: cannot be true while a maximum secret lifetime is set', 'POLICY.INVALID'],
      // In the option's words: it takes none where the HTTP body field takes null.
      [['--max-secret-lifetime', '5000'], '--max-secret-lifetime: must be none or a whole number of days from 1 to 3650', 'REQUEST.VALIDATION_FAILED'],
    ] as const) {
      expect(await refused('apis', 'set', 'my-api', ...options)).toEqual({ text: `tessera: ${message}`, json: { code, message } });
    }
    // A conflict with a setting already stored is not blamed on an option the user did not type.
    await ok('apis', 'set', 'my-api', '--allow-never-expires', 'true');
    const conflict = await refused('apis', 'set', 'my-api', '--max-secret-lifetime', '30');
    expect(conflict.json).toEqual({ code: 'POLICY.INVALID', message: 'The policy field "allowNeverExpires" is invalid: cannot be true while a maximum secret lifetime is set.' });
    await ok('apis', 'set', 'my-api', '--allow-never-expires', 'false');
    expect((await refused('apis', 'set', 'my-api')).json).toEqual({ code: 'REQUEST.VALIDATION_FAILED', message: 'Give at least one option to change, e.g. --token-lifetime 600.' });
    const webhook = await refused('channels', 'add', '--api', 'my-api', '--webhook', 'http://127.0.0.1:9/hook');
    expect(webhook.json).toEqual({ code: 'REQUEST.VALIDATION_FAILED', message: expect.stringMatching(/^--webhook: .*non-public address \(127\.0\.0\.1\)/) });
    // Nothing changed.
    expect(await ok('apis', 'show', 'my-api')).toMatchObject({ tokenLifetimeSeconds: 900, reminderThresholdsDays: [30, 7, 1], maxSecretLifetimeDays: null, allowNeverExpires: false });
  });

  it('lists secrets without ever printing one, in JSON and as text', async () => {
    await ok('secrets', 'add', '--api', 'my-api', '--account', story.accountId!, '--description', 'spare').then((created) => plaintexts.push(created.clientSecret));
    const { items: listed } = await ok<{ items: Array<Record<string, unknown>> }>('secrets', 'list', '--api', 'my-api', '--account', story.accountId!);
    expect(listed).toHaveLength(2);
    // The same shape as the HTTP API's answer, and as every other list command.
    const viaHttp = await request(`${server.url}/apis/my-api/service-accounts/${story.accountId}/secrets`, { token: story.adminToken! });
    expect({ items: listed }).toEqual(viaHttp.body);
    for (const secret of listed) {
      expect(Object.keys(secret).sort()).toEqual(['createdAt', 'description', 'disabledAt', 'expiresAt', 'hint', 'id', 'lastUsedAt', 'scheduledDisableAt', 'status']);
    }
    const text = await tessera('secrets', 'list', '--api', 'my-api', '--account', story.accountId!);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(story.current!.id);
    expect(text.stdout).toContain('tsk_…');
    for (const output of [JSON.stringify(listed), text.stdout]) {
      expect(output).not.toMatch(SECRET_PATTERN);
      for (const plaintext of plaintexts) expect(output.includes(plaintext)).toBe(false);
    }
  });

  it('lists, disables and enables accounts', async () => {
    const page = await ok('accounts', 'list', '--api', 'my-api', '--limit', '1');
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).toEqual(expect.any(String));
    const next = await ok('accounts', 'list', '--api', 'my-api', '--limit', '1', '--cursor', page.nextCursor);
    expect(next.items).toHaveLength(1);
    expect(next.items[0].id).not.toBe(page.items[0].id);
    const all = await ok('accounts', 'list', '--api', 'my-api', '--q', 'reader');
    expect(all.items.map((a: { id: string }) => a.id)).toEqual([story.accountId]);

    expect(await ok('accounts', 'disable', '--api', 'my-api', story.accountId!)).toMatchObject({ id: story.accountId, status: 'disabled' });
    expect((await seed(story.clientId!, story.current!.clientSecret)).status).toBe(401);
    expect((await ok('accounts', 'list', '--api', 'my-api', '--status', 'disabled')).items.map((a: { id: string }) => a.id)).toEqual([story.accountId]);
    expect(await ok('accounts', 'enable', '--api', 'my-api', story.accountId!)).toMatchObject({ id: story.accountId, status: 'enabled' });
    expect((await seed(story.clientId!, story.current!.clientSecret)).status).toBe(200);
  });

  it('updates an account as PATCH does: name, description and scopes, with the same rules, audit events and revocation', async () => {
    const account = await ok('accounts', 'create', '--api', 'my-api', '--name', 'to-update', '--description', 'first', '--scopes', 'products:read,products:write');
    const secret = await ok('secrets', 'add', '--api', 'my-api', '--account', account.id);
    plaintexts.push(secret.clientSecret);
    const before = (await seed(account.clientId, secret.clientSecret)).token!;

    const renamed = await ok('accounts', 'update', '--api', 'my-api', '--account', account.id, '--name', 'updated', '--description', 'reads products');
    expect(renamed).toMatchObject({ id: account.id, name: 'updated', description: 'reads products', scopes: ['products:read', 'products:write'], status: 'enabled' });
    expect((await request(`${server.url}/apis/my-api/service-accounts/${account.id}`, { token: story.adminToken! })).body).toEqual(renamed);
    // A new name or description leaves the tokens working; narrowed scopes stop them, on the server too.
    expect(await products(before)).toBe(200);
    const narrowed = await ok('accounts', 'update', '--api', 'my-api', '--account', account.id, '--scopes', 'products:read', '--description', '');
    expect(narrowed).toMatchObject({ name: 'updated', description: '', scopes: ['products:read'] });
    await vi.waitFor(async () => expect(await products(before)).toBe(401), { timeout: 2_000, interval: 100 });
    expect(await products((await seed(account.clientId, secret.clientSecret)).token!)).toBe(200);
    const text = await tessera('accounts', 'update', '--api', 'my-api', '--account', account.id, '--scopes', 'products:read products:write');
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('scopes: products:read,products:write\n');

    // The audit trail tells the CLI's changes as it tells the HTTP API's.
    const events = await request(`${server.url}/apis/my-api/audit-events?type=account.updated&accountId=${account.id}`, { token: story.adminToken! });
    expect(events.body.items.map((e: { actor: unknown; data: unknown }) => [e.actor, e.data])).toEqual([
      [{ kind: 'cli' }, { changes: ['scopes'] }],
      [{ kind: 'cli' }, { changes: ['description', 'scopes'] }],
      [{ kind: 'cli' }, { changes: ['name', 'description'] }],
    ]);

    const refused = async (code: number, ...options: string[]) => {
      const result = await tessera('accounts', 'update', '--api', 'my-api', '--account', account.id, ...options, '--json');
      expect({ options, code: result.code, stdout: result.stdout }).toEqual({ options, code, stdout: '' });
      return JSON.parse(result.stderr.trim().split('\n').at(-1)!).error as { code: string; message: string };
    };
    expect(await refused(2)).toEqual({ code: 'REQUEST.VALIDATION_FAILED', message: 'Give at least one of --name, --description or --scopes.' });
    expect(await refused(2, '--name', ' ')).toEqual({ code: 'REQUEST.VALIDATION_FAILED', message: expect.stringMatching(/^--name: /) });
    expect(await refused(2, '--scopes', 'products:read,products:read')).toEqual({ code: 'REQUEST.VALIDATION_FAILED', message: expect.stringMatching(/^--scopes: /) });
    expect(await refused(4, '--name', 'READER')).toEqual({ code: 'ACCOUNT.NAME_TAKEN', message: expect.stringContaining('"READER"') });
    expect(await ok('accounts', 'list', '--api', 'my-api', '--q', 'updated')).toMatchObject({ items: [{ id: account.id, name: 'updated', scopes: ['products:read', 'products:write'] }] });
  });

  it('shows and sets the API policy, as HTTP sees it', async () => {
    const shown = await ok('apis', 'show', 'my-api');
    expect(shown).toMatchObject({ api: 'my-api', tokenLifetimeSeconds: 900, reminderThresholdsDays: [30, 7, 1], maxSecretsPerAccount: 10, allowNeverExpires: false });
    // Reminder days in any order: the policy keeps them largest first.
    const { secretsBeyondPolicy, ...set } = await ok('apis', 'set', 'my-api', '--token-lifetime', '600', '--reminder-days', '3,14', '--max-secrets', '5', '--unused-after', '30');
    expect(set).toMatchObject({ api: 'my-api', tokenLifetimeSeconds: 600, reminderThresholdsDays: [14, 3], maxSecretsPerAccount: 5, unusedAfterDays: 30 });
    expect(secretsBeyondPolicy).toBe(0);
    const viaHttp = await request(`${server.url}/apis/my-api`, { token: story.adminToken });
    expect(viaHttp.body).toEqual(set);
    expect(await ok('apis', 'show', 'my-api')).toEqual(set);

    expect(await ok('apis', 'set', 'my-api', '--allow-never-expires', 'true')).toMatchObject({ allowNeverExpires: true });
    expect(await ok('apis', 'set', 'my-api', '--allow-never-expires', 'false', '--token-lifetime', '900', '--max-secrets', '10')).toMatchObject({
      allowNeverExpires: false,
      tokenLifetimeSeconds: 900,
      maxSecretsPerAccount: 10,
    });
  });

  // Regression: commander turns a null returned by an option parser into '', so "never" is kept as
  // a string until the action maps it to null.
  it('adds a secret that never expires with --expires-at never, only once the policy allows it', async () => {
    const refused = await tessera('secrets', 'add', '--api', 'my-api', '--account', story.accountId!, '--expires-at', 'never', '--json');
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stderr.trim().split('\n').at(-1)!).error.code).toBe('SECRET.NEVER_EXPIRES_NOT_ALLOWED');
    await ok('apis', 'set', 'my-api', '--allow-never-expires', 'true');
    try {
      const forever = await ok('secrets', 'add', '--api', 'my-api', '--account', story.accountId!, '--expires-at', 'never');
      plaintexts.push(forever.clientSecret);
      expect(forever.expiresAt).toBeNull();
    } finally {
      await ok('apis', 'set', 'my-api', '--allow-never-expires', 'false');
    }
  });

  // Regression: a typo must not silently turn the setting off.
  it('refuses a value of --allow-never-expires other than true or false', async () => {
    expect(await ok('apis', 'set', 'my-api', '--allow-never-expires', 'true')).toMatchObject({ allowNeverExpires: true });
    try {
      const result = await tessera('apis', 'set', 'my-api', '--allow-never-expires', 'yes');
      expect(result.code).toBe(2);
      expect((await ok('apis', 'show', 'my-api')).allowNeverExpires).toBe(true);
    } finally {
      await ok('apis', 'set', 'my-api', '--allow-never-expires', 'false');
    }
  });

  it('rotates the signing key: old tokens still verify, and both keys are listed', async () => {
    const before = await seed(story.clientId!, story.current!.clientSecret);
    expect(before.status).toBe(200);
    const oldKid = decodeProtectedHeader(before.token!).kid;
    const rotated = await ok('keys', 'rotate');
    expect(rotated).toEqual({ newKeyId: expect.stringMatching(/^key_/), previousKeyId: oldKid });
    expect(rotated.newKeyId).not.toBe(oldKid);

    expect(await products(before.token!)).toBe(200);
    type ListedKey = { kid: string; alg: string; active: boolean; createdAt: string; retiredAt: string | null; publishedUntil: string | null };
    const { items: keys } = await ok<{ items: ListedKey[] }>('keys', 'list');
    expect(keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid, rotated.newKeyId]));
    expect(keys.every((k) => k.alg === 'EdDSA')).toBe(true);
    const signing = keys.find((k) => k.kid === rotated.newKeyId)!;
    expect(signing).toMatchObject({ active: true, retiredAt: null, publishedUntil: null });
    const retired = keys.find((k) => k.kid === oldKid)!;
    expect(retired.active).toBe(false);
    // Published for the longest token lifetime (a day) and the clock-skew minute after retirement.
    expect(Date.parse(retired.publishedUntil!) - Date.parse(retired.retiredAt!)).toBe((86_400 + 60) * 1000);
    expect(Math.abs(Date.parse(retired.retiredAt!) - Date.now())).toBeLessThan(60_000);
    const jwks = await request(`${server.url}/.well-known/jwks.json`);
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toContain(oldKid);
    // A token issued now works too, whichever key the server signs it with.
    const after = await seed(story.clientId!, story.current!.clientSecret);
    expect(await products(after.token!)).toBe(200);
  });

  it('manages security contacts as HTTP does: add, list, rotate the signing secret, delete', async () => {
    const refused = await tessera('channels', 'add', '--api', 'my-api', '--webhook', 'http://127.0.0.1:9/hook', '--json');
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stderr.trim().split('\n').at(-1)!).error.message).toContain('non-public address (127.0.0.1)');
    expect((await tessera('channels', 'add', '--api', 'my-api', '--webhook', 'ftp://hooks.example/x')).stderr).toContain('--webhook: expected an http or https URL');
    expect((await tessera('channels', 'add', '--api', 'my-api')).code).toBe(2);
    expect((await tessera('channels', 'add', '--api', 'my-api', '--email', 'security@my-api.test', '--secret', 'x'.repeat(40))).stderr).toContain('only webhooks have a signing secret');
    expect((await tessera('channels', 'add', '--api', 'nope', '--email', 'security@my-api.test')).code).toBe(3);

    const email = await ok('channels', 'add', '--api', 'my-api', '--email', 'security@my-api.test');
    expect(email).toMatchObject({ kind: 'email', target: 'security@my-api.test', signingSecret: null });
    const webhook = await ok('channels', 'add', '--api', 'my-api', '--webhook', 'https://93.184.216.34/hook');
    expect(webhook.signingSecret).toMatch(/^whsec_/);
    plaintexts.push(webhook.signingSecret);
    const rotated = await ok('channels', 'rotate-secret', '--api', 'my-api', webhook.id, '--overlap', '3600');
    expect(rotated.signingSecret).toMatch(/^whsec_/);
    expect(rotated.signingSecret).not.toBe(webhook.signingSecret);
    plaintexts.push(rotated.signingSecret);
    expect(Date.parse(rotated.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(3_500_000);
    expect((await tessera('channels', 'rotate-secret', '--api', 'my-api', webhook.id, '--overlap', '604801')).stderr).toContain('--overlap:');
    expect((await tessera('channels', 'rotate-secret', '--api', 'my-api', email.id)).code).toBe(2);

    // HTTP sees the same contacts, without their secrets.
    const listed = await request(`${server.url}/apis/my-api/alert-channels`, { token: story.adminToken! });
    expect(await ok('channels', 'list', '--api', 'my-api')).toEqual(listed.body);
    expect(listed.body.items.find((c: { id: string }) => c.id === webhook.id).previousSecretExpiresAt).toBe(rotated.previousSecretExpiresAt);
    // A chosen secret can come from standard input, out of sight of ps and shell history.
    const chosen = `piped-${'s'.repeat(40)}`;
    plaintexts.push(chosen);
    const piped = await runCli(['channels', 'rotate-secret', '--api', 'my-api', webhook.id, '--secret', '-', '--json'], server.env, server.cwd, `${chosen}\n`);
    expect(piped.code).toBe(0);
    // Not printed back: it came through standard input to stay out of sight (and of CI logs).
    expect(piped.json<{ signingSecret: string | null }>().signingSecret).toBeNull();
    expect(piped.stdout + piped.stderr).not.toContain(chosen);
    // An empty variable piped in is refused, not taken as "generate one" that nobody would know.
    const empty = await runCli(['channels', 'rotate-secret', '--api', 'my-api', webhook.id, '--secret', '-', '--overlap', '0'], server.env, server.cwd, '');
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--secret -: standard input is empty');
    expect((await ok('channels', 'list', '--api', 'my-api')).items.find((c: { id: string }) => c.id === webhook.id).previousSecretExpiresAt).not.toBeNull();
    const short = await runCli(['channels', 'rotate-secret', '--api', 'my-api', webhook.id, '--secret', '-'], server.env, server.cwd, 'too-short\n');
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('--secret');
    expect(await ok('channels', 'delete', '--api', 'my-api', email.id)).toEqual({ deleted: email.id });
    expect((await tessera('channels', 'delete', '--api', 'my-api', email.id)).code).toBe(3);
  });

  it('prints a rotation as readable text: the new secret, then the secrets still enabled', async () => {
    const account = await ok('accounts', 'create', '--api', 'my-api', '--name', 'rotated-as-text', '--scopes', 'products:read');
    const first = await ok('secrets', 'add', '--api', 'my-api', '--account', account.id);
    plaintexts.push(first.clientSecret);
    const result = await tessera('secrets', 'rotate', '--api', 'my-api', '--account', account.id, '--disable-others-after', '2099-01-01T00:00:00Z');
    expect(result.code, result.stderr).toBe(0);
    const clientSecret = /^  clientSecret: (tsk_\S+)$/m.exec(result.stdout)?.[1];
    expect(clientSecret).toMatch(SECRET_PATTERN);
    plaintexts.push(clientSecret!);
    expect(result.stdout).not.toMatch(/\[object Object\]|[{}]/);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('secret:');
    expect(lines).toContain(`  clientId: ${account.clientId}`);
    expect(lines).toContain('stillEnabled:');
    expect(lines.filter((line) => line.startsWith(`  id=${first.id}  `))).toHaveLength(1);
    expect(lines.at(-1)).toBe('scheduledDisableAt: 2099-01-01T00:00:00.000Z');
    expect((await seed(account.clientId, clientSecret!)).status).toBe(200);
  });

  it('ends quietly when the reader of its output closes the pipe early, as `| head -1` does', async () => {
    // Far more output than a pipe holds (64 KiB), so that most of it is written after the reader
    // is gone: a page of a hundred accounts with a hundred long scopes each, over 1 MB as text.
    const admin = await ok('bootstrap', '--api', 'piped-api');
    plaintexts.push(admin.clientSecret);
    const token = (await seed(admin.clientId, admin.clientSecret)).token!;
    for (let batch = 0; batch < 10; batch++) {
      const created = await Promise.all(
        Array.from({ length: 10 }, (_, n) => {
          const scopes = Array.from({ length: 100 }, (_, i) => `scope-${i}:${'x'.repeat(110)}`);
          return request(`${server.url}/apis/piped-api/service-accounts`, { token, json: { name: `piped ${batch}-${n}`, scopes } });
        }),
      );
      expect(created.map((response) => response.status)).toEqual(Array(10).fill(201));
    }
    for (const args of [
      ['accounts', 'list', '--api', 'piped-api'],
      ['accounts', 'list', '--api', 'piped-api', '--json'],
    ]) {
      const result = await firstLineOnly(...args);
      expect({ args: args.join(' '), code: result.code, stderr: result.stderr }).toEqual({ args: args.join(' '), code: 0, stderr: '' });
      expect(result.firstLine).toMatch(args.includes('--json') ? /^\{$/ : /^id=sa_\S+ {2}clientId=tci_/);
    }
  });

  it('parses every --json output, and prints secrets only when creating them', async () => {
    expect(runs.length).toBeGreaterThan(30);
    for (const { args, result } of runs) {
      const command = args.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ');
      const where = `tessera ${args.join(' ')}`;
      if (args.includes('--json')) {
        if (result.code === 0) expect(() => JSON.parse(result.stdout), where).not.toThrow();
        else expect(JSON.parse(result.stderr.trim().split('\n').at(-1)!), where).toEqual({ error: { code: expect.any(String), message: expect.any(String) } });
      }
      expect(result.stderr, where).not.toMatch(SECRET_PATTERN);
      const shows = result.code === 0 && (SHOWS_SECRET.has(command) || command.startsWith('bootstrap'));
      if (!shows) expect(result.stdout, where).not.toMatch(SECRET_PATTERN);
      for (const plaintext of plaintexts) {
        expect(result.stderr.includes(plaintext), where).toBe(false);
        if (!shows) expect(result.stdout.includes(plaintext), where).toBe(false);
      }
    }
    const logs = server.logs();
    for (const plaintext of plaintexts) expect(logs.includes(plaintext)).toBe(false);
  });
});

// Each command may take up to its 15 s limit before it is killed: more than the default 30 s per test.
describe('tessera CLI when it cannot start', { timeout: 120_000 }, () => {
  let db: TestDatabase;
  /** A Redis database other than 0, as a deployment may use. */
  const redisUrl = `${TEST_REDIS_URL.replace(/\/\d*$/, '')}/9`;

  beforeAll(async () => {
    db = await createPostgresDatabase();
  });

  afterAll(async () => {
    await db?.drop();
  });

  /** Runs a command that must fail, and checks that it ended by itself (a start takes 1–2 s). */
  async function failing(args: readonly string[], env: Record<string, string>): Promise<CliResult> {
    const result = await runCli(args, env, db.dir, undefined, 15_000);
    expect(result.timedOut, `tessera ${args.join(' ')} did not exit by itself:\n${result.stderr}`).toBe(false);
    return result;
  }

  const lastLine = (result: CliResult) => JSON.parse(result.stderr.trim().split('\n').at(-1)!);

  /** Only Tessera's own message: no line of Nest's ExceptionHandler before it, no stack trace. */
  function expectOnlyOwnMessage(result: CliResult): void {
    expect(result.stderr).not.toContain('ExceptionHandler');
    expect(result.stderr).not.toMatch(/^ {4}at /m);
  }

  it('exits with code 1 when the schema is not up to date, with REDIS_URL set too', async () => {
    const env = environmentFor(db, { REDIS_URL: redisUrl });
    const text = await failing(['accounts', 'list', '--api', 'my-api'], env);
    expect(text.code).toBe(1);
    expect(text.stderr).toMatch(/^tessera: The database schema is not up to date \(\d+ pending migration\(s\)\): run `tessera migrate` first\.$/m);
    expectOnlyOwnMessage(text);
    expect(text.stdout).toBe('');
    const asJson = await failing(['keys', 'list', '--json'], env);
    expect(asJson.code).toBe(1);
    expect(lastLine(asJson).error).toMatchObject({ code: 'DATABASE.MIGRATIONS_PENDING', message: expect.stringContaining('run `tessera migrate` first') });
    expectOnlyOwnMessage(asJson);
  });

  it('exits with code 1 naming Redis and its URL, without the password, when Redis cannot be reached', async () => {
    expect((await runCli(['migrate'], environmentFor(db), db.dir)).code).toBe(0);
    const port = await freePort();
    const env = environmentFor(db, { REDIS_URL: `redis://:s3cret-pass@127.0.0.1:${port}/9` });
    for (const args of [['keys', 'list'], ['accounts', 'list', '--api', 'my-api'], ['secrets', 'rotate', '--api', 'my-api', '--account', 'sa_00000000000000000000000000']]) {
      const result = await failing(args, env);
      expect({ args: args.join(' '), code: result.code }).toEqual({ args: args.join(' '), code: 1 });
      expect(result.stderr).toContain(`tessera: Could not connect to Redis at redis://127.0.0.1:${port}/9: connect ECONNREFUSED`);
      expect(result.stderr).not.toContain('s3cret-pass');
      expect(result.stderr).not.toContain('Connection is closed');
      expectOnlyOwnMessage(result);
    }
    const asJson = await failing(['keys', 'list', '--json'], env);
    expect(asJson.code).toBe(1);
    expect(lastLine(asJson)).toEqual({ error: { code: 'REDIS.UNAVAILABLE', message: expect.stringContaining(`Redis at redis://127.0.0.1:${port}/9`) } });
  });

  it('exits with code 1 when its start fails after Redis is connected: a TESSERA_PEPPER that cannot open the signing keys, named without printing it', async () => {
    const env = environmentFor(db, { REDIS_URL: redisUrl });
    expect((await runCli(['migrate'], env, db.dir)).code).toBe(0);
    expect((await runCli(['keys', 'list'], env, db.dir)).code).toBe(0);
    const another = 'another-pepper-'.repeat(3);
    for (const args of [['keys', 'list'], ['bootstrap', '--api', 'my-api']]) {
      const result = await failing(args, { ...env, TESSERA_PEPPER: another });
      expect({ args: args.join(' '), code: result.code }).toEqual({ args: args.join(' '), code: 1 });
      expect(result.stderr).toBe(
        'tessera: The signing keys in the database were encrypted with another pepper than this TESSERA_PEPPER: start Tessera with the TESSERA_PEPPER the database was created with.' +
          ' (If it is the right one, a signing key in the database was altered: restore the database from a backup.)\n',
      );
      expect(result.stdout).toBe('');
      expect(result.stderr).not.toContain(env.TESSERA_PEPPER!);
      expect(result.stderr).not.toContain(another);
    }
  });

  it('names the pepper file in embedded mode when it is not the one the database was created with', async () => {
    const embedded = await createSqliteDatabase();
    const env = environmentFor(embedded);
    expect((await runCli(['migrate'], env, embedded.dir)).code).toBe(0);
    expect((await runCli(['keys', 'list'], env, embedded.dir)).code).toBe(0);
    const pepperFile = join(embedded.dir, 'data', 'pepper');
    const original = readFileSync(pepperFile, 'utf8').trim();
    const replacement = randomBytes(32).toString('hex');
    writeFileSync(pepperFile, `${replacement}\n`);
    const result = await runCli(['bootstrap', '--api', 'my-api', '--json'], env, embedded.dir, undefined, 15_000);
    expect(result.code).toBe(1);
    expect(lastLine(result)).toEqual({
      error: {
        code: 'PEPPER.MISMATCH',
        message: `The signing keys in the database were encrypted with another pepper than the one in ${pepperFile}: put back the pepper file the database was created with (from the backup of the data folder). (If it is the right one, a signing key in the database was altered: restore the database from a backup.)`,
      },
    });
    expectOnlyOwnMessage(result);
    expect(result.stderr).not.toContain(original);
    expect(result.stderr).not.toContain(replacement);
  });
});

// Commander refuses these before anything starts: no database is needed. Each command is still a
// process that loads the CLI (1–3 s on a busy machine), and the first test runs eighteen.
describe('tessera usage errors', { timeout: 180_000 }, () => {
  let cwd: string;

  beforeAll(() => {
    cwd = mkdtempSync(join(tmpdir(), 'tessera-usage-'));
  });

  afterAll(() => {
    rmSync(cwd, { recursive: true, force: true });
  });

  const cli = (...args: string[]): Promise<CliResult> => runCli(args, {}, cwd);

  /** Runs a refused command line that has --json: exit code 2, and only the JSON error line. */
  async function expectRefusedAsJson(args: readonly string[], reason: string): Promise<void> {
    const where = args.join(' ');
    const result = await cli(...args);
    expect({ where, code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
      where,
      code: 2,
      stdout: '',
      stderr: `${JSON.stringify({ error: { code: 'REQUEST.VALIDATION_FAILED', message: reason } })}\n`,
    });
  }

  /** Runs a refused command line as it is (one line with a hint at `help`'s --help), then with --json first. */
  async function expectRefused(args: readonly string[], reason: string, help: string): Promise<void> {
    const where = args.join(' ');
    const text = await cli(...args);
    expect({ where, code: text.code, stdout: text.stdout, stderr: text.stderr }).toEqual({ where, code: 2, stdout: '', stderr: `tessera: ${reason}; see '${help} --help'\n` });
    await expectRefusedAsJson(['--json', ...args], reason);
  }

  it('reports an unknown command or option, or a missing or invalid value, in one line with exit code 2, or with --json as the JSON error line', async () => {
    const account = 'sa_00000000000000000000000000';
    const cases = [
      { args: ['accounts', 'list'], reason: "required option '--api <slug>' not specified", help: 'tessera accounts list' },
      {
        args: ['secrets', 'rotate', '--api', 'my-api', '--account', account, '--disable-others-after', 'yesterday'],
        reason: "option '--disable-others-after <date>' argument 'yesterday' is invalid. expected an ISO-8601 date-time with a time zone, e.g. 2027-01-31T00:00:00Z, or a date, e.g. 2027-01-31 (the start of that day, UTC)",
        help: 'tessera secrets rotate',
      },
      {
        args: ['apis', 'set', 'my-api', '--max-secret-lifetime', 'null'],
        reason: "option '--max-secret-lifetime <days>' argument 'null' is invalid. expected none or a whole number of days",
        help: 'tessera apis set',
      },
      { args: ['frobnicate'], reason: "unknown command 'frobnicate'", help: 'tessera' },
      { args: ['acounts', 'list'], reason: "unknown command 'acounts' (Did you mean accounts?)", help: 'tessera' },
      { args: ['secrets', 'frobnicate'], reason: "unknown command 'frobnicate'", help: 'tessera secrets' },
      { args: ['accounts', 'create', '--api', 'my-api', '--name', 'x', '--frobnicate'], reason: "unknown option '--frobnicate'", help: 'tessera accounts create' },
      { args: ['accounts', 'list', '--api'], reason: "option '--api <slug>' argument missing", help: 'tessera accounts list' },
      { args: ['accounts', 'disable', '--api', 'my-api'], reason: "missing required argument 'accountId'", help: 'tessera accounts disable' },
      {
        args: ['channels', 'add', '--api', 'my-api', '--webhook', 'https://hooks.example/x', '--email', 'security@my-api.test'],
        reason: "option '--webhook <url>' cannot be used with option '--email <address>'",
        help: 'tessera channels add',
      },
    ];
    for (const { args, reason, help } of cases) await expectRefused(args, reason, help);
  });

  it('refuses no command, or a command group without its subcommand, with exit code 2, naming the subcommands it takes', async () => {
    const groups = [
      { args: [], reason: 'missing command: expected one of migrate, bootstrap, keys, reminders, apis, accounts, secrets, channels', help: 'tessera' },
      { args: ['accounts'], reason: "missing subcommand for 'accounts': expected one of list, create, update, enable, disable, delete", help: 'tessera accounts' },
      { args: ['secrets'], reason: "missing subcommand for 'secrets': expected one of list, add, rotate, enable, disable, delete", help: 'tessera secrets' },
      { args: ['keys'], reason: "missing subcommand for 'keys': expected one of rotate, list", help: 'tessera keys' },
      { args: ['apis'], reason: "missing subcommand for 'apis': expected one of show, set", help: 'tessera apis' },
      { args: ['channels'], reason: "missing subcommand for 'channels': expected one of list, add, rotate-secret, delete", help: 'tessera channels' },
      { args: ['reminders'], reason: "missing subcommand for 'reminders': expected scan", help: 'tessera reminders' },
      { args: ['help', 'frobnicate'], reason: "unknown command 'frobnicate'", help: 'tessera' },
    ];
    for (const { args, reason, help } of groups) await expectRefused(args, reason, help);
    // --json counts after the group's name too.
    await expectRefusedAsJson(['accounts', '--json'], groups[1]!.reason);
    await expectRefusedAsJson(['reminders', '--json'], groups[6]!.reason);
  });

  it('refuses an argument too many with exit code 2', async () => {
    const account = 'sa_00000000000000000000000000';
    const cases = [
      { args: ['keys', 'list', 'extra'], reason: "too many arguments for 'list'. Expected 0 arguments but got 1", help: 'tessera keys list' },
      { args: ['accounts', 'list', '--api', 'my-api', 'extra'], reason: "too many arguments for 'list'. Expected 0 arguments but got 1", help: 'tessera accounts list' },
      {
        args: ['secrets', 'disable', '--api', 'my-api', '--account', account, 'sec_00000000000000000000000000', 'junk'],
        reason: "too many arguments for 'disable'. Expected 1 argument but got 2",
        help: 'tessera secrets disable',
      },
    ];
    for (const { args, reason, help } of cases) await expectRefused(args, reason, help);
    await expectRefusedAsJson(['secrets', 'list', '--api', 'my-api', '--account', account, 'junk', '--json'], "too many arguments for 'list'. Expected 0 arguments but got 1");
  });

  it('prints the help asked for with --help, -h or help, and exits 0', async () => {
    for (const args of [['--help'], ['help'], ['accounts', 'list', '--help'], ['--json', 'secrets', 'rotate', '--help'], ['accounts', '-h'], ['--json', 'help', 'accounts'], ['keys', 'help']]) {
      const result = await cli(...args);
      expect({ args: args.join(' '), code: result.code, stderr: result.stderr }).toEqual({ args: args.join(' '), code: 0, stderr: '' });
      expect(result.stdout).toMatch(/^Usage: tessera /);
    }
  });
});

describe('tessera --help and the README', () => {
  it('lists every command of the CLI in the README\'s Commands table', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'tessera-help-'));
    const help = await runCli(['--help'], {}, cwd, undefined, 15_000);
    rmSync(cwd, { recursive: true, force: true });
    expect(help.code).toBe(0);
    const commands = help.stdout
      .split('Commands:\n')[1]!
      .split('\n')
      .map((line) => /^ {2}([a-z-]+)/.exec(line)?.[1])
      .filter((name): name is string => name !== undefined && name !== 'help');
    expect(commands).toEqual(expect.arrayContaining(['migrate', 'accounts', 'secrets', 'channels']));
    const readme = readFileSync(resolve(__dirname, '../../../README.md'), 'utf8');
    const row = readme.split('\n').find((line) => line.startsWith('| `npx tessera --help` |'));
    expect(row).toBeDefined();
    for (const command of commands) expect(row, command).toContain(`\`${command}\``);
  });
});
