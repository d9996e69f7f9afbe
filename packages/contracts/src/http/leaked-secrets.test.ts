import { describe, expect, it } from 'vitest';
import { parseOrIssues } from '../errors';
import { LeakedSecretFeedback, LeakedSecretsRequest, LeakedSecretsResponse, MAX_LEAKED_SECRETS_PER_REPORT } from './leaked-secrets';

const item = { token: 'tsk_found', type: 'tessera_client_secret', url: 'https://github.com/o/r/blob/abc/.env', source: 'content' };

/** The paths of the issues a refused input gets (empty when it parses). */
function refused(input: unknown): string[] {
  const parsed = parseOrIssues(LeakedSecretsRequest, input);
  return parsed.ok ? [] : parsed.issues.map((issue) => issue.path);
}

describe('POST /leaked-secrets request', () => {
  it('takes GitHub\'s partner format: 1 to 100 items, url and source may be empty', () => {
    expect(LeakedSecretsRequest.parse([item])).toEqual([item]);
    expect(LeakedSecretsRequest.parse([{ ...item, url: '', source: '' }])).toEqual([{ ...item, url: '', source: '' }]);
    expect(LeakedSecretsRequest.parse(Array.from({ length: MAX_LEAKED_SECRETS_PER_REPORT }, () => item))).toHaveLength(100);
  });

  it('refuses what is not a list of 1 to 100 items', () => {
    expect(refused(item)).toEqual(['']);
    expect(refused([])).toEqual(['']);
    expect(refused(Array.from({ length: 101 }, () => item))).toEqual(['']);
  });

  it('ignores and drops a field it does not know: GitHub may add one to its format', () => {
    expect(refused([{ ...item, secret: 'x' }])).toEqual([]);
    expect(LeakedSecretsRequest.parse([{ ...item, secret: 'x', found_at: { line: 3 } }])).toEqual([item]);
  });

  it('refuses a missing field and over-long or multi-line text, naming the field', () => {
    const { source: _source, ...withoutSource } = item;
    expect(refused([item, withoutSource])).toEqual(['1.source']);
    expect(refused([{ ...item, secret: 'x', token: 42 }])).toEqual(['0.token']);
    expect(refused([{ ...item, token: '' }])).toEqual(['0.token']);
    expect(refused([{ ...item, type: '' }])).toEqual(['0.type']);
    expect(refused([{ ...item, url: `https://a.test/${'a'.repeat(2048)}` }])).toEqual(['0.url']);
    expect(refused([{ ...item, url: 'https://a.test/\u0000' }])).toEqual(['0.url']);
    expect(refused([{ ...item, source: 'content\nBcc: x' }])).toEqual(['0.source']);
    expect(refused([{ ...item, url: 42 }])).toEqual(['0.url']);
  });
});

describe('POST /leaked-secrets answer', () => {
  const feedback = { token_hash: 'a'.repeat(64), token_type: 'tessera_client_secret', label: 'true_positive' };

  it('is GitHub\'s feedback format', () => {
    expect(LeakedSecretsResponse.parse([feedback, { ...feedback, label: 'false_positive' }])).toHaveLength(2);
  });

  it('refuses a label outside the two, a hash that is not lowercase SHA-256 hex, and a token riding along', () => {
    const paths = (input: unknown) => {
      const parsed = parseOrIssues(LeakedSecretFeedback, input);
      return parsed.ok ? [] : parsed.issues.map((issue) => issue.path);
    };
    expect(paths({ ...feedback, label: 'unknown' })).toEqual(['label']);
    expect(paths({ ...feedback, token_hash: 'A'.repeat(64) })).toEqual(['token_hash']);
    expect(paths({ ...feedback, token_hash: 'a'.repeat(63) })).toEqual(['token_hash']);
    expect(paths({ ...feedback, token: 'tsk_found' })).toEqual(['token']);
  });
});
