import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import type { Config } from './env';

/**
 * Paths redacted from every log line: credentials in headers and bodies, tokens, and anything
 * named like a secret, at the top level or one level deep.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.authorization',
  'authorization',
  'clientSecret',
  'client_secret',
  'token',
  'access_token',
  'password',
  'pepper',
  '*.clientSecret',
  '*.client_secret',
  '*.token',
  '*.access_token',
  '*.password',
  '*.pepper',
];

/** The process's structured logger (pino), with redaction and a URL serializer that drops tokens. */
export function createLogger(config: Pick<Config, 'logLevel'>, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level: config.logLevel,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: {
        req: (request: { method?: string; url?: string; ip?: string; id?: unknown }) => ({
          id: request.id,
          method: request.method,
          url: redactUrl(request.url ?? ''),
          ip: request.ip,
        }),
      },
    },
    destination ?? pino.destination({ fd: 1, sync: false }),
  );
}

/** A query parameter whose name says it carries a credential (`secret`, `clientSecret`, `api_key`, `pwd`…). */
const CREDENTIAL_PARAMETER = /([?&][^=&#]*(?:token|secret|passw|pwd|key|auth|credential|signature)[^=&#]*=)[^&#]*/gi;
/**
 * A credential recognisable by its form wherever it is in the URL, path included: a Tessera client
 * secret (`tsk_`), a webhook signing secret (`whsec_`), a JWT (three base64url parts, the first a
 * JSON object). Percent-escapes are matched too, as a client may have encoded any character.
 */
const CREDENTIAL_SHAPED = /(?:tsk|whsec)_[0-9A-Za-z_-]{8,}|eyJ[0-9A-Za-z_-]{2,}(?:\.|%2e)[0-9A-Za-z_-]+(?:(?:\.|%2e)[0-9A-Za-z_-]*)?/gi;

/**
 * Removes credentials that a client might put in a URL anyway: the values of query parameters
 * named like one, and anything shaped like a secret or a token, wherever it is.
 */
export function redactUrl(url: string): string {
  return url.replace(CREDENTIAL_PARAMETER, '$1[redacted]').replace(CREDENTIAL_SHAPED, '[redacted]');
}

/**
 * The context of Nest's log line for an error that stops it (its ExceptionsZone), written just
 * before Nest aborts the process or, with `abortOnError: false`, throws the error on.
 */
const NEST_EXCEPTION_HANDLER = 'ExceptionHandler';

/**
 * Routes Nest's own log calls into pino; built only by {@link nestLogging}, since it leaves out
 * Nest's ExceptionHandler line, which is only right while Nest rethrows what it logs there.
 */
class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }
  error(message: unknown, ...rest: unknown[]): void {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    if (context === NEST_EXCEPTION_HANDLER) return;
    this.write('error', message, context);
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }
  fatal(message: unknown, context?: string): void {
    this.write('fatal', message, context);
  }

  private write(level: pino.Level, message: unknown, context?: string): void {
    if (message instanceof Error) {
      // Nest hands over errors themselves: their message is the line.
      this.logger[level]({ context, code: (message as NodeJS.ErrnoException).code }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      const { msg, ...fields } = message as Record<string, unknown> & { msg?: string };
      this.logger[level]({ context, ...fields }, msg ?? '');
    } else {
      this.logger[level]({ context }, String(message));
    }
  }
}

/**
 * How every Tessera application (the server, the CLI) has Nest log and fail. Nest's messages go to
 * pino. A failed start is not logged by Nest: with `abortOnError: false` Nest throws the error to
 * the caller, which reports it once in Tessera's words (`tessera: …`, `Tessera could not start: …`);
 * the line Nest's ExceptionHandler writes first would be the same error twice, once in Nest's.
 */
export function nestLogging(logger: Logger): { logger: LoggerService; abortOnError: false } {
  return { logger: new PinoNestLogger(logger), abortOnError: false };
}
