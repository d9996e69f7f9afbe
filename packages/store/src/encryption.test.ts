import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeyEncryption, WrongPepperError } from './encryption';

describe('KeyEncryption', () => {
  const pepper = randomBytes(32);

  it('opens what it sealed, under the same pepper and purpose', () => {
    const sealed = new KeyEncryption(pepper).encrypt('{"d":"private"}');
    expect(new KeyEncryption(Buffer.from(pepper)).decrypt(sealed)).toBe('{"d":"private"}');
  });

  it('refuses a value sealed under another pepper with WrongPepperError, naming what was sealed', () => {
    const signingKey = new KeyEncryption(randomBytes(32)).encrypt('{"d":"private"}');
    expect(() => new KeyEncryption(pepper).decrypt(signingKey)).toThrow(WrongPepperError);
    expect(() => new KeyEncryption(pepper).decrypt(signingKey)).toThrow(/^A signing key could not be decrypted: it was encrypted with another pepper \(TESSERA_PEPPER\), or altered\.$/);
    const webhookSecret = new KeyEncryption(randomBytes(32), 'webhook-secret-encryption').encrypt('whsec_x');
    expect(() => new KeyEncryption(pepper, 'webhook-secret-encryption').decrypt(webhookSecret)).toThrow(/^A webhook signing secret could not be decrypted/);
  });

  it('still authenticates: an altered value or another purpose is refused, never opened', () => {
    const sealed = new KeyEncryption(pepper).encrypt('{"d":"private"}');
    const [version, iv, tag, body] = sealed.split('.') as [string, string, string, string];
    const flipped = Buffer.from(body, 'base64url');
    flipped[0]! ^= 1;
    expect(() => new KeyEncryption(pepper).decrypt([version, iv, tag, flipped.toString('base64url')].join('.'))).toThrow(WrongPepperError);
    expect(() => new KeyEncryption(pepper, 'webhook-secret-encryption').decrypt(sealed)).toThrow(WrongPepperError);
  });
});
