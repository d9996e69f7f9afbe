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

/** Routes Nest's own log calls into pino. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.write('info', message, context);
  }
  error(message: unknown, ...rest: unknown[]): void {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
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
      // Nest hands over errors themselves (e.g. a failed start): their message is the line.
      this.logger[level]({ context, code: (message as NodeJS.ErrnoException).code }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      const { msg, ...fields } = message as Record<string, unknown> & { msg?: string };
      this.logger[level]({ context, ...fields }, msg ?? '');
    } else {
      this.logger[level]({ context }, String(message));
    }
  }
}
