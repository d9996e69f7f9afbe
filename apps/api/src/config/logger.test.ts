import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import fc from 'fast-check';
import { generateSecret } from '@tessera/domain';
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, nestLogging, redactUrl } from './logger';

const secret = () => generateSecret((n) => new Uint8Array(randomBytes(n))).plaintext;
const jwt = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ0Y2lfeCJ9.c2lnbmF0dXJl';

describe('redactUrl', () => {
  it('redacts the values of query parameters named like a credential', () => {
    for (const name of ['access_token', 'token', 'client_secret', 'clientSecret', 'secret', 'password', 'signingSecret', 'apiKey', 'api_key', 'pwd', 'Authorization', 'X-Signature']) {
      expect(redactUrl(`/nope?a=1&${name}=hunter2&b=2`)).toBe(`/nope?a=1&${name}=[redacted]&b=2`);
    }
    expect(redactUrl('/apis/my-api/service-accounts?limit=5&cursor=sa_x&q=billing')).toBe('/apis/my-api/service-accounts?limit=5&cursor=sa_x&q=billing');
  });

  it('redacts a client secret, a webhook secret or a token wherever it is in the URL', () => {
    const plaintext = secret();
    expect(redactUrl(`/${plaintext}`)).toBe('/[redacted]');
    expect(redactUrl(`/x${plaintext}`)).toBe('/x[redacted]');
    expect(redactUrl(`/nope?q=${plaintext}&x=1`)).toBe('/nope?q=[redacted]&x=1');
    expect(redactUrl(`/nope/whsec_${'A'.repeat(43)}/x`)).toBe('/nope/[redacted]/x');
    expect(redactUrl(`/my-api/${jwt}`)).toBe('/my-api/[redacted]');
    expect(redactUrl(`/my-api/${jwt.replaceAll('.', '%2E')}`)).toBe('/my-api/[redacted]');
  });

  it('never lets a generated secret through, whatever surrounds it', () => {
    const around = fc.string({ unit: fc.constantFrom(...'/?&=#abc-_.%'), maxLength: 12 });
    fc.assert(
      fc.property(around, around, fc.constantFrom('', 'q=', 'secret=', 'x='), (before, after, parameter) => {
        const plaintext = secret();
        expect(redactUrl(`/a${before}?${parameter}${plaintext}${after}`)).not.toContain(plaintext.slice(4));
      }),
    );
  });
});

describe('nestLogging', () => {
  /** A pino logger at `info` whose lines are collected, parsed. */
  function collected(): { logger: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
        done();
      },
    });
    return { logger: createLogger({ logLevel: 'info' }, sink), lines };
  }

  it('leaves a failed start to the caller: Nest throws it and logs no ExceptionHandler line of its own', async () => {
    @Module({ providers: [{ provide: 'BROKEN', useFactory: () => Promise.reject(new Error('cannot start')) }] })
    class BrokenModule {}
    const { logger, lines } = collected();
    await expect(NestFactory.createApplicationContext(BrokenModule, nestLogging(logger))).rejects.toThrow('cannot start');
    expect(lines.filter((line) => line.level === 50)).toEqual([]);
    expect(lines.map((line) => line.context)).not.toContain('ExceptionHandler');
  });

  it('still logs the other errors Nest is handed, by their message', () => {
    const { logger, lines } = collected();
    nestLogging(logger).logger.error(new Error('reloading failed'), 'SigningKeysService');
    expect(lines.map(({ level, context, msg }) => ({ level, context, msg }))).toEqual([{ level: 50, context: 'SigningKeysService', msg: 'reloading failed' }]);
  });
});
