import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Bindings, ChildLoggerOptions, Logger } from 'pino';
import { Store } from '@tessera/store';
import { randomBytes } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode } from './common/app-error';
import { STATUS_BY_CODE } from './common/error-status';
import { noRoute, sendOAuthError, sendProblem } from './common/http-errors';
import { OpenConnections } from './common/open-connections';
import { AppModule } from './app.module';
import type { Config } from './config/env';
import { createLogger, nestLogging } from './config/logger';

/** Largest request body accepted (JSON and forms); larger ones get 413. */
export const BODY_LIMIT_BYTES = 64 * 1024;

const processTag = randomBytes(4).toString('base64url');
/**
 * A percent-escape of a control character (%00–%1F, %7F) anywhere in the URL. Raw control
 * characters never get past Node's HTTP parser; escapes are checked on the raw URL, whatever the
 * rest of it decodes to, since the router and the query parser decode each part on their own.
 */
const CONTROL_ESCAPE = /%(?:[01][0-9a-f]|7f)/i;

function childLoggerFactory(logger: FastifyBaseLogger, bindings: Bindings, options: ChildLoggerOptions): FastifyBaseLogger {
  return ['trace', 'debug', 'info'].includes(logger.level) ? logger.child(bindings, options) : logger;
}
let requestCounter = 0;
const nextRequestId = () => `req_${processTag}${(requestCounter++).toString(36)}`;

const CLIENT_ERRORS: Readonly<Record<string, readonly [ErrorCode, string]>> = {
  HPE_HEADER_OVERFLOW: ['REQUEST.HEADERS_TOO_LARGE', 'The request headers are too large.'],
  ERR_HTTP_REQUEST_TIMEOUT: ['REQUEST.TIMEOUT', 'The request took too long to arrive.'],
};
const MALFORMED_REQUEST = ['REQUEST.MALFORMED', 'The request is not valid HTTP.'] as const;

/**
 * Answers, in Tessera's error shape, what Node's HTTP parser refused before any route saw it:
 * oversized headers (431), a request that is not HTTP (400), one that took too long to arrive
 * (408). The connection is closed afterwards, as Node does.
 */
function clientErrorHandler(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [code, message] = CLIENT_ERRORS[error.code ?? ''] ?? MALFORMED_REQUEST;
  const status = STATUS_BY_CODE[code];
  const requestId = nextRequestId();
  const body = JSON.stringify({ error: { code, message, requestId } });
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
        `X-Request-Id: ${requestId}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

/**
 * Answers, in Tessera's error shape, what Fastify's router refused before any route or hook ran:
 * a path whose percent-escapes do not decode to UTF-8 (400), and a path segment longer than any
 * identifier could be (Fastify's `maxParamLength`; no such resource, 404).
 */
function frameworkErrors(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const [code, message]: [ErrorCode, string] =
    error.code === 'FST_ERR_BAD_URL'
      ? ['REQUEST.MALFORMED', 'The URL is not valid: a percent-escape in its path does not decode to UTF-8 text.']
      : error.code === 'FST_ERR_MAX_PARAM_LENGTH'
        ? ['RESOURCE.NOT_FOUND', 'Not found: a part of the path is longer than any name or identifier.']
        : ['INTERNAL.ERROR', 'Internal error.'];
  if (code === 'INTERNAL.ERROR') request.log.error({ err: error }, `Routing failed (${request.id})`);
  void reply
    .header('X-Request-Id', request.id)
    .code(STATUS_BY_CODE[code])
    .send({ error: { code, message, requestId: request.id } });
}

/**
 * Builds the HTTP application: Fastify with pino logging and request ids, JSON and form bodies,
 * every module. `listen` is left to the caller.
 */
export async function createApp(config: Config, logger: Logger = createLogger(config)): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    bodyLimit: BODY_LIMIT_BYTES,
    // Unique per process start, then a counter: cheap, and sortable within a process.
    genReqId: nextRequestId,
    requestIdHeader: false,
    return503OnClosing: true,
    // Behind a load balancer, the client's address (throttling, audit) comes from X-Forwarded-For.
    trustProxy: config.trustProxy,
    // Above "info" no request is logged: skip building a child logger per request (measurable on
    // the token hot path); warnings and errors still name the request id in their message.
    childLoggerFactory,
    forceCloseConnections: 'idle',
    clientErrorHandler,
    frameworkErrors,
    // No Nest middleware is used (hooks and guards do that work): skip @fastify/middie and the
    // request hook it would run on every request.
    skipMiddie: true,
  });
  const app = await OpenConnections.closedOnFailure((connections) =>
    NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, connections), adapter, {
      ...nestLogging(logger),
      // Fastify's own JSON parser (with prototype-poisoning protection) and ours for forms below.
      bodyParser: false,
    }),
  );
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    // No identifier, cursor or filter of ours contains a control character; refusing them here
    // keeps them away from every database (PostgreSQL rejects NUL in text) with one rule.
    if (CONTROL_ESCAPE.test(request.url)) {
      const message = 'The URL contains a control character.';
      // The OAuth endpoints answer every error in RFC 6749's shape, as the exception filter does.
      if (request.routeOptions.url?.startsWith('/oauth/')) {
        sendOAuthError(reply, 400, 'invalid_request', message);
        return;
      }
      reply.code(400).send({ error: { code: 'REQUEST.VALIDATION_FAILED', message, requestId: request.id } });
      return;
    }
    // No route for this method and path: answered here, before any body is read, so that a body
    // the route would not have taken (bad JSON, a form) does not turn the 404 or 405 into a 400.
    if (request.is404) {
      sendProblem(request, reply, noRoute(request));
      return;
    }
    done();
  });
  // Every JSON route wants an object: a text/plain body is an unsupported type (415), not a
  // string that fails validation.
  fastify.removeContentTypeParser('text/plain');
  // OAuth endpoints take application/x-www-form-urlencoded (RFC 6749 §4.4.2). A repeated field
  // becomes an array so that the endpoint can refuse it (RFC 6749 §3.2).
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (request, body, done) => {
    // Forms are the OAuth endpoints' format; every other route speaks JSON.
    if (!request.url.startsWith('/oauth/')) {
      done(Object.assign(new Error('Unsupported Content-Type; send application/json.'), { statusCode: 415 }), undefined);
      return;
    }
    const fields: Record<string, string | string[]> = {};
    for (const [name, value] of new URLSearchParams(body as string)) {
      const existing = fields[name];
      fields[name] = existing === undefined ? value : Array.isArray(existing) ? [...existing, value] : [existing, value];
    }
    done(null, fields);
  });
  // The server's audit batches must not stall requests while SQLite copies its log; the CLI's
  // few statements leave that to SQLite.
  await app.get(Store).checkpointInBackground({ onProblem: (message) => logger.warn(message) });
  return app;
}
