import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fc from 'fast-check';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config/env';
import { createLogger } from '../src/config/logger';
import { createApp } from '../src/server';
import type { Store } from '@tessera/store';
import { TARGETS, openStore, type TestDatabase } from './support/databases';
import { basic, request, type JsonResponse } from './support/http';
import { environmentFor, freePort } from './support/tessera-process';
import { bootstrap, createClient, tokenFor, type Bootstrap } from './support/world';

/**
 * HTTP fuzzing of every route of the OpenAPI document: bad bodies, paths, query strings and
 * credentials must get a 4xx in the JSON error shape (RFC 6749's on /oauth/*), never a 5xx, a
 * stack trace or an HTML page, and a refused request must change nothing in the database.
 * The seed is fixed; FUZZ_SEED and FUZZ_RUNS (runs per route) explore further by hand.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20_260_301);
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 80);
const API = 'fuzz-api';

interface Operation {
  readonly method: string;
  /** The OpenAPI path template, e.g. `/apis/{api}/service-accounts/{id}`. */
  readonly path: string;
  readonly params: readonly string[];
  readonly query: readonly { name: string; schema: Schema }[];
  readonly bodyType: string | null;
  readonly body: Schema | null;
}

interface Schema {
  readonly type?: string | string[];
  readonly properties?: Record<string, Schema>;
  readonly required?: string[];
  readonly items?: Schema;
  readonly enum?: unknown[];
  readonly const?: unknown;
  readonly anyOf?: Schema[];
  readonly oneOf?: Schema[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly maxItems?: number;
  readonly format?: string;
  readonly pattern?: string;
}

/** A request body and its content type; neither, for none. */
interface Body {
  readonly body?: string;
  readonly type?: string;
}

interface FuzzRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

describe.each(TARGETS)('HTTP fuzzing of every documented route on $name (in process)', (database) => {
  let db: TestDatabase;
  /** The fuzzer's own connection to the database, for fingerprints. */
  let observer: Store;
  let app: NestFastifyApplication;
  let url: string;
  let admin: Bootstrap;
  let adminToken: string;
  /** The account that paths name and whose credentials and token the OAuth forms carry: it may get disabled, revoked, deleted. */
  let target: Awaited<ReturnType<typeof createClient>>;
  let targetToken: string;
  /** A token for the collections (products:read, products:write) of an account the fuzzer never names. */
  let readerToken: string;
  let channelId: string;
  let operations: Operation[];
  /** Log lines of the application at level error or above. */
  const errors: string[] = [];

  beforeAll(async () => {
    db = await database.create();
    const port = await freePort();
    const env = environmentFor(db, {
      PORT: String(port),
      HOST: '127.0.0.1',
      TESSERA_ISSUER: `http://127.0.0.1:${port}`,
      LOG_LEVEL: 'warn',
      // PostgreSQL's schema too is made at start (SQLite's always is).
      TESSERA_MIGRATE_ON_START: 'true',
      // Garbage credentials by the thousand must not lock the fuzzer out with 429s.
      TESSERA_THROTTLE_PER_CLIENT: '1000000',
      TESSERA_THROTTLE_PER_ADDRESS: '1000000',
      // Nothing changes the database behind the fuzzer's back (reminder scans).
      TESSERA_SCAN_INTERVAL_SECONDS: '86400',
    });
    const config = loadConfig(env);
    const logs = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (/"level":[56]0\b/.test(line)) errors.push(line);
        done();
      },
    });
    app = await createApp(config, createLogger(config, logs));
    await app.listen({ port, host: '127.0.0.1' });
    url = `http://127.0.0.1:${port}`;
    const server = { url, env, cwd: db.dir };
    admin = await bootstrap(server, API);
    adminToken = await tokenFor(server, admin.clientId, admin.clientSecret);
    target = await createClient(server, adminToken, API, ['products:read', 'products:write'], 'target');
    targetToken = await tokenFor(server, target.clientId, target.clientSecret);
    const reader = await createClient(server, adminToken, API, ['products:read', 'products:write'], 'reader');
    readerToken = await tokenFor(server, reader.clientId, reader.clientSecret);
    // A public address: private ones are refused, and a host name would need DNS.
    const channel = await request(`${url}/apis/${API}/alert-channels`, { token: adminToken, json: { kind: 'webhook', url: 'https://93.184.215.14/hook' } });
    expect(channel.status, channel.text).toBe(201);
    channelId = channel.body.id;
    operations = operationsOf((await request(`${url}/docs`)).body);
    observer = await openStore(db);
  });

  afterAll(async () => {
    await observer?.close();
    await app?.close();
    await db?.drop();
  });

  /** What a refused request must leave as it was; authentication events and last-used times are written in batches and excluded. */
  async function fingerprint(): Promise<unknown> {
    // One connection for the whole run: opening one per query would take longer than the requests.
    const run = (text: string) => observer.orm.em.fork().getConnection().execute<Record<string, unknown>[]>(text);
    const [row] = await run(
      `select
        (select count(*) from api) as apis, (select max(updated_at) from api) as api_changed,
        (select count(*) from service_account) as accounts, (select max(updated_at) from service_account) as account_changed,
        (select count(*) from secret) as secrets, (select max(updated_at) from secret) as secret_changed,
        (select count(*) from document) as documents,
        (select count(*) from revocation) as revocations,
        (select count(*) from event where type not in ('authentication.failed', 'token.issued')) as events`,
    );
    const channels = await run('select id, encrypted_secret from alert_channel order by id');
    // Counts come back as numbers from SQLite and as text from PostgreSQL: compared as text.
    return { ...Object.fromEntries(Object.entries(row!).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : String(value)])), channels };
  }

  // ---- generators --------------------------------------------------------------------------

  const controlText = fc.string({ unit: fc.constantFrom('\u0000', '\u0001', '\u001f', '\u007f', '\n', '\r', '\t', '\u2028', '\ud800', '\udfff', '\ufeff', '"', '\\', 'é', '𝔘', 'a'), maxLength: 20 });
  const anyText = fc.oneof(
    { arbitrary: fc.string({ maxLength: 30 }), weight: 3 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }), weight: 2 },
    { arbitrary: controlText, weight: 2 },
    { arbitrary: fc.integer({ min: 257, max: 70_000 }).map((n) => 'x'.repeat(n)), weight: 1 },
    { arbitrary: fc.constantFrom('', ' ', 'null', 'true', '0', '-1', '1e309', 'NaN', '__proto__', 'constructor', '../..', '%00', '%zz', 'sa_', 'sec_', 'sa_0000000000000000000000'), weight: 2 },
  );
  const oddNumber = fc.oneof(
    fc.integer(),
    fc.double(),
    fc.constantFrom(0, -0, -1, 1.5, 1e21, -1e21, Number.MAX_SAFE_INTEGER + 2, 1e308, 2 ** 31, 2 ** 53),
  );
  /** Nesting far deeper than any schema or database driver expects (JSON text: no recursion on this side). */
  const nested = (depth: number) => fc.constantFrom(`${'['.repeat(depth)}${']'.repeat(depth)}`, `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
  const deep = fc.integer({ min: 1, max: 10_000 }).chain(nested);
  /** Keys that mean something to JavaScript, to the ORM's query language or to a serializer. */
  const anyKey = fc.oneof(
    fc.string({ maxLength: 8 }),
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', 'toJSON', 'then', '$in', '$ne', '$and', 'id', 'createdAt', ''),
  );
  /** JSON objects whose keys, at any depth, are often such keys. */
  const anyObject = fc.object({ key: anyKey, maxDepth: 3, maxKeys: 4 });
  const anyValue: fc.Arbitrary<unknown> = fc.oneof(
    { arbitrary: anyText, weight: 3 },
    { arbitrary: anyObject, weight: 2 },
    { arbitrary: oddNumber, weight: 2 },
    { arbitrary: fc.constantFrom(null, true, false, [], {}), weight: 2 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 2 },
    { arbitrary: fc.integer({ min: 1, max: 100 }).chain(nested).map((text) => JSON.parse(text) as unknown), weight: 1 },
  );

  /** Values of the fixtures for fields of these names, so that requests get past validation and into the services. */
  function known(name: string | undefined): unknown[] {
    switch (name) {
      case 'clientId':
      case 'client_id':
        return [target.clientId, admin.clientId];
      case 'clientSecret':
      case 'client_secret':
        return [target.clientSecret, `${target.clientSecret.slice(0, -1)}A`, 'tsk_nope'];
      case 'token':
        return [targetToken, adminToken, `${targetToken}x`];
      case 'grant_type':
        return ['client_credentials'];
      case 'scope':
        return ['products:read', 'products:read products:write', 'tessera:admin', ''];
      case 'scopes':
        return [['products:read'], ['tessera:admin'], []];
      case 'accountId':
        return [target.accountId];
      default:
        return [];
    }
  }

  /**
   * Webhook URLs whose host is an address (public, private, in odd notations) or a name under
   * `.invalid` (RFC 6761: never resolves), so that no request waits on DNS.
   */
  const webhookUrl = fc
    .tuple(
      fc.constantFrom('http', 'https', 'HTTP', 'ftp', 'javascript'),
      fc.constantFrom('93.184.215.14', '203.0.113.7', '127.0.0.1', '10.0.0.1', '169.254.169.254', '0x7f.1', '2130706433', '[::1]', '[::ffff:7f00:1]', '[2606:4700::1111]', '[fe80::1%25eth0]', 'localhost', 'hooks.example.invalid', 'user:pw@93.184.215.14', '%30x7f.1', '256.1.1.1'),
      fc.constantFrom('', ':0', ':443', ':65535', ':65536', ':00080', ':'),
      fc.string({ maxLength: 20 }).map((path) => `/${encodeURI(path)}`),
    )
    .map(([scheme, host, port, path]) => `${scheme}://${host}${port}${path}`);

  /** A value that fits a schema (and the fixtures, for fields of known names). */
  function valid(schema: Schema, name?: string): fc.Arbitrary<unknown> {
    const own = known(name);
    const base = validBySchema(schema);
    return own.length > 0 ? fc.oneof({ arbitrary: fc.constantFrom(...own), weight: 2 }, { arbitrary: base, weight: 1 }) : base;
  }

  function validBySchema(schema: Schema): fc.Arbitrary<unknown> {
    if (schema.const !== undefined) return fc.constant(schema.const);
    if (schema.enum) return fc.constantFrom(...schema.enum);
    const options = schema.anyOf ?? schema.oneOf;
    if (options) return fc.oneof(...options.map((option) => valid(option)));
    switch (Array.isArray(schema.type) ? schema.type[0] : schema.type) {
      case 'null':
        return fc.constant(null);
      case 'boolean':
        return fc.boolean();
      case 'integer':
      case 'number':
        return fc.integer({ min: schema.minimum ?? -1_000, max: schema.maximum ?? 1_000 });
      case 'array':
        return fc.array(schema.items ? valid(schema.items) : anyValue, { maxLength: Math.min(schema.maxItems ?? 5, 5) });
      case 'object':
        return validObject(schema);
      case 'string':
        if (schema.format === 'date-time') {
          return fc.oneof(
            fc.date({ min: new Date('0000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString()),
            // An hour ago, or from an hour on: a rotation never schedules a disable that falls
            // due while the fuzzer runs (it would change the database between two requests).
            fc.oneof(fc.integer({ min: -3_600, max: -1 }), fc.integer({ min: 3_600, max: 3 * 365 * 86_400 })).map((s) => new Date(Date.now() + s * 1000).toISOString()),
            fc.constantFrom('9999-12-31T23:59:59-23:59', '0000-01-01T00:00:00+23:59', '2030-01-01T00:00:00.123456789Z', '2030-01-01T00:00:00+05:30'),
          );
        }
        if (schema.format === 'uri') return webhookUrl;
        if (schema.format === 'email') return fc.oneof(fc.emailAddress(), fc.constantFrom('ops@example.com', 'a@b.io'));
        if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern)).filter((text) => text.length <= (schema.maxLength ?? Infinity));
        return fc.string({ minLength: schema.minLength ?? 0, maxLength: Math.min(schema.maxLength ?? 40, 200) });
      default:
        return anyValue;
    }
  }

  /** A value that breaks a schema: the wrong type, a bound off by one, an odd string. */
  function broken(schema: Schema): fc.Arbitrary<unknown> {
    const options: fc.Arbitrary<unknown>[] = [anyValue];
    const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
    if (type === 'integer' || type === 'number') {
      const min = schema.minimum ?? 0;
      const max = schema.maximum ?? 0;
      options.push(fc.constantFrom(min - 1, max + 1, min + 0.5, String(min), -0, 1e300, -1e300));
    }
    if (type === 'string') {
      options.push(fc.constantFrom('x'.repeat((schema.maxLength ?? 256) + 1), ' '.repeat(Math.max(1, schema.minLength ?? 1)), '\u0000'.repeat(2)), controlText);
    }
    if (type === 'array' && schema.items) options.push(fc.array(broken(schema.items), { minLength: 1, maxLength: 3 }), fc.constant(Array(1 + (schema.maxItems ?? 100)).fill(0)));
    return fc.oneof(...options);
  }

  /** Builds an object of a schema's fields (in order; undefined: left out) and extra fields. */
  function build(fields: [string, Schema][], values: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
    const body: Record<string, unknown> = {};
    fields.forEach(([name], index) => {
      if (values[index] !== undefined) body[name] = values[index];
    });
    for (const [key, value] of Object.entries(extra)) Object.defineProperty(body, key, { value, enumerable: true, writable: true, configurable: true });
    return body;
  }

  /** An object that fits a schema: its required fields and some optional ones, all valid; a free-form object has any keys. */
  function validObject(schema: Schema): fc.Arbitrary<Record<string, unknown>> {
    const fields = Object.entries(schema.properties ?? {});
    if (fields.length === 0) return anyObject;
    const required = new Set(schema.required ?? []);
    return fc
      .tuple(...fields.map(([name, field]) => (required.has(name) ? valid(field, name) : fc.option(valid(field, name), { freq: 2, nil: undefined }))))
      .map((values) => build(fields, values));
  }

  /**
   * A value of a schema's shape that may not fit it: an object with one field broken, or with any
   * fields valid, broken or missing and extra fields (`__proto__` among them); a value valid or broken.
   */
  function mutated(schema: Schema): fc.Arbitrary<unknown> {
    const options = schema.anyOf ?? schema.oneOf;
    if (options) return fc.oneof(...options.map(mutated));
    if (schema.type !== 'object') return fc.oneof(valid(schema), broken(schema));
    const fields = Object.entries(schema.properties ?? {});
    const extraFields = fc.dictionary(fc.oneof(anyKey, fc.constantFrom('api', 'status')), anyValue, { minKeys: 1, maxKeys: 3 });
    const variants: fc.Arbitrary<unknown>[] = [validObject(schema), fc.tuple(validObject(schema), extraFields).map(([body, extra]) => build([], [], { ...body, ...extra }))];
    if (fields.length > 0) {
      variants.push(
        fc.tuple(validObject(schema), fc.nat({ max: fields.length - 1 })).chain(([body, index]) => {
          const [name, field] = fields[index]!;
          return fc.option(broken(field), { freq: 4, nil: undefined }).map((value) => {
            const { [name]: _dropped, ...rest } = body;
            return value === undefined ? rest : { ...rest, [name]: value };
          });
        }),
        fc
          .tuple(fc.tuple(...fields.map(([name, field]) => fc.option(fc.oneof(valid(field, name), broken(field)), { nil: undefined }))), fc.option(extraFields, { nil: undefined }))
          .map(([values, extra]) => build(fields, values, extra)),
      );
    }
    return fc.oneof(...variants);
  }

  /** A JSON request body (text, content type), mostly of the route's shape. */
  function jsonBody(schema: Schema | null, validOnly = false): fc.Arbitrary<Body> {
    const json = (value: unknown) => ({ body: JSON.stringify(value), type: 'application/json' });
    if (validOnly) return (schema ? valid(schema) : fc.constant({})).map(json);
    return fc.oneof(
      { arbitrary: (schema ? mutated(schema) : anyValue).map(json), weight: 8 },
      { arbitrary: anyValue.map(json), weight: 2 },
      { arbitrary: fc.constantFrom(null, [], [{}], 'text', 0).map(json), weight: 1 },
      { arbitrary: fc.integer({ min: 50, max: 5_000 }).map((n) => json(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])))), weight: 1 },
      {
        arbitrary: fc
          .tuple(fc.constantFrom(...Object.keys(schema?.properties ?? { a: {} })), deep)
          .chain(([field, value]) => fc.constantFrom(value, `{${JSON.stringify(field)}:${value}}`))
          .map((body) => ({ body, type: 'application/json' })),
        weight: 1,
      },
      {
        arbitrary: fc.constantFrom('', '{', '{"a":', 'nul', '\u0000', '{"a":1}x', "{'a':1}", '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '\ufeff{}', '{"a":1,"a":2}', '[1,]').map((body) => ({ body, type: 'application/json' })),
        weight: 2,
      },
      { arbitrary: fc.integer({ min: 64 * 1024, max: 80 * 1024 }).map((n) => ({ body: JSON.stringify({ name: 'x'.repeat(n) }), type: 'application/json' })), weight: 1 },
      {
        arbitrary: fc.tuple(
          fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data; boundary=x', 'application/x-www-form-urlencoded', 'application/json; charset=latin1', 'application/json; charset=utf-16', 'APPLICATION/JSON', 'application/vnd.api+json', 'application/jsonx', ';', 'application/json;;'),
          fc.constantFrom('{}', '{"name":"x"}', 'a=b', '<x/>', ''),
        ).map(([type, body]) => ({ body, type })),
        weight: 2,
      },
      { arbitrary: fc.constant({}), weight: 1 },
    );
  }

  /** A form body for the OAuth endpoints: the route's fields (and client_secret_post's) valid or broken, or any fields. */
  function formBody(schema: Schema | null, validOnly = false): fc.Arbitrary<Body> {
    const text = { type: 'string' } as const;
    const fields: Schema = { type: 'object', properties: { client_id: text, client_secret: text, ...schema?.properties }, required: schema?.required ?? [] };
    const encode = (body: Record<string, unknown>) => {
      const form = new URLSearchParams();
      for (const [name, value] of Object.entries(body)) {
        // An array is a repeated field.
        for (const item of Array.isArray(value) && value.length > 0 ? value : [value]) form.append(name, asText(item));
      }
      return form.toString();
    };
    const pairs = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...Object.keys(fields.properties!)), fc.string({ maxLength: 8 })), anyText), { maxLength: 6 });
    const form = (arbitrary: fc.Arbitrary<string>) => arbitrary.map((body) => ({ body, type: 'application/x-www-form-urlencoded' }));
    if (validOnly) return form(validObject(fields).map(encode));
    return fc.oneof(
      { arbitrary: form(mutated(fields).map((body) => encode(body as Record<string, unknown>))), weight: 6 },
      { arbitrary: form(pairs.map((list) => new URLSearchParams(list).toString())), weight: 2 },
      { arbitrary: form(fc.constantFrom('%zz=1', 'grant_type=%FF', 'a=%E0%A4%A', '&&&=', '=', 'grant_type', `token=${'x'.repeat(70_000)}`, 'grant_type=client_credentials&grant_type=client_credentials')), weight: 2 },
      { arbitrary: jsonBody(schema), weight: 2 },
    );
  }

  /** A path segment that names nothing, or that the router cannot read. */
  const garbageSegment = fc.oneof(
    { arbitrary: fc.string({ minLength: 1, maxLength: 30 }).map(encodeURIComponent), weight: 3 },
    { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }).map(encodeURIComponent), weight: 2 },
    { arbitrary: fc.integer({ min: 100, max: 2_000 }).map((n) => 'a'.repeat(n)), weight: 1 },
    {
      arbitrary: fc.constantFrom('%', '%zz', '%FF', '%C0%AF', '%E0%A4%A', '%00', '%2F', '%2e%2e', '..', '.', '%20', '+', 'sa_0000000000000000000000', 'sec_0000000000000000000000', 'ch_x', 'other-api', 'Fuzz-API', '-', 'a--b', '%F0%9D%94%98', ';', '@', ':'),
      weight: 3,
    },
  );

  /** The fixtures' value of a path parameter. */
  function validSegment(param: string): string {
    const valid: Record<string, string> = { api: API, id: target.accountId, secretId: target.secretId, channelId, collection: 'products' };
    return valid[param] ?? 'x';
  }

  function segment(param: string): fc.Arbitrary<string> {
    return fc.oneof({ arbitrary: fc.constant(validSegment(param)), weight: 1 }, { arbitrary: garbageSegment, weight: 2 });
  }

  /** A query string of the operation's own parameters, each valid. */
  function validQuery(operation: Operation): fc.Arbitrary<string> {
    if (operation.query.length === 0) return fc.constant('');
    const pair = fc.oneof(...operation.query.map((q) => valid(q.schema, q.name).map((value) => [q.name, asText(value)] as [string, string])));
    return fc.uniqueArray(pair, { maxLength: 3, selector: ([name]) => name }).map((pairs) => (pairs.length ? `?${new URLSearchParams(pairs).toString()}` : ''));
  }

  function queryString(operation: Operation): fc.Arbitrary<string> {
    const names = [...operation.query.map((q) => q.name), 'access_token', 'x', 'limit'];
    const value = fc.oneof(
      ...operation.query.map((q) => fc.oneof(valid(q.schema, q.name), broken(q.schema)).map(asText)),
      anyText,
      fc.constantFrom('', '0', '-1', '1e2', '0x10', 'Infinity', '101', '1.5', ' 1', 'sa_' + 'a'.repeat(22), 'evt_' + 'A'.repeat(22), 'enabled', 'account.created'),
    );
    const pair = fc.tuple(fc.oneof({ arbitrary: fc.constantFrom(...new Set(names)), weight: 4 }, { arbitrary: fc.constantFrom('limit[]', 'limit[a]', '__proto__', 'status[0]'), weight: 1 }), value);
    return fc.oneof(
      { arbitrary: fc.array(pair, { minLength: 1, maxLength: 5 }).map((pairs) => `?${new URLSearchParams(pairs).toString()}`), weight: 6 },
      { arbitrary: fc.constantFrom('?limit=1&limit=2', '?%zz', '?limit=%FF', '?&&', '?=', '?cursor=%00', '?q=%E0%A4%A', `?q=${'a'.repeat(5_000)}`), weight: 2 },
    );
  }

  const garbageBase64 = fc.oneof(fc.string({ maxLength: 30 }).map((s) => Buffer.from(s).toString('base64')), fc.constantFrom('', '=', '!!!', 'YQ', 'YTo=', 'Og==', 'OmI=', 'YTpi===', '%3A'));
  /** No credentials, garbage, a bearer token spoilt, Basic with bad base64 or bad credentials. */
  function badAuthorization(): fc.Arbitrary<string | undefined> {
    const printable = fc.string({ unit: fc.constantFrom(...'abcXYZ019-._~+/=: "\'é\u00ff\t'), maxLength: 60 });
    return fc.oneof(
      fc.constant(undefined),
      printable,
      printable.map((t) => `Bearer ${t}`),
      fc.constantFrom('Bearer', 'Bearer ', 'bearer', 'Basic', 'Negotiate x', `Bearer ${adminToken}x`, `Bearer ${adminToken.slice(0, -2)}`, `Bearer  ${adminToken}`, `Bearer ${adminToken} x`, `bearer ${adminToken}`, 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'),
      garbageBase64.map((b) => `Basic ${b}`),
      fc.constantFrom(basic('nobody', 'tsk_nope'), basic(target.clientId, 'tsk_wrong'), basic(target.clientId, ''), basic('', target.clientSecret), `Basic ${Buffer.from(`${target.clientId}:%zz`).toString('base64')}`),
    );
  }

  /**
   * A request to the operation: valid but for one part of it (its body, path, query string,
   * credentials or method), or bad all over. One bad part at a time gets past the checks of the
   * others, into the services and the database.
   */
  function requestFor(operation: Operation): fc.Arbitrary<FuzzRequest> {
    const form = operation.bodyType === 'application/x-www-form-urlencoded';
    const hasBody = operation.bodyType !== null || operation.method === 'DELETE';
    const oauth = operation.path.startsWith('/oauth/');
    const parts = {
      method: { good: fc.constant(operation.method), bad: fc.constantFrom('PUT', 'OPTIONS', 'PROPFIND', 'PATCH', 'DELETE', 'POST', 'GET') },
      segments: { good: fc.constant(operation.params.map(validSegment)), bad: fc.tuple(...operation.params.map(segment)) },
      query: { good: validQuery(operation), bad: queryString(operation) },
      authorization: {
        good: oauth ? fc.constantFrom(basic(target.clientId, target.clientSecret), undefined) : fc.constant(`Bearer ${operation.path.startsWith('/apis/') ? adminToken : readerToken}`),
        bad: badAuthorization(),
      },
      body: {
        good: form ? formBody(operation.body, true) : operation.bodyType !== null ? jsonBody(operation.body, true) : fc.constant<Body>({}),
        bad: form ? formBody(operation.body) : hasBody ? jsonBody(operation.body) : fc.constant<Body>({}),
      },
    };
    type Part = keyof typeof parts;
    const focus = fc.oneof(
      { arbitrary: fc.constant<Part[]>(['body']), weight: hasBody ? 4 : 0 },
      { arbitrary: fc.constant<Part[]>(['segments']), weight: operation.params.length > 0 ? 2 : 0 },
      { arbitrary: fc.constant<Part[]>(['query']), weight: 2 },
      { arbitrary: fc.constant<Part[]>(['authorization']), weight: 2 },
      { arbitrary: fc.constant<Part[]>(['method']), weight: 1 },
      { arbitrary: fc.constant<Part[]>(['body', 'segments', 'query', 'authorization']), weight: 2 },
    );
    return focus
      .chain((bad) =>
        fc.record({
          method: parts.method[bad.includes('method') ? 'bad' : 'good'],
          segments: parts.segments[bad.includes('segments') ? 'bad' : 'good'],
          query: parts.query[bad.includes('query') ? 'bad' : 'good'],
          authorization: parts.authorization[bad.includes('authorization') ? 'bad' : 'good'],
          body: parts.body[bad.includes('body') ? 'bad' : 'good'],
        }),
      )
      .map(({ method, segments, query, authorization: auth, body: { body: text, type } }) => {
        let index = 0;
        const path = operation.path.replace(/\{[^}]+\}/g, () => segments[index++]!);
        const headers: Record<string, string> = {};
        if (auth !== undefined) headers.authorization = auth;
        if (type !== undefined) headers['content-type'] = type;
        // fetch sends no body with GET or HEAD.
        const body = text !== undefined && method !== 'GET' && method !== 'HEAD' ? { body: text } : {};
        return { method, url: `${url}${path}${query}`, headers, ...body };
      });
  }

  // ---- the property ------------------------------------------------------------------------

  async function send(input: FuzzRequest): Promise<JsonResponse> {
    return request(input.url, { method: input.method, headers: input.headers, ...(input.body !== undefined ? { body: input.body } : {}) });
  }

  function checkAnswer(operation: Operation, input: FuzzRequest, response: JsonResponse): void {
    const what = `${input.method} ${input.url.slice(url.length, url.length + 300)} → ${response.status} ${response.text.slice(0, 500)}`;
    expect(response.status, what).toBeGreaterThanOrEqual(200);
    expect(response.status, what).toBeLessThan(500);
    expect(response.text, what).not.toMatch(/ {4}at |\.ts:|\.js:/);
    if (response.status < 400 || input.method === 'HEAD') return;
    expect(response.headers.get('content-type'), what).toMatch(/^application\/json/);
    expect(response.body, what).toBeTypeOf('object');
    // RFC 6749 §5.2 on the OAuth endpoints, also for a method they do not take (405); what is
    // refused before any route is known (headers too large for Node's parser) gets Tessera's own shape.
    if (operation.path.startsWith('/oauth/') && (input.method === operation.method || response.status === 405) && response.status !== 431) {
      expect(response.body, what).toEqual({ error: expect.any(String), error_description: expect.any(String) });
    } else {
      expect(response.body, what).toMatchObject({ error: { code: expect.any(String), message: expect.any(String), requestId: response.headers.get('x-request-id') } });
    }
  }

  it('answers every documented route with a 2xx or a 4xx in the JSON error shape, and a 4xx changes nothing', async () => {
    expect(operations.length).toBeGreaterThanOrEqual(30);
    const started = Date.now();
    let requests = 0;
    for (const operation of operations) {
      await fc.assert(
        fc.asyncProperty(requestFor(operation), async (input) => {
          const before = await fingerprint();
          const logged = errors.length;
          const response = await send(input);
          requests++;
          checkAnswer(operation, input, response);
          expect(errors.slice(logged), `${input.method} ${input.url}`).toEqual([]);
          if (response.status >= 400) expect(await fingerprint(), `${input.method} ${input.url} → ${response.status} ${response.text.slice(0, 300)}`).toEqual(before);
        }),
        { seed: SEED, numRuns: RUNS_PER_ROUTE },
      );
      // Still standing after every route.
      expect((await request(`${url}/health/live`)).status, `${operation.method} ${operation.path}`).toBe(200);
    }
    console.info(`fuzz: ${operations.length} operations, ${requests} requests in ${Date.now() - started} ms (seed ${SEED})`);
  }, RUNS_PER_ROUTE * 1_500);
});

/** A value as a query or form field carries it: a string as it is, anything else as JSON. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? '');
}

/** The operations of an OpenAPI document, with their path and query parameters and request body. */
function operationsOf(document: { paths: Record<string, Record<string, { parameters?: { in: string; name: string; schema: Schema }[]; requestBody?: { content: Record<string, { schema: Schema }> } }>> }): Operation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const [bodyType, content] = Object.entries(operation.requestBody?.content ?? {})[0] ?? [null, null];
      return {
        method: method.toUpperCase(),
        path,
        params: (operation.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name),
        query: (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema })),
        bodyType,
        body: content?.schema ?? null,
      };
    }),
  );
}
