import { describe, expect, it } from 'vitest';
import { err, ok, type Result } from './result.js';
import { SecretChecksumMismatchError } from './errors.js';

describe('Result', () => {
  it('wraps values and errors', () => {
    const good: Result<number> = ok(1);
    const bad: Result<number> = err(new SecretChecksumMismatchError());
    expect(good).toEqual({ ok: true, value: 1 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe('SECRET.CHECKSUM_MISMATCH');
  });
});
