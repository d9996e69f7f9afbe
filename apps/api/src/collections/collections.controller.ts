import { Body, Controller, Get, HttpCode, Param, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiSlug } from '@tessera/contracts';
import { z } from 'zod';
import { RequireToken } from '../auth/bearer.guard';
import { nestsDeeperThan } from '../common/json-depth';
import { ZodPipe } from '../common/zod-body.pipe';
import { ApiDoc } from '../ops/api-doc.decorator';
import { CollectionsService, MAX_LIST, type CollectionDocument } from './collections.service';

const CollectionParams = z.strictObject({
  api: ApiSlug,
  collection: z.string().regex(/^[a-z][a-z0-9_-]{0,62}$/, 'must be 1-63 lowercase letters, digits, "-" or "_", starting with a letter'),
});
/** Checks the path in the guard, before any token or scope, and again (memoized) for the handler. */
const collectionPath = new ZodPipe(CollectionParams, 'path', true);
const ListQuery = z.strictObject({ limit: z.coerce.number().int().min(1).max(MAX_LIST).default(MAX_LIST) });
const listQuery = new ZodPipe(ListQuery, 'query', true);
const MAX_DOCUMENT_BYTES = 16 * 1024;
/** Deepest nesting of arrays and objects in a document; the document itself is level 1. */
const MAX_DOCUMENT_DEPTH = 32;
/**
 * In JSON.stringify's output, the escape of a NUL character or of a lone surrogate (it writes
 * surrogate pairs as they are): a `\u` preceded by an even number of backslashes, since `\\` is
 * how it writes a backslash of the text itself.
 */
const UNSTORABLE_ESCAPE = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/i;
const DocumentBody = z
  .record(z.string(), z.unknown())
  // First, and the last check when it fails (abort): the checks below, and the database driver,
  // recurse into the document, and a deep one ran them out of call stack (a 500). The record
  // check above only looks at the top-level keys.
  .refine((body) => !nestsDeeperThan(body, MAX_DOCUMENT_DEPTH), {
    message: `must not nest arrays and objects more than ${MAX_DOCUMENT_DEPTH} levels deep`,
    abort: true,
  })
  // The size, and text no database can store, read from one serialization of the document.
  // PostgreSQL's jsonb cannot hold a NUL character or half of a UTF-16 surrogate pair: refuse
  // them on every database alike.
  .superRefine((body, ctx) => {
    const json = JSON.stringify(body);
    if (json.length > MAX_DOCUMENT_BYTES) ctx.addIssue({ code: 'custom', message: `must be at most ${MAX_DOCUMENT_BYTES} bytes of JSON` });
    if (UNSTORABLE_ESCAPE.test(json)) ctx.addIssue({ code: 'custom', message: 'must not contain NUL characters or half of a UTF-16 surrogate pair' });
  })
  .describe(
    `A JSON object of at most ${MAX_DOCUMENT_BYTES / 1024} KiB of JSON, without NUL characters or unpaired surrogates, whose arrays and objects ` +
      `nest at most ${MAX_DOCUMENT_DEPTH} levels deep (the document itself is level 1); a deeper one gets 400 and is not stored.`,
  );
const StoredDocument = z.looseObject({ id: z.string(), createdAt: z.string() });

/**
 * The protected demo API of the product documentation (`GET /my-api/products` with a token).
 * Reading (GET, HEAD) needs `<collection>:read`, writing `<collection>:write`, with a token for
 * that API.
 */
@Controller(':api/:collection')
@RequireToken({
  audienceParam: 'api',
  params: collectionPath,
  // Fastify answers HEAD with the GET handler: it reads like GET.
  scopes: (params, method) => [`${params.collection}:${method === 'GET' || method === 'HEAD' ? 'read' : 'write'}`],
})
export class CollectionsController {
  constructor(private readonly collections: CollectionsService) {}

  @Get()
  @ApiDoc({
    summary: 'List documents (scope <collection>:read)',
    head: 'The headers of the document list, without its body (scope <collection>:read)',
    tag: 'collections',
    auth: 'bearer',
    query: ListQuery,
    responses: { 200: z.object({ items: z.array(StoredDocument) }) },
  })
  async list(@Req() request: FastifyRequest): Promise<{ items: CollectionDocument[] }> {
    // The route's pipes, called here rather than through @Param/@Query: Nest's per-parameter pipe
    // machinery cost ~8,000 instructions (~3%) of every call of this, the hottest protected route
    // (docs/decisions.md). The checks and their 400s are the same.
    const params = collectionPath.transform(request.params);
    const query = listQuery.transform(request.query);
    return { items: await this.collections.list(params.api, params.collection, query.limit) };
  }

  @Post()
  @ApiDoc({ summary: 'Add a document (scope <collection>:write)', tag: 'collections', auth: 'bearer', body: DocumentBody, responses: { 201: StoredDocument } })
  @HttpCode(201)
  async add(
    @Param(collectionPath) params: z.infer<typeof CollectionParams>,
    @Body(new ZodPipe(DocumentBody, 'document')) body: Record<string, unknown>,
  ): Promise<CollectionDocument> {
    return this.collections.add(params.api, params.collection, body);
  }
}
