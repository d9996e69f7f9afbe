import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BearerException, OAuthException, ProblemException, noRoute, sendOAuthError, sendProblem } from './http-errors';

const CODE_BY_STATUS: Record<number, string> = {
  400: 'REQUEST.VALIDATION_FAILED',
  401: 'AUTH.INVALID_TOKEN',
  403: 'AUTH.INSUFFICIENT_SCOPE',
  405: 'REQUEST.METHOD_NOT_ALLOWED',
  413: 'REQUEST.BODY_TOO_LARGE',
  415: 'REQUEST.UNSUPPORTED_MEDIA_TYPE',
  429: 'AUTH.THROTTLED',
};

/**
 * Turns every error into a JSON answer: problems and domain failures through the code table,
 * OAuth errors in RFC 6749 shape, bearer failures with their RFC 6750 challenge, framework and
 * body-parsing errors as 4xx. Anything unexpected is logged and answered as a bare 500 — never a
 * stack trace, never an internal message.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const requestId = String(request.id);
    // RFC 6749 error bodies on the OAuth endpoints; a path there that is no endpoint is a plain 404.
    const isOAuth = request.url.startsWith('/oauth/');

    if (exception instanceof OAuthException) {
      sendOAuthError(reply, exception.status, exception.error, exception.description, exception.headers);
      return;
    }
    if (exception instanceof BearerException) {
      reply.header('WWW-Authenticate', exception.challenge);
      const code = exception.error === 'insufficient_scope' ? 'AUTH.INSUFFICIENT_SCOPE' : exception.error === 'invalid_request' ? 'REQUEST.VALIDATION_FAILED' : 'AUTH.INVALID_TOKEN';
      reply.status(exception.status).send({ error: { code, message: exception.description, requestId } });
      return;
    }
    // The framework's 404 is the router's (Nest's not-found handler): no route for this method and
    // path, answered as every such request is (404, or 405 where the path takes other methods).
    const problem = exception instanceof ProblemException ? exception : statusOf(exception) === 404 ? noRoute(request) : null;
    if (problem) {
      sendProblem(request, reply, problem);
      return;
    }

    const status = statusOf(exception);
    if (status === 503 && exception instanceof HttpException) {
      // Health checks (terminus) answer 503 with the state of each dependency.
      reply.status(503).send(exception.getResponse());
      return;
    }
    if (status !== null && status < 500) {
      const message = status === 415 && isOAuth ? 'Unsupported Content-Type; send application/x-www-form-urlencoded.' : publicMessage(exception, status);
      if (isOAuth) {
        sendOAuthError(reply, 400, 'invalid_request', message, {});
        return;
      }
      reply.status(status).send({ error: { code: CODE_BY_STATUS[status] ?? 'REQUEST.VALIDATION_FAILED', message, requestId } });
      return;
    }

    this.logger.error(`Unhandled error in request ${requestId}: ${exception instanceof Error ? (exception.stack ?? exception.message) : String(exception)}`);
    reply.status(500).send({ error: { code: 'INTERNAL.ERROR', message: 'An internal error occurred.', requestId } });
  }
}

function statusOf(exception: unknown): number | null {
  if (exception instanceof HttpException) return exception.getStatus();
  if (typeof exception === 'object' && exception !== null && 'statusCode' in exception) {
    const code = (exception as { statusCode: unknown }).statusCode;
    if (typeof code === 'number' && code >= 400 && code < 600) return code;
  }
  return null;
}

/** Framework and parser messages are safe and useful (e.g. "Unexpected end of JSON input"). */
function publicMessage(exception: unknown, status: number): string {
  if (status === 415) return 'Unsupported Content-Type; send application/json.';
  if (status === 413) return 'The request body is too large.';
  return frameworkMessage(exception).replace(/^Body cannot be empty.*$/, 'The request body is empty.');
}

function frameworkMessage(exception: unknown): string {
  if (exception instanceof HttpException) {
    const response = exception.getResponse();
    if (typeof response === 'object' && response !== null && 'message' in response) {
      const message = (response as { message: unknown }).message;
      return Array.isArray(message) ? message.join('; ') : String(message);
    }
    return exception.message;
  }
  return exception instanceof Error ? exception.message : 'Bad request.';
}
