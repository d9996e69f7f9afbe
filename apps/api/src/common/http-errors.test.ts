import fc from 'fast-check';
import { validateHeaderValue } from 'node:http';
import { describe, expect, it } from 'vitest';
import { BearerException } from './http-errors';

/** RFC 6750 §3 with RFC 6749 §3.3's scope: what a `WWW-Authenticate: Bearer` challenge of ours may be. */
const NQCHAR = '[\\x21\\x23-\\x5B\\x5D-\\x7E]';
const CHALLENGE = new RegExp(
  '^Bearer realm="tessera"' +
    '(?:, error="(?:invalid_request|invalid_token|insufficient_scope)", error_description="[\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]*")?' +
    `(?:, scope="${NQCHAR}+(?: ${NQCHAR}+)*")?$`,
);

describe('BearerException.challenge', () => {
  it('keeps a well-formed description and scope as they are', () => {
    const exception = new BearerException('insufficient_scope', 'The access token lacks the scope products:write.', ['products:write', 'x:read']);
    expect(exception.challenge).toBe(
      'Bearer realm="tessera", error="insufficient_scope", error_description="The access token lacks the scope products:write.", scope="products:write x:read"',
    );
    expect(new BearerException(null, 'An access token is required.').challenge).toBe('Bearer realm="tessera"');
  });

  it('leaves out a scope that is not a scope token, and every character a description may not carry', () => {
    const injected = new BearerException('insufficient_scope', 'The access token lacks the scope a", error="x:read.', ['a", error="x:read']);
    expect(injected.challenge).toBe('Bearer realm="tessera", error="insufficient_scope", error_description="The access token lacks the scope a, error=x:read."');
    const foreign = new BearerException('insufficient_scope', 'The access token lacks the scope ā:read.\r\nX: y', ['ā:read', 'products:read']);
    expect(foreign.challenge).toBe('Bearer realm="tessera", error="insufficient_scope", error_description="The access token lacks the scope :read.X: y"');
  });

  it('is always a valid header value in RFC 6750 form, whatever the description and scopes', () => {
    const anyText = fc.string({ unit: 'binary', maxLength: 80 });
    const error = fc.constantFrom('invalid_request' as const, 'invalid_token' as const, 'insufficient_scope' as const, null);
    fc.assert(
      fc.property(error, anyText, fc.array(anyText, { maxLength: 4 }), (code, description, scopes) => {
        const challenge = new BearerException(code, description, scopes).challenge;
        expect(challenge).toMatch(CHALLENGE);
        expect(() => validateHeaderValue('WWW-Authenticate', challenge)).not.toThrow();
      }),
      { numRuns: 2_000 },
    );
  });
});
