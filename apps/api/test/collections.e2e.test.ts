import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, TARGETS, type TestDatabase } from './support/databases';
import { request, type JsonResponse } from './support/http';
import { startTessera, type TesseraProcess } from './support/tessera-process';
import { bootstrap, createClient, tokenFor } from './support/world';

/** A document whose arrays and objects nest `depth` levels deep, the document itself being level 1. */
function nestedArrays(depth: number): string {
  return `{"a":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
}
function nestedObjects(depth: number): string {
  return `${'{"a":'.repeat(depth - 1)}{}${'}'.repeat(depth - 1)}`;
}

describe.each(TARGETS)('the demo collections on $name', (target) => {
  let db: TestDatabase;
  let server: TesseraProcess;
  /** Bearer tokens of `my-api` by what they may do, and one of another API. */
  const tokens: Record<'reader' | 'writer' | 'editor' | 'otherApi', string> = { reader: '', writer: '', editor: '', otherApi: '' };

  beforeAll(async () => {
    db = await target.create();
    server = await startTessera(db);
    const admin = await bootstrap(server, 'my-api');
    const adminToken = await tokenFor(server, admin.clientId, admin.clientSecret);
    const scopes = { reader: ['products:read'], writer: ['products:write'], editor: ['products:read', 'products:write', 'nested:read', 'nested:write'] };
    for (const [role, granted] of Object.entries(scopes) as [keyof typeof scopes, string[]][]) {
      const client = await createClient(server, adminToken, 'my-api', granted, role);
      tokens[role] = await tokenFor(server, client.clientId, client.clientSecret);
    }
    const other = await bootstrap(server, 'other-api');
    tokens.otherApi = await tokenFor(server, other.clientId, other.clientSecret);
  });

  afterAll(async () => {
    await server?.stop();
    await db?.drop();
  });

  describe('collection names', () => {
    // Not Latin-1, quotes and a comma that would add a parameter to WWW-Authenticate, upper case,
    // a space, a bidirectional override, one character too many.
    const invalid = ['%C4%81', 'a%22%2C%20error%3D%22x', 'a%22%2C%20error%3D%22x%22%2C%20x%3D%22', 'Products', 'a%20b', '%E2%80%AE', 'a'.repeat(64)];

    function expectInvalidName(response: JsonResponse, what: string): void {
      expect(response.status, `${what}: ${response.text}`).toBe(400);
      expect(response.headers.get('www-authenticate'), what).toBeNull();
      if (response.text === '') return; // HEAD
      expect(response.body, what).toEqual({
        error: {
          code: 'REQUEST.VALIDATION_FAILED',
          message: expect.stringContaining('collection'),
          requestId: expect.any(String),
          issues: [{ path: 'collection', message: expect.stringContaining('collection') }],
        },
      });
    }

    it('answers an invalid name with 400 naming the collection, whatever the token, before asking for one', async () => {
      for (const name of invalid) {
        for (const [who, token] of [...Object.entries(tokens), ['no token', undefined]] as [string, string | undefined][]) {
          for (const method of ['GET', 'HEAD', 'POST']) {
            const response = await request(`${server.url}/my-api/${name}`, { method, ...(token ? { token } : {}), ...(method === 'POST' ? { json: { name: 'x' } } : {}) });
            expectInvalidName(response, `${method} /my-api/${name} with ${who}`);
          }
        }
      }
      expect(server.logs()).not.toMatch(/"level":50/);
    });

    it('still asks for a token, and for the scope, on a valid name', async () => {
      const none = await request(`${server.url}/my-api/products`);
      expect(none.status).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="tessera"');
      const otherApi = await request(`${server.url}/my-api/products`, { token: tokens.otherApi });
      expect(otherApi.status).toBe(401);
      expect(otherApi.body.error.code).toBe('AUTH.INVALID_TOKEN');
      const reader = await request(`${server.url}/my-api/products`, { token: tokens.reader, json: { name: 'x' } });
      expect(reader.status).toBe(403);
      expect(reader.headers.get('www-authenticate')).toBe(
        'Bearer realm="tessera", error="insufficient_scope", error_description="The access token lacks the scope products:write.", scope="products:write"',
      );
    });
  });

  describe('HEAD', () => {
    it('needs <collection>:read, like GET', async () => {
      const reader = await request(`${server.url}/my-api/products`, { method: 'HEAD', token: tokens.reader });
      expect(reader.status).toBe(200);
      expect(reader.text).toBe('');
      const writer = await request(`${server.url}/my-api/products`, { method: 'HEAD', token: tokens.writer });
      expect(writer.status).toBe(403);
      expect(writer.headers.get('www-authenticate')).toBe(
        'Bearer realm="tessera", error="insufficient_scope", error_description="The access token lacks the scope products:read.", scope="products:read"',
      );
      expect((await request(`${server.url}/my-api/products`, { token: tokens.writer })).status).toBe(403);
    });
  });

  describe('document nesting', () => {
    const stored = async () => Number((await sql<{ n: number | string }>(db, "select count(*) as n from document where api = 'my-api' and collection = 'nested'"))[0]!.n);
    const post = (body: string) => request(`${server.url}/my-api/nested`, { token: tokens.editor, body, headers: { 'content-type': 'application/json' } });

    it('stores a document nested 32 levels deep', async () => {
      for (const body of [nestedArrays(32), nestedObjects(32)]) {
        const added = await post(body);
        expect(added.status, added.text).toBe(201);
      }
      expect(await stored()).toBe(2);
    });

    it('refuses deeper documents with 400 naming the limit, stores nothing, and stays up', async () => {
      const before = await stored();
      // Depths at which the database driver (3,000) and JSON.stringify (30,000, just under the
      // 64 KiB body limit) ran out of call stack; then one level too many.
      for (const body of [nestedArrays(3_001), nestedObjects(3_001), nestedArrays(30_001), nestedArrays(33), nestedObjects(33), `{"a":1,"b":${nestedArrays(40)}}`]) {
        const refused = await post(body);
        expect(refused.status, `${body.length} bytes: ${refused.text}`).toBe(400);
        expect(refused.body).toEqual({ error: { code: 'REQUEST.VALIDATION_FAILED', message: expect.stringContaining('32 levels'), requestId: expect.any(String), issues: [{ path: '', message: expect.stringContaining('32 levels') }] } });
      }
      expect(await stored()).toBe(before);
      expect((await request(`${server.url}/my-api/nested`, { token: tokens.editor })).body.items).toHaveLength(before);
      expect(server.logs()).not.toMatch(/"level":50/);
    });

    it('refuses text no database can store (NUL, half a surrogate pair) with 400 on every database, and keeps the same text written out', async () => {
      const before = await stored();
      for (const body of ['{"a":"x\\u0000"}', '{"a":"\\ud800"}', '{"b":["ok","\\udfff"]}', '{"\\udbff":1}']) {
        const refused = await post(body);
        expect(refused.status, `${body}: ${refused.text}`).toBe(400);
        expect(refused.body.error.message).toContain('surrogate');
      }
      expect(await stored()).toBe(before);
      // A backslash and "u0000" as text, and a whole surrogate pair, are ordinary text.
      for (const body of ['{"a":"\\\\u0000 and \\\\ud800"}', '{"a":"\\ud83d\\ude00"}']) {
        const added = await post(body);
        expect(added.status, added.text).toBe(201);
      }
      expect(await stored()).toBe(before + 2);
      expect(server.logs()).not.toMatch(/"level":50/);
    });

    it('stores and lists documents with a "constructor" key at any level, like any other key', async () => {
      const bodies: Record<string, unknown>[] = [{ constructor: 1 }, { a: { constructor: 'x' } }, { constructor: { name: 'y' } }, { list: [{ constructor: null }, { constructor: [] }] }];
      for (const body of bodies) {
        const added = await post(JSON.stringify(body));
        expect(added.status, `${JSON.stringify(body)}: ${added.text}`).toBe(201);
        expect(added.body).toMatchObject(body);
      }
      const listed = (await request(`${server.url}/my-api/nested`, { token: tokens.editor })).body.items as Record<string, unknown>[];
      expect(listed.slice(-bodies.length).map(({ id: _id, createdAt: _createdAt, ...body }) => body)).toEqual(bodies);
      expect(server.logs()).not.toMatch(/"level":50/);
    });

    it('documents the limit in the OpenAPI description of the request body', async () => {
      const docs = await request(`${server.url}/docs`);
      const body = docs.body.paths['/{api}/{collection}'].post.requestBody.content['application/json'].schema;
      expect(body.description).toContain('32 levels');
    });
  });
});
