import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { basicAuthorization, formUrlEncode, isInvalidTokenChallenge } from './authorization';

/** How a server reads `client_secret_basic` (RFC 6749 §2.3.1), as Tessera's token endpoint does. */
function decodeBasic(header: string): { clientId: string; clientSecret: string } {
  const text = Buffer.from(header.replace(/^Basic /, ''), 'base64').toString('utf8');
  const colon = text.indexOf(':');
  const decode = (value: string) => decodeURIComponent(value.replace(/\+/g, ' '));
  return { clientId: decode(text.slice(0, colon)), clientSecret: decode(text.slice(colon + 1)) };
}

describe('basicAuthorization', () => {
  it('form-urlencodes the id and the secret before base64', () => {
    const header = basicAuthorization('tci_a:b', 'p+q%20 r/é');
    expect(Buffer.from(header.slice('Basic '.length), 'base64').toString('latin1')).toBe('tci_a%3Ab:p%2Bq%2520+r%2F%C3%A9');
    expect(decodeBasic(header)).toEqual({ clientId: 'tci_a:b', clientSecret: 'p+q%20 r/é' });
  });

  it('leaves generated ids and secrets as they are', () => {
    expect(basicAuthorization('tci_abc123', 'tsk_XYZ-789_q')).toBe(`Basic ${Buffer.from('tci_abc123:tsk_XYZ-789_q').toString('base64')}`);
  });

  it('lets the server read back any id and secret, reserved characters included', () => {
    const text = fc.string({ unit: fc.constantFrom(...':%+ &=/?#"\\\'!*()~._-aZ9é€\u{1F511}'.split(/(?:)/u)), minLength: 1 });
    fc.assert(
      fc.property(fc.oneof(text, fc.string({ unit: 'grapheme', minLength: 1 })), fc.oneof(text, fc.string({ unit: 'grapheme', minLength: 1 })), (clientId, clientSecret) => {
        const header = basicAuthorization(clientId, clientSecret);
        expect(header).toMatch(/^Basic [A-Za-z0-9+/]+={0,2}$/);
        expect(decodeBasic(header)).toEqual({ clientId, clientSecret });
      }),
    );
  });

  it('never leaves a colon in an encoded id, so the server splits at the right place', () => {
    fc.assert(fc.property(fc.string(), (value) => !formUrlEncode(value).includes(':')));
  });
});

describe('isInvalidTokenChallenge', () => {
  it("recognises Tessera's challenge for a revoked or expired token", () => {
    expect(isInvalidTokenChallenge('Bearer realm="tessera", error="invalid_token", error_description="The access token was revoked."')).toBe(true);
    expect(isInvalidTokenChallenge('bearer error=invalid_token')).toBe(true);
    expect(isInvalidTokenChallenge('Basic realm="x", Bearer realm="y", error="invalid_token"')).toBe(true);
  });

  it('refuses other errors, other schemes and a bare challenge', () => {
    for (const header of [
      null,
      '',
      'Bearer realm="tessera"',
      'Bearer realm="tessera", error="insufficient_scope", scope="products:write"',
      'Bearer realm="tessera", error="invalid_request"',
      'Basic realm="tessera", charset="UTF-8"',
      'Bearer realm="x", Basic error="invalid_token"',
      'Bearer error="invalid_tokens"',
      'Bearer realm="x", error_description="error=invalid_token"',
    ]) {
      expect(isInvalidTokenChallenge(header), String(header)).toBe(false);
    }
  });
});
