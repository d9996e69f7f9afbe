import { decodeJwt, decodeProtectedHeader } from 'jose';
import Database from 'better-sqlite3';
import { Redis } from 'ioredis';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, createPostgresDatabase, createSqliteDatabase, jtisOf, sql, type TestDatabase } from './support/databases';
import { WEBHOOK_HOST_REFUSED } from '../src/management/alert-channels.service';
import { redisNamespace } from '../src/crypto/pepper';
import { request } from './support/http';
import { environmentFor, freePort, runCli, startTessera, type TesseraProcess } from './support/tessera-process';
import { bootstrap, createClient, tokenFor } from './support/world';

describe('operations', () => {
  let db: TestDatabase;
  let server: TesseraProcess;

  beforeAll(async () => {
    db = await createSqliteDatabase();
    server = await startTessera(db, { TESSERA_THROTTLE_PER_CLIENT: '3', TESSERA_THROTTLE_WINDOW_SECONDS: '30' });
  });

  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  it('reports liveness and readiness', async () => {
    expect((await request(`${server.url}/health/live`)).body).toMatchObject({ status: 'ok' });
    const ready = await request(`${server.url}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ok', details: { database: { status: 'up' } } });
  });

  it('serves an OpenAPI 3.1 document that covers every route with its contract schemas', async () => {
    const response = await request(`${server.url}/docs`);
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    const paths = response.body.paths as Record<string, Record<string, { summary: string; responses: Record<string, unknown> }>>;
    for (const [path, method] of [
      ['/System/UserAccount', 'post'],
      ['/oauth/token', 'post'],
      ['/apis/{api}/service-accounts', 'post'],
      ['/apis/{api}/service-accounts/{id}/secrets/rotate', 'post'],
      ['/{api}/{collection}', 'get'],
      ['/{api}/{collection}', 'head'],
    ] as const) {
      expect(paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    // HEAD of a collection, served by the GET handler: GET's parameters and security, no bodies.
    const { get: list, head } = paths['/{api}/{collection}'] as unknown as Record<string, { parameters: unknown; security: unknown; responses: Record<string, object> }>;
    expect(head!.parameters).toEqual(list!.parameters);
    expect(head!.security).toEqual([{ bearer: [] }]);
    expect(head!.responses).toEqual({ 200: { description: 'HTTP 200' }, '4XX': { description: 'Client error' } });
    const create = paths['/apis/{api}/service-accounts']!.post as unknown as { requestBody: { content: Record<string, { schema: { required: string[] } }> } };
    expect(create.requestBody.content['application/json']!.schema.required).toEqual(['name', 'scopes']);
    // A query field's description is its parameter's: the audit trail says how it reads a date alone.
    type Parameter = { name: string; description?: string; schema: { anyOf?: { format?: string }[] } };
    const auditQuery = (paths['/apis/{api}/audit-events']!.get as unknown as { parameters: Parameter[] }).parameters;
    for (const name of ['since', 'until']) {
      const parameter = auditQuery.find((p) => p.name === name)!;
      expect(parameter.description, name).toContain('or a date alone (YYYY-MM-DD), which is the start of that day in UTC');
      expect(parameter.schema.anyOf?.map((s) => s.format), name).toEqual(['date', 'date-time']);
    }
    // The secrets' dates read alike, and their body fields say so.
    type BodyField = { description?: string };
    const bodyOf = (path: string) => (paths[path]!.post as unknown as { requestBody: { content: Record<string, { schema: { properties: Record<string, BodyField> } }> } }).requestBody.content['application/json']!.schema.properties;
    const secrets = '/apis/{api}/service-accounts/{id}/secrets';
    for (const [path, field] of [[secrets, 'expiresAt'], [`${secrets}/rotate`, 'expiresAt'], [`${secrets}/rotate`, 'disableOthersAfter']] as const) {
      expect(bodyOf(path)[field]?.description, `${path} ${field}`).toContain('or a date alone (YYYY-MM-DD), which is the start of that day in UTC');
    }
    // No route is left with a placeholder summary (every route declares @ApiDoc).
    for (const [path, operations] of Object.entries(paths)) {
      for (const operation of Object.values(operations)) expect(operation.summary, path).not.toBe(path);
    }
  });

  it('answers what is not a request (oversized headers, not HTTP) in the JSON error shape, and closes the connection', async () => {
    const raw = (bytes: string) =>
      new Promise<string>((done, fail) => {
        const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
        let answer = '';
        socket.on('data', (chunk) => (answer += chunk.toString()));
        socket.on('error', fail);
        socket.on('close', () => done(answer));
        socket.write(bytes);
      });
    const parse = (answer: string) => {
      const [head, body] = answer.split('\r\n\r\n');
      return { status: Number(head!.split(' ')[1]), head: head!.toLowerCase(), body: JSON.parse(body!) };
    };
    const oversized = parse(await raw(`GET /health/live HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`));
    expect(oversized.status).toBe(431);
    expect(oversized.body).toEqual({ error: { code: 'REQUEST.HEADERS_TOO_LARGE', message: 'The request headers are too large.', requestId: expect.stringMatching(/^req_/) } });
    expect(oversized.head).toContain(`x-request-id: ${oversized.body.error.requestId}`.toLowerCase());
    const garbage = parse(await raw('HELLO THERE\r\n\r\n'));
    expect(garbage.status).toBe(400);
    expect(garbage.body.error.code).toBe('REQUEST.MALFORMED');
    // The server is unharmed.
    expect((await request(`${server.url}/health/live`)).status).toBe(200);
  });

  it('answers paths the router cannot read (a bad percent-escape, an overlong segment) in the JSON error shape', async () => {
    for (const path of ['/%FF', '/oauth/token%FF', '/apis/my-api/service-accounts/%E0%A4%A']) {
      const bad = await request(`${server.url}${path}`, { method: 'POST' });
      expect(bad.status).toBe(400);
      expect(bad.body).toEqual({ error: { code: 'REQUEST.MALFORMED', message: expect.stringContaining('percent-escape'), requestId: expect.stringMatching(/^req_/) } });
      expect(bad.headers.get('x-request-id')).toBe(bad.body.error.requestId);
    }
    const long = await request(`${server.url}/apis/${'a'.repeat(600)}`);
    expect(long.status).toBe(404);
    expect(long.body.error.code).toBe('RESOURCE.NOT_FOUND');
    expect(long.headers.get('x-request-id')).toBe(long.body.error.requestId);
  });

  it('counts issuance and failures in Prometheus metrics without client IDs', async () => {
    const admin = await bootstrap(server, 'metrics-api');
    await tokenFor(server, admin.clientId, admin.clientSecret);
    await request(`${server.url}/System/UserAccount`, { json: { clientId: admin.clientId, clientSecret: 'tsk_nope' } });
    const metrics = await request(`${server.url}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.text).toMatch(/tessera_tokens_issued_total\{api="metrics-api",grant="client_credentials"\} 1/);
    expect(metrics.text).toMatch(/tessera_authentication_failures_total\{api="",grant="seed",reason="SECRET_MALFORMED"\} 1/);
    expect(metrics.text).toContain('tessera_token_verification_seconds');
    expect(metrics.text).not.toContain(admin.clientId);
    expect(metrics.text).not.toContain(admin.clientSecret);
  });

  it('copies SQLite\'s log into the database file in the background, without waiting for a large log', async () => {
    const admin = await bootstrap(server, 'checkpoint-api');
    const path = db.url.slice('sqlite:'.length);
    await tokenFor(server, admin.clientId, admin.clientSecret);
    // The database file alone, without its -wal: what has been checkpointed. A few events are far
    // from SQLite's own threshold (1,000 log pages), so only the server's background thread puts
    // them there.
    const copy = join(mkdtempSync(join(tmpdir(), 'tessera-copy-')), 'copy.sqlite');
    const checkpointedEvents = async () => {
      copyFileSync(path, copy);
      const connection = new Database(copy, { readonly: true });
      try {
        return (connection.prepare("select count(*) as n from event where api = 'checkpoint-api' and type = 'token.issued'").get() as { n: number }).n;
      } finally {
        connection.close();
      }
    };
    await expect.poll(checkpointedEvents, { timeout: 5_000, interval: 100 }).toBe(1);
    rmSync(dirname(copy), { recursive: true, force: true });
  });

  it('counts bearer verifications by outcome and cache, and times only the signature checks', async () => {
    const admin = await bootstrap(server, 'verify-metrics-api');
    const token = await tokenFor(server, admin.clientId, admin.clientSecret);
    const read = async () => {
      const text = (await request(`${server.url}/metrics`)).text;
      const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1] ?? 0);
      return {
        valid: { hit: value(/tessera_token_verifications_total\{outcome="valid",cache="hit"\} (\d+)/), miss: value(/tessera_token_verifications_total\{outcome="valid",cache="miss"\} (\d+)/) },
        invalidMiss: value(/tessera_token_verifications_total\{outcome="invalid",cache="miss"\} (\d+)/),
        timedValid: value(/tessera_token_verification_seconds_count\{outcome="valid"\} (\d+)/),
      };
    };
    const before = await read();
    for (let i = 0; i < 3; i++) expect((await request(`${server.url}/apis/verify-metrics-api/service-accounts`, { token })).status).toBe(200);
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const otherPayload = `${header}.${payload.slice(0, 10)}${payload[10] === 'A' ? 'B' : 'A'}${payload.slice(11)}.${signature}`;
    for (const forged of [`${token.slice(0, -4)}AAAA`, otherPayload]) {
      expect((await request(`${server.url}/apis/verify-metrics-api/service-accounts`, { token: forged })).status).toBe(401);
    }
    const after = await read();
    // The first call verifies the signature (a miss, timed); the next two are answered by the cache.
    expect(after.valid.miss - before.valid.miss).toBe(1);
    expect(after.valid.hit - before.valid.hit).toBe(2);
    expect(after.timedValid - before.timedValid).toBe(1);
    // A forged token is never a cache hit: not with another signature, nor with the cached
    // token's signature on another payload.
    expect(after.invalidMiss - before.invalidMiss).toBe(2);
  });

  it('throttles failures per client ID with 429 and Retry-After, without locking out the right secret', async () => {
    const admin = await bootstrap(server, 'throttle-api');
    for (let i = 0; i < 3; i++) {
      expect((await request(`${server.url}/System/UserAccount`, { json: { clientId: admin.clientId, clientSecret: 'wrong' } })).status).toBe(401);
    }
    const blocked = await request(`${server.url}/System/UserAccount`, { json: { clientId: admin.clientId, clientSecret: 'wrong' } });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(blocked.body.error.code).toBe('AUTH.THROTTLED');
    const oauth = await request(`${server.url}/oauth/token`, { form: { grant_type: 'client_credentials', client_id: admin.clientId, client_secret: 'tsk_wrong' } });
    expect(oauth.status).toBe(429);
    expect(oauth.body.error).toBe('invalid_request');
    // Knowing a client ID (it is public) must not let anyone lock that service out.
    expect((await request(`${server.url}/System/UserAccount`, { json: { clientId: admin.clientId, clientSecret: admin.clientSecret } })).status).toBe(200);
    expect((await request(`${server.url}/oauth/token`, { form: { grant_type: 'client_credentials', client_id: admin.clientId, client_secret: admin.clientSecret } })).status).toBe(200);
  });

  it('throttles an address over its limit before doing any work, right secret or not', async () => {
    const own = await startTessera(await createSqliteDatabase(), { TESSERA_THROTTLE_PER_ADDRESS: '4' });
    try {
      const admin = await bootstrap(own, 'address-api');
      for (let i = 0; i < 4; i++) await request(`${own.url}/System/UserAccount`, { json: { clientId: `tci_${'0'.repeat(21)}${i}`, clientSecret: 'wrong' } });
      const blocked = await request(`${own.url}/System/UserAccount`, { json: { clientId: admin.clientId, clientSecret: admin.clientSecret } });
      expect(blocked.status).toBe(429);
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    } finally {
      await own.stop();
    }
  });

  it('refuses webhook contacts on private addresses by default (SSRF)', async () => {
    const admin = await bootstrap(server, 'ssrf-api');
    const token = await tokenFor(server, admin.clientId, admin.clientSecret);
    // One answer whatever the reason: a tenant's admin learns neither what a name resolves to
    // inside the operator's network nor whether it resolves there at all.
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://127.0.0.1:6379/', 'http://localhost:5432/', 'http://[::1]/', 'http://no-such-host.invalid/']) {
      const response = await request(`${server.url}/apis/ssrf-api/alert-channels`, { token, json: { kind: 'webhook', url } });
      expect(response.status, url).toBe(400);
      expect(response.body.error.issues[0].path).toBe('url');
      expect(response.body.error.message, url).toBe(WEBHOOK_HOST_REFUSED);
    }
  });

  it('answers unknown routes and bad bodies with JSON 4xx, never a stack trace', async () => {
    const unknown = await request(`${server.url}/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('RESOURCE.NOT_FOUND');
    const huge = await request(`${server.url}/System/UserAccount`, { json: { clientId: 'x'.repeat(100_000), clientSecret: 'y' } });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('REQUEST.BODY_TOO_LARGE');
    const proto = await request(`${server.url}/System/UserAccount`, { body: '{"__proto__":{"x":1},"clientId":"a","clientSecret":"b"}', headers: { 'content-type': 'application/json' } });
    expect(proto.status).toBe(400);
    const text = await request(`${server.url}/System/UserAccount`, { body: 'clientId=a', headers: { 'content-type': 'text/plain' } });
    expect(text.status).toBe(415);
    expect(text.body.error).toMatchObject({ code: 'REQUEST.UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('application/json') });
    const multipart = await request(`${server.url}/oauth/token`, { body: '--x\r\n\r\n--x--', headers: { 'content-type': 'multipart/form-data; boundary=x' } });
    expect(multipart.status).toBe(400);
    expect(multipart.body).toEqual({ error: 'invalid_request', error_description: expect.stringContaining('application/x-www-form-urlencoded') });
    // Paths the demo collections' pattern would catch but that cannot name an API, and that no
    // other method takes: 404, no token asked (see the 405 test for those another method takes).
    for (const [method, path] of [['GET', '/health/nope'], ['POST', '/health/nope'], ['GET', '/docs/x'], ['PUT', '/oauth/nope']]) {
      const response = await request(`${server.url}${path}`, { method, ...(method === 'POST' ? { json: {} } : {}) });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.headers.get('www-authenticate'), `${method} ${path}`).toBeNull();
      expect(response.body.error.code).toBe('RESOURCE.NOT_FOUND');
    }
    for (const response of [unknown, huge, proto, text, multipart]) expect(response.text).not.toMatch(/at .*\.js:\d+/);
  });

  it('answers a method that a path does not take with 405 and the methods it takes in Allow, whatever the token; an unknown path stays 404', async () => {
    const admin = await bootstrap(server, 'allow-api');
    const token = await tokenFor(server, admin.clientId, admin.clientSecret);
    for (const [method, path, allow] of [
      // A demo collection, a management route, and routes the collections' pattern would catch.
      ['PUT', '/allow-api/products', 'GET, HEAD, POST'],
      ['DELETE', '/allow-api/products', 'GET, HEAD, POST'],
      ['OPTIONS', '/allow-api/products', 'GET, HEAD, POST'],
      ['PUT', '/apis/allow-api', 'GET, HEAD, PATCH'],
      ['DELETE', '/apis/allow-api/service-accounts', 'GET, HEAD, POST'],
      ['PUT', `/apis/allow-api/service-accounts/${admin.accountId}`, 'DELETE, GET, HEAD, PATCH'],
      ['POST', '/health/live', 'GET, HEAD'],
      ['GET', '/System/UserAccount', 'POST'],
      ['POST', '/.well-known/jwks.json', 'GET, HEAD'],
    ] as const) {
      for (const headers of [{}, { authorization: `Bearer ${token}` }] as Record<string, string>[]) {
        const response = await request(`${server.url}${path}?limit=1`, { method, headers });
        const what = `${method} ${path} ${Object.keys(headers).join()}`;
        expect(response.status, what).toBe(405);
        expect(response.headers.get('allow'), what).toBe(allow);
        expect(response.headers.get('www-authenticate'), what).toBeNull();
        expect(response.body, what).toEqual({
          error: { code: 'REQUEST.METHOD_NOT_ALLOWED', message: `${method} is not allowed on ${path}; it takes ${allow}.`, requestId: response.headers.get('x-request-id') },
        });
      }
    }
    // The OAuth endpoints answer in RFC 6749's shape, never cached, as for their other errors.
    for (const method of ['GET', 'PUT', 'DELETE', 'OPTIONS']) {
      const response = await request(`${server.url}/oauth/token`, { method });
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow'), method).toBe('POST');
      expect(response.headers.get('cache-control'), method).toBe('no-store');
      expect(response.body, method).toEqual({ error: 'invalid_request', error_description: `${method} is not allowed on /oauth/token; it takes POST.` });
    }
    // HEAD is served by GET where GET is, and is refused like any other method elsewhere (no body).
    expect((await request(`${server.url}/health/live`, { method: 'HEAD' })).status).toBe(200);
    expect((await request(`${server.url}/allow-api/products`, { method: 'HEAD', token })).status).toBe(403);
    const head = await request(`${server.url}/oauth/token`, { method: 'HEAD' });
    expect({ status: head.status, allow: head.headers.get('allow'), text: head.text }).toEqual({ status: 405, allow: 'POST', text: '' });
    // No route for the method is answered before a body is read: a body no route would take
    // (malformed JSON, a form outside /oauth/) does not turn it into a 400 or a 415.
    for (const [method, path, headers, body, status] of [
      ['PUT', '/allow-api/products', { 'content-type': 'application/json' }, '{"broken', 405],
      ['POST', '/nope', { 'content-type': 'application/json' }, '{"broken', 404],
      ['POST', '/nope', { 'content-type': 'application/x-www-form-urlencoded' }, 'a=1', 404],
      ['PATCH', '/health/live', { 'content-type': 'text/plain' }, 'x', 405],
    ] as const) {
      const response = await request(`${server.url}${path}`, { method, headers, body });
      expect({ status: response.status, code: response.body.error.code }, `${method} ${path} ${body}`).toEqual({ status, code: status === 405 ? 'REQUEST.METHOD_NOT_ALLOWED' : 'RESOURCE.NOT_FOUND' });
    }
    const formToOAuth = await request(`${server.url}/oauth/token`, { method: 'PUT', form: { grant_type: 'client_credentials' } });
    expect({ status: formToOAuth.status, allow: formToOAuth.headers.get('allow'), body: formToOAuth.body }).toEqual({
      status: 405,
      allow: 'POST',
      body: { error: 'invalid_request', error_description: 'PUT is not allowed on /oauth/token; it takes POST.' },
    });
    // The same answer whether the API exists or not: a 405 tells nothing about tenants.
    for (const path of ['/no-such-api/products', '/apis/no-such-api']) {
      const response = await request(`${server.url}${path}`, { method: 'PUT' });
      expect({ status: response.status, allow: response.headers.get('allow') }, path).toEqual({ status: 405, allow: path.startsWith('/apis/') ? 'GET, HEAD, PATCH' : 'GET, HEAD, POST' });
    }
    // A path the router cannot read under any method is refused as such, never offered an Allow.
    const malformed = await request(`${server.url}/%ff`, { method: 'PUT' });
    expect({ status: malformed.status, allow: malformed.headers.get('allow'), code: malformed.body.error.code }).toEqual({ status: 400, allow: null, code: 'REQUEST.MALFORMED' });
    // A path no method takes is not found, whatever the method, and has no Allow: also one with a
    // segment longer than the router matches.
    const long = 'a'.repeat(101);
    for (const [method, path] of [['GET', '/nope'], ['PUT', '/nope'], ['OPTIONS', '/nope'], ['DELETE', '/oauth/nope'], ['PUT', '/apis/oauth/service-accounts'], ['PUT', '/apis/allow-api/nope'], ['PUT', `/${long}/products`], ['PATCH', `/${long}/products`]]) {
      const response = await request(`${server.url}${path}`, { method });
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(response.headers.get('allow'), `${method} ${path}`).toBeNull();
      expect(response.body.error, `${method} ${path}`).toEqual({ code: 'RESOURCE.NOT_FOUND', message: `No route ${method} ${path}.`, requestId: expect.any(String) });
    }
  });

  it('shuts down gracefully on SIGTERM: in-flight requests finish, exit code 0', async () => {
    const own = await startTessera(await createSqliteDatabase());
    const admin = await bootstrap(own, 'shutdown-api');
    // Token requests in flight when SIGTERM arrives: every one that reached the server is answered.
    const inFlight = Promise.allSettled(
      Array.from({ length: 20 }, () => request(`${own.url}/System/UserAccount`, { json: { clientId: admin.clientId, clientSecret: admin.clientSecret } })),
    );
    await new Promise((r) => setTimeout(r, 5));
    const code = await own.stop('SIGTERM');
    const answers = await inFlight;
    expect(code).toBe(0);
    const answered = answers.filter((a) => a.status === 'fulfilled');
    for (const answer of answered) expect([200, 503]).toContain(answer.value.status);
    for (const answer of answers) if (answer.status === 'rejected') expect(String(answer.reason.cause?.code)).toMatch(/ECONNREFUSED|ECONNRESET|UND_ERR_SOCKET/);
    expect(own.logs()).toContain('Tessera stopped');
    expect(own.logs()).not.toMatch(/"level":(50|60)/);
  });
});

describe('behind a trusted proxy', () => {
  it('takes the client address from X-Forwarded-For when the connection comes from a named proxy', async () => {
    const db = await createSqliteDatabase();
    // The test's requests come from 127.0.0.1, named as the proxy; two failures per address.
    const own = await startTessera(db, { TESSERA_TRUST_PROXY: '127.0.0.1', TESSERA_THROTTLE_PER_ADDRESS: '2', TESSERA_THROTTLE_PER_CLIENT: '100' });
    try {
      const admin = await bootstrap(own, 'proxied-api');
      const attempt = (address: string, clientSecret = 'tsk_wrong') =>
        request(`${own.url}/System/UserAccount`, { json: { clientId: admin.clientId, clientSecret }, headers: { 'x-forwarded-for': address } });
      expect((await attempt('203.0.113.7')).status).toBe(401);
      expect((await attempt('203.0.113.7')).status).toBe(401);
      expect((await attempt('203.0.113.7')).status).toBe(429);
      // Another client behind the same proxy has its own budget, and the right secret works.
      expect((await attempt('203.0.113.8')).status).toBe(401);
      expect((await attempt('203.0.113.8', admin.clientSecret)).status).toBe(200);
      // The audit trail names the client's address, not the proxy's (events are written in batches).
      await expect.poll(async () => JSON.stringify(await sql(db, `select source from event where type = 'authentication.failed'`)), { timeout: 5_000 }).toContain('203.0.113.8');
    } finally {
      await own.stop();
      await db.drop();
    }
  });
});

describe('interrupting', () => {
  it('finishes its shutdown when the signal comes twice (Ctrl-C reaches npm and node): buffered events are kept', async () => {
    const db = await createSqliteDatabase();
    const own = await startTessera(db);
    const admin = await bootstrap(own, 'interrupted-api');
    const token = await tokenFor(own, admin.clientId, admin.clientSecret);
    const { jti } = decodeJwt(token);
    own.kill('SIGINT');
    own.kill('SIGINT');
    expect(await own.stop('SIGINT')).toBe(0);
    expect(own.logs()).toContain('Tessera stopped');
    const issued = await sql<{ data: string | Record<string, unknown> }>(db, `select data from event where type = 'token.issued'`);
    expect(issued.flatMap((row) => jtisOf(row.data))).toContain(jti);
  });
});

describe('configuration errors', () => {
  async function run(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
    const main = resolve(__dirname, '../dist/main.js');
    return new Promise((done) => {
      const clean = { ...process.env };
      for (const key of ['DATABASE_URL', 'REDIS_URL', 'TESSERA_PEPPER']) delete clean[key];
      const child = spawn(process.execPath, [main], { env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      // A process that cannot start must exit by itself: one still running is killed (code null).
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      child.on('exit', (code) => {
        clearTimeout(timer);
        done({ code, output });
      });
    });
  }

  it('refuses to start with a clear message naming the variable', async () => {
    const bad = await run({ DATABASE_URL: 'mysql://localhost/x' });
    expect(bad.code).toBe(78);
    expect(bad.output).toContain('DATABASE_URL: must be sqlite:PATH or postgres://');
    const noPepper = await run({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test' });
    expect(noPepper.code).toBe(78);
    expect(noPepper.output).toContain('TESSERA_PEPPER');
    const port = await run({ PORT: 'eighty' });
    expect(port.code).toBe(78);
    expect(port.output).toContain('Invalid configuration:\n  - PORT: must be a whole number from 0 to 65535, got "eighty"\n');
  });

  it('says why it could not start, in every line it logs', async () => {
    // The database folder cannot be made: its parent is a file.
    const failed = await run({ DATABASE_URL: `sqlite:${resolve(__dirname, '../package.json')}/data/x.sqlite` });
    expect(failed.code).toBe(1);
    expect(failed.output).toContain('Tessera could not start: ENOTDIR');
    expect(failed.output).not.toContain('"msg":""');
  });

  it('names the database and its URL, without the password, when PostgreSQL cannot be reached', async () => {
    const port = await freePort();
    const failed = await run({
      DATABASE_URL: `postgres://tessera:s3cret-pass@127.0.0.1:${port}/tessera?password=s3cret-too`,
      REDIS_URL: TEST_REDIS_URL,
      TESSERA_PEPPER: randomBytes(32).toString('hex'),
      HOST: '127.0.0.1',
      PORT: String(await freePort()),
    });
    expect(failed.code).toBe(1);
    expect(failed.output).toContain(`Tessera could not start: Could not connect to the database at postgres://tessera@127.0.0.1:${port}/tessera: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(failed.output).not.toContain('s3cret');
    expect(failed.output).not.toContain('ExceptionHandler');
  });

  it('reports a PostgreSQL database that does not exist as such, at start and in `tessera migrate`, and never creates it', async () => {
    const db = await createPostgresDatabase();
    await db.drop();
    const name = new URL(db.url).pathname.slice(1);
    const missing = `Could not connect to the database at ${db.url}: database "${name}" does not exist. Tessera does not create databases: create it (createdb, or CREATE DATABASE in psql), then run \`tessera migrate\`.`;
    try {
      const started = await run(environmentFor(db, { HOST: '127.0.0.1', PORT: String(await freePort()) }));
      expect(started.code).toBe(1);
      expect(started.output).toContain(JSON.stringify(`Tessera could not start: ${missing}`)); // the whole message of a JSON log line
      expect(started.output).not.toContain('pending migration');
      const migrated = await runCli(['migrate'], environmentFor(db), db.dir);
      expect(migrated.code).toBe(1);
      expect(migrated.stderr).toContain(`tessera: ${missing}`);
      const asJson = await runCli(['migrate', '--json'], environmentFor(db), db.dir);
      expect(asJson.code).toBe(1);
      expect(JSON.parse(asJson.stderr.trim().split('\n').at(-1)!)).toEqual({ error: { code: 'DATABASE.UNAVAILABLE', message: missing } });
      const client = new Client({ connectionString: db.url });
      await expect(client.connect()).rejects.toMatchObject({ code: '3D000' });
      await client.end().catch(() => undefined);
    } finally {
      await db.drop(); // had it been created after all
    }
  });

  it('never makes a second SQLite database: where there is none, a command refuses and creates nothing; `tessera migrate` makes one', async () => {
    const elsewhere = mkdtempSync(join(tmpdir(), 'tessera-elsewhere-'));
    try {
      // No DATABASE_URL: the default, ./data/tessera.sqlite, is read from the folder the command runs in.
      const refused = await runCli(['bootstrap', '--api', 'my-api', '--json'], {}, elsewhere);
      expect(refused.code).toBe(78);
      expect(refused.stdout).toBe('');
      expect(JSON.parse(refused.stderr.trim().split('\n').at(-1)!)).toEqual({
        error: {
          code: 'DATABASE.NOT_FOUND',
          message: `There is no database at ${join(elsewhere, 'data', 'tessera.sqlite')}: a relative DATABASE_URL (the default is sqlite:./data/tessera.sqlite) is read from the current folder: run tessera where Tessera runs, or set DATABASE_URL. To make a new one, run 'tessera migrate' first.`,
        },
      });
      expect(existsSync(join(elsewhere, 'data'))).toBe(false); // no database, no pepper
      expect((await runCli(['migrate'], {}, elsewhere)).code).toBe(0);
      const made = await runCli(['bootstrap', '--api', 'my-api', '--json'], {}, elsewhere);
      expect(made.code, made.stderr).toBe(0);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  // Node's recursive mkdirSync never returns for such a path (it spins at full CPU): the server and
  // the CLI hung on a mistyped DATABASE_URL.
  it.runIf(existsSync('/proc/self'))('reports a SQLite folder that cannot be made, at start and in `tessera migrate`, instead of hanging', async () => {
    const env = { DATABASE_URL: 'sqlite:/proc/tessera-nowhere/tessera.sqlite', LOG_LEVEL: 'info' };
    const started = await run({ ...env, HOST: '127.0.0.1', PORT: String(await freePort()) });
    expect(started.code).toBe(1);
    expect(started.output).toContain("Tessera could not start: ENOENT: no such file or directory, mkdir '/proc/tessera-nowhere'");
    const migrated = await runCli(['migrate'], env, tmpdir(), undefined, 20_000);
    expect(migrated.code).toBe(1);
    expect(migrated.stderr).toContain("tessera: Could not open the database at sqlite:/proc/tessera-nowhere/tessera.sqlite: ENOENT: no such file or directory, mkdir '/proc/tessera-nowhere'");
  });

  it('names Redis and its URL, without the password, when Redis cannot be reached', async () => {
    const db = await createPostgresDatabase();
    try {
      expect((await runCli(['migrate'], environmentFor(db), db.dir)).code).toBe(0);
      const port = await freePort();
      const failed = await run(environmentFor(db, { REDIS_URL: `redis://:s3cret-pass@127.0.0.1:${port}/9`, HOST: '127.0.0.1', PORT: String(await freePort()) }));
      expect(failed.code).toBe(1);
      expect(failed.output).toContain(`Tessera could not start: Could not connect to Redis at redis://127.0.0.1:${port}/9: connect ECONNREFUSED`);
      expect(failed.output).not.toContain('s3cret-pass');
      // Tessera's line only: not Nest's ExceptionHandler line for the same error before it.
      expect(failed.output).not.toContain('ExceptionHandler');
    } finally {
      await db.drop();
    }
  });

  it('names the pepper the signing keys cannot be opened with (the file, or TESSERA_PEPPER), never the pepper itself', async () => {
    const db = await createSqliteDatabase();
    expect((await runCli(['migrate'], environmentFor(db), db.dir)).code).toBe(0);
    expect((await runCli(['keys', 'list'], environmentFor(db), db.dir)).code).toBe(0);
    const pepperFile = join(db.dir, 'data', 'pepper');
    const original = readFileSync(pepperFile, 'utf8').trim();
    const replacement = randomBytes(32).toString('hex');
    writeFileSync(pepperFile, `${replacement}\n`);
    const env = environmentFor(db, { HOST: '127.0.0.1', PORT: String(await freePort()) });
    const fromFile = await run(env);
    expect(fromFile.code).toBe(1);
    expect(fromFile.output).toContain(
      `Tessera could not start: The signing keys in the database were encrypted with another pepper than the one in ${pepperFile}: put back the pepper file the database was created with`,
    );
    const fromVariable = await run({ ...env, TESSERA_PEPPER: replacement });
    expect(fromVariable.code).toBe(1);
    expect(fromVariable.output).toContain(
      'Tessera could not start: The signing keys in the database were encrypted with another pepper than this TESSERA_PEPPER: start Tessera with the TESSERA_PEPPER the database was created with.',
    );
    for (const { output } of [fromFile, fromVariable]) {
      expect(output).not.toContain(original);
      expect(output).not.toContain(replacement);
      expect(output).not.toContain('Unsupported state');
    }
  });
});

/** The `kid`s a server's JWKS lists now. */
async function publishedKids(server: TesseraProcess): Promise<string[]> {
  return (await request(`${server.url}/.well-known/jwks.json`)).body.keys.map((k: { kid: string }) => k.kid);
}

describe('distributed mode: two API processes on PostgreSQL + Redis', () => {
  let db: TestDatabase;
  let first: TesseraProcess;
  let second: TesseraProcess;

  beforeAll(async () => {
    db = await createPostgresDatabase();
    // One issuer for the whole deployment, as behind a load balancer.
    first = await startTessera(db, { TESSERA_ISSUER: 'http://tessera.test' });
    second = await startTessera(db, { TESSERA_ISSUER: 'http://tessera.test' });
  });

  afterAll(async () => {
    await Promise.all([first?.stop(), second?.stop()]);
    await db?.drop();
  });

  it('revokes on every process at once when a secret is disabled on one', async () => {
    const admin = await bootstrap(first, 'shared-api');
    const adminToken = await tokenFor(first, admin.clientId, admin.clientSecret);
    const client = await createClient(first, adminToken, 'shared-api', ['orders:read']);
    const token = await tokenFor(first, client.clientId, client.clientSecret);
    expect((await request(`${second.url}/shared-api/orders`, { token })).status).toBe(200); // cached on the second process
    const disabled = await request(`${first.url}/apis/shared-api/service-accounts/${client.accountId}/secrets/${client.secretId}`, {
      method: 'PATCH',
      token: adminToken,
      json: { status: 'disabled' },
    });
    expect(disabled.status).toBe(200);
    // Pushed through Redis: no wait for the 5-second poll.
    const start = Date.now();
    let status = 200;
    while (status === 200 && Date.now() - start < 1_000) status = (await request(`${second.url}/shared-api/orders`, { token })).status;
    expect(status).toBe(401);
    expect(Date.now() - start).toBeLessThan(1_000);
  });

  it('stores documents of the demo API and lists them on every process at once, in the order written', async () => {
    const admin = await bootstrap(first, 'docs-api');
    const adminToken = await tokenFor(first, admin.clientId, admin.clientSecret);
    const client = await createClient(first, adminToken, 'docs-api', ['products:read', 'products:write']);
    const token = await tokenFor(first, client.clientId, client.clientSecret);
    const list = async (server: TesseraProcess, query = '') => (await request(`${server.url}/docs-api/products${query}`, { token })).body.items as { id: string; name: string }[];
    expect(await list(second)).toEqual([]); // now cached on the second process
    // Many readers at once while nothing is cached on the first: they all get the same answer.
    const together = await Promise.all(Array.from({ length: 20 }, () => list(first)));
    expect(new Set(together.map((items) => JSON.stringify(items)))).toEqual(new Set(['[]']));
    for (const name of ['anvil', 'bolt', 'chisel']) {
      const added = await request(`${first.url}/docs-api/products`, { token, json: { name } });
      expect(added.status).toBe(201);
      expect(added.body).toMatchObject({ name, id: expect.stringMatching(/^doc_/), createdAt: expect.any(String) });
      // The other process drops its cached page when told through Redis.
      await expect.poll(async () => (await list(second)).map((item) => item.name), { timeout: 1_000, interval: 20 }).toContain(name);
    }
    expect((await list(second)).map((item) => item.name)).toEqual(['anvil', 'bolt', 'chisel']);
    expect((await list(first, '?limit=2')).map((item) => item.name)).toEqual(['anvil', 'bolt']);
    expect((await request(`${first.url}/docs-api/products?limit=0`, { token })).status).toBe(400);
  });

  it('refuses every token issued around a disable, however the requests interleave', async () => {
    const admin = await bootstrap(first, 'interleave-api');
    const token = await tokenFor(first, admin.clientId, admin.clientSecret);
    const issued: string[] = [];
    for (let round = 0; round < 5; round++) {
      const client = await createClient(first, token, 'interleave-api', ['x:read'], `interleaved ${round}`);
      await tokenFor(first, client.clientId, client.clientSecret); // credentials now cached
      let disabled = false;
      // Several clients keep asking for tokens while the secret is disabled.
      const loop = async () => {
        while (!disabled) {
          const answer = await request(`${first.url}/System/UserAccount`, { json: { clientId: client.clientId, clientSecret: client.clientSecret } });
          if (answer.status === 200) issued.push(answer.body.token as string);
        }
      };
      const loops = Array.from({ length: 6 }, loop);
      await new Promise((r) => setTimeout(r, 30));
      const disable = await request(`${first.url}/apis/interleave-api/service-accounts/${client.accountId}/secrets/${client.secretId}`, { method: 'PATCH', token, json: { status: 'disabled' } });
      disabled = true;
      await Promise.all(loops);
      expect(disable.status).toBe(200);
    }
    expect(issued.length).toBeGreaterThan(20);
    const accepted = [];
    for (const live of issued) {
      for (const server of [first, second]) if ((await request(`${server.url}/interleave-api/x`, { token: live })).status !== 401) accepted.push(live);
    }
    expect(accepted).toEqual([]);
  });

  it('applies concurrent changes to one account one after the other: a disable is never lost', async () => {
    const admin = await bootstrap(first, 'race-api');
    const token = await tokenFor(first, admin.clientId, admin.clientSecret);
    for (let round = 0; round < 10; round++) {
      const client = await createClient(first, token, 'race-api', ['x:read'], `racer ${round}`);
      const account = `${first.url}/apis/race-api/service-accounts/${client.accountId}`;
      const secret = `${account}/secrets/${client.secretId}`;
      const answers = await Promise.all([
        request(account, { method: 'PATCH', token, json: { status: 'disabled' } }),
        request(`${second.url}/apis/race-api/service-accounts/${client.accountId}`, { method: 'PATCH', token, json: { name: `renamed ${round}` } }),
        request(secret, { method: 'PATCH', token, json: { status: 'disabled' } }),
        request(`${second.url}/apis/race-api/service-accounts/${client.accountId}/secrets/${client.secretId}`, { method: 'PATCH', token, json: { description: 'x' } }),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200]);
      const after = await request(account, { token });
      expect(after.body).toMatchObject({ status: 'disabled', name: `renamed ${round}` });
      const secrets = await request(`${account}/secrets`, { token });
      expect(secrets.body.items[0]).toMatchObject({ status: 'disabled', description: 'x' });
      expect((await request(`${first.url}/System/UserAccount`, { json: { clientId: client.clientId, clientSecret: client.clientSecret } })).status).toBe(401);
    }
  });

  it('rotates signing keys from the CLI: new tokens use the new key everywhere, old tokens stay valid', async () => {
    const admin = await bootstrap(first, 'keys-api');
    const before = await tokenFor(first, admin.clientId, admin.clientSecret);
    const rotated = await runCli(['keys', 'rotate', '--json'], environmentFor(db, first.env), db.dir);
    expect(rotated.code).toBe(0);
    const { newKeyId, previousKeyId } = rotated.json<{ newKeyId: string; previousKeyId: string }>();
    expect(previousKeyId).toBe(decodeProtectedHeader(before).kid);
    for (const server of [first, second]) {
      let jwks: string[] = [];
      for (let i = 0; i < 20 && !jwks.includes(newKeyId); i++) {
        jwks = await publishedKids(server);
        if (!jwks.includes(newKeyId)) await new Promise((r) => setTimeout(r, 50));
      }
      expect(jwks).toEqual(expect.arrayContaining([newKeyId, previousKeyId]));
      const after = await tokenFor(server, admin.clientId, admin.clientSecret);
      expect(decodeProtectedHeader(after).kid).toBe(newKeyId);
      expect((await request(`${server.url}/apis/keys-api`, { token: before })).status).toBe(200);
      expect((await request(`${server.url}/apis/keys-api`, { token: after })).status).toBe(200);
    }
    expect(join(db.dir)).toBeTruthy();
  });

  it('refuses a retired key on every process once the JWKS drops it, in tokens cached there or not', async () => {
    const admin = await bootstrap(first, 'retired-key-api');
    const seen = await tokenFor(first, admin.clientId, admin.clientSecret);
    const unseen = await tokenFor(first, admin.clientId, admin.clientSecret);
    const oldKid = decodeProtectedHeader(seen).kid!;
    const status = async (server: TesseraProcess, token: string) => (await request(`${server.url}/apis/retired-key-api`, { token })).status;
    // Verified once on each process: the key and the token are now cached there.
    for (const server of [first, second]) expect(await status(server, seen)).toBe(200);
    const rotate = async () => {
      const rotated = await runCli(['keys', 'rotate', '--json'], environmentFor(db, first.env), db.dir);
      expect(rotated.code).toBe(0);
      return rotated.json<{ newKeyId: string }>().newKeyId;
    };
    await rotate();
    // The end of the old key's grace period, brought forward: it was retired three days ago.
    await sql(db, 'update signing_key set retired_at = ? where id = ?', [new Date(Date.now() - 3 * 86_400_000), oldKid]);
    const newKeyId = await rotate(); // announced on Redis: every process reloads its keys at once
    for (const server of [first, second]) {
      const jwks = () => publishedKids(server);
      await expect.poll(jwks, { timeout: 1_000, interval: 20 }).toContain(newKeyId);
      expect(await jwks()).not.toContain(oldKid);
      expect(await status(server, seen)).toBe(401);
      expect(await status(server, unseen)).toBe(401);
      expect(await status(server, await tokenFor(server, admin.clientId, admin.clientSecret))).toBe(200);
    }
  });

  // Last in this suite: it deletes every key the tests before it signed with.
  it('withdraws every previous key at once with keys rotate --withdraw-previous: its tokens fail on every process', async () => {
    const admin = await bootstrap(first, 'withdrawn-key-api');
    const seen = await tokenFor(first, admin.clientId, admin.clientSecret);
    const unseen = await tokenFor(second, admin.clientId, admin.clientSecret);
    const oldKid = decodeProtectedHeader(seen).kid!;
    const status = async (server: TesseraProcess, token: string) => (await request(`${server.url}/apis/withdrawn-key-api`, { token })).status;
    for (const server of [first, second]) expect(await status(server, seen)).toBe(200);

    const rotated = await runCli(['keys', 'rotate', '--withdraw-previous', '--json'], environmentFor(db, first.env), db.dir);
    expect(rotated.code).toBe(0);
    const { newKeyId, withdrawnKeyIds } = rotated.json<{ newKeyId: string; withdrawnKeyIds: string[] }>();
    expect(withdrawnKeyIds).toContain(oldKid);
    expect(withdrawnKeyIds).not.toContain(newKeyId);
    for (const server of [first, second]) {
      const jwks = () => publishedKids(server);
      await expect.poll(jwks, { timeout: 1_000, interval: 20 }).toEqual([newKeyId]);
      expect(await status(server, seen)).toBe(401);
      expect(await status(server, unseen)).toBe(401);
      expect(await status(server, await tokenFor(server, admin.clientId, admin.clientSecret))).toBe(200);
    }
    const events = await sql<{ data: unknown }>(db, "select data from event where type = 'key.rotated' order by id desc");
    const data = events[0]!.data;
    expect(typeof data === 'string' ? JSON.parse(data) : data).toMatchObject({ newKeyId, withdrawnKeyIds });
  });
});

describe('distributed mode on a Redis database other than 0', () => {
  /** REDIS_URL with a database number: every Redis connection of the API must use it. */
  const redisUrl = `${TEST_REDIS_URL.replace(/\/\d*$/, '')}/9`;
  let db: TestDatabase;
  let server: TesseraProcess;
  let redis: Redis;

  beforeAll(async () => {
    db = await createPostgresDatabase();
    redis = new Redis(redisUrl);
    server = await startTessera(db, { REDIS_URL: redisUrl });
  });

  afterAll(async () => {
    await server?.stop();
    if (redis) {
      const keys = await redis.keys('tessera:*:fail:*');
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
    await db?.drop();
  });

  it('keeps its failure counters in the database REDIS_URL names, under its deployment\'s namespace', async () => {
    const clientId = `tci_${'7'.repeat(22)}`;
    expect((await request(`${server.url}/System/UserAccount`, { json: { clientId, clientSecret: 'wrong' } })).status).toBe(401);
    const namespace = redisNamespace(Buffer.from(server.env.TESSERA_PEPPER!, 'utf8'));
    expect(await redis.keys('tessera:*:fail:*')).toContain(`tessera:${namespace}:fail:ip:127.0.0.1`);
    expect(JSON.stringify(await redis.keys('*'))).not.toContain(server.env.TESSERA_PEPPER!);
  });

  it('shares neither failure counts nor blocks with another deployment on the same Redis', async () => {
    const other = await startTessera(await createPostgresDatabase(), { REDIS_URL: redisUrl, TESSERA_THROTTLE_PER_ADDRESS: '2' });
    try {
      const wrong = { clientId: `tci_${'8'.repeat(22)}`, clientSecret: 'wrong' };
      // Enough failures here to block the address twice over at the other deployment's limit.
      for (let i = 0; i < 5; i++) expect((await request(`${server.url}/System/UserAccount`, { json: wrong })).status).toBe(401);
      // Its own first and second failures: within its limit of 2, so neither is refused with 429.
      for (let i = 0; i < 2; i++) expect((await request(`${other.url}/System/UserAccount`, { json: wrong })).status).toBe(401);
    } finally {
      await other.stop();
    }
  });
});
