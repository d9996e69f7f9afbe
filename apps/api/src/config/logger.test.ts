import fc from 'fast-check';
import { generateSecret } from '@tessera/domain';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { redactUrl } from './logger';

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
