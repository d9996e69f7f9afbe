import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ERROR_CODES, HTTP_ERROR_CODES, HttpErrorCode, formatZodError, parseOrIssues } from './errors';
import { CreateServiceAccountRequest, CreateAlertChannelRequest } from './http/management';

describe('ERROR_CODES', () => {
  it('holds the HTTP-level codes in namespaced wire form', () => {
    expect(ERROR_CODES.REQUEST.VALIDATION_FAILED).toBe('REQUEST.VALIDATION_FAILED');
    expect(ERROR_CODES.AUTH.INSUFFICIENT_SCOPE).toBe('AUTH.INSUFFICIENT_SCOPE');
    expect([...HTTP_ERROR_CODES].sort()).toEqual(
      [
        'REQUEST.VALIDATION_FAILED',
        'REQUEST.UNSUPPORTED_MEDIA_TYPE',
        'REQUEST.BODY_TOO_LARGE',
        'REQUEST.HEADERS_TOO_LARGE',
        'REQUEST.MALFORMED',
        'REQUEST.TIMEOUT',
        'REQUEST.METHOD_NOT_ALLOWED',
        'RESOURCE.NOT_FOUND',
        'CHANNEL.LIMIT_REACHED',
        'AUTH.INVALID_CLIENT',
        'AUTH.INVALID_TOKEN',
        'AUTH.INSUFFICIENT_SCOPE',
        'AUTH.THROTTLED',
        'INTERNAL.ERROR',
      ].sort(),
    );
    expect(HttpErrorCode.safeParse('AUTH.THROTTLED').success).toBe(true);
    expect(HttpErrorCode.safeParse('AUTH.NOPE').success).toBe(false);
  });
});

describe('formatZodError', () => {
  it('names nested array fields with dotted paths', () => {
    const result = CreateServiceAccountRequest.safeParse({ name: 'billing', scopes: ['ok', ''] });
    expect(result.success).toBe(false);
    const issues = formatZodError(result.error!);
    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('scopes.1');
    expect(issues[0]?.message).toMatch(/^"scopes\.1": /);
  });

  it('says a missing field is required', () => {
    const result = CreateServiceAccountRequest.safeParse({ scopes: [] });
    expect(formatZodError(result.error!)).toEqual([{ path: 'name', message: '"name": is required' }]);
  });

  it('reports each unknown field on its own path', () => {
    const result = CreateServiceAccountRequest.safeParse({ name: 'x', scopes: [], owner: 'me', admin: true });
    expect(formatZodError(result.error!)).toEqual([
      { path: 'owner', message: '"owner": unknown field' },
      { path: 'admin', message: '"admin": unknown field' },
    ]);
  });

  it('names the whole input when it is not an object', () => {
    const result = CreateServiceAccountRequest.safeParse('nope');
    const issues = formatZodError(result.error!);
    expect(issues[0]?.path).toBe('');
    expect(issues[0]?.message).toMatch(/^input: /);
  });

  it('reports an unsupported discriminator by name', () => {
    const result = CreateAlertChannelRequest.safeParse({ kind: 'sms', number: '1' });
    expect(formatZodError(result.error!)).toEqual([{ path: 'kind', message: '"kind": has an unsupported value' }]);
  });

  it('reports the closest branch of a plain union', () => {
    const schema = z.object({ v: z.union([z.object({ a: z.string() }), z.object({ b: z.number(), c: z.number() })]) });
    const result = schema.safeParse({ v: { a: 1 } });
    const issues = formatZodError(result.error!);
    expect(issues.map((issue) => issue.path)).toEqual(['v.a']);
  });
});

describe('parseOrIssues', () => {
  it('returns the parsed value', () => {
    const result = parseOrIssues(CreateServiceAccountRequest, { name: '  billing  ', scopes: ['a'] });
    expect(result).toEqual({ ok: true, value: { name: 'billing', scopes: ['a'] } });
  });

  it('returns readable issues instead of throwing', () => {
    const result = parseOrIssues(CreateServiceAccountRequest, { name: 'x', scopes: 'a' });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.issues).toEqual([{ path: 'scopes', message: expect.stringMatching(/^"scopes": .*array/) }]);
    }
  });

  it('never echoes the rejected input in its messages', () => {
    const result = parseOrIssues(z.strictObject({ clientSecret: z.string().max(4) }), { clientSecret: 'tsk_supersecretvalue' });
    expect(JSON.stringify(result)).not.toContain('supersecret');
  });
});
