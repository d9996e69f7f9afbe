import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideAuthentication, type AuthenticationRefusal } from './authentication.js';
import type { AccountId, ClientId, SecretId } from './ids.js';
import type { Secret } from './secret.js';
import type { ServiceAccount } from './service-account.js';

const NOW = new Date('2025-01-15T10:00:00.000Z');
const account: ServiceAccount = {
  id: 'sa_0000000000000000000001' as AccountId,
  api: 'my-api',
  clientId: 'tci_0000000000000000000001' as ClientId,
  name: 'svc',
  description: '',
  scopes: [],
  status: 'enabled',
  createdAt: NOW,
  updatedAt: NOW,
  lastUsedAt: null,
};
const secret: Secret = {
  id: 'sec_0000000000000000000001' as SecretId,
  accountId: account.id,
  hash: 'h',
  hint: 'tsk_…abcd',
  description: '',
  status: 'enabled',
  createdAt: NOW,
  updatedAt: NOW,
  expiresAt: new Date('2025-06-01T00:00:00.000Z'),
  disabledAt: null,
  lastUsedAt: null,
};

describe('decideAuthentication', () => {
  it('accepts a matching, enabled, unexpired secret of an enabled account', () => {
    expect(decideAuthentication({ account, secret, secretMatches: true, now: NOW })).toEqual({ accepted: true, account, secret });
    expect(decideAuthentication({ account, secret: { ...secret, expiresAt: null }, secretMatches: true, now: NOW }).accepted).toBe(true);
  });

  it.each<[string, Parameters<typeof decideAuthentication>[0], AuthenticationRefusal]>([
    ['no account', { account: null, secret, secretMatches: true, now: NOW }, 'UNKNOWN_CLIENT'],
    ['no secret', { account, secret: null, secretMatches: false, now: NOW }, 'SECRET_MISMATCH'],
    ['no match', { account, secret, secretMatches: false, now: NOW }, 'SECRET_MISMATCH'],
    ['other account', { account, secret: { ...secret, accountId: 'sa_x' as AccountId }, secretMatches: true, now: NOW }, 'SECRET_NOT_OF_ACCOUNT'],
    ['account disabled', { account: { ...account, status: 'disabled' }, secret, secretMatches: true, now: NOW }, 'ACCOUNT_DISABLED'],
    ['secret disabled', { account, secret: { ...secret, status: 'disabled' }, secretMatches: true, now: NOW }, 'SECRET_DISABLED'],
    ['expired exactly now', { account, secret: { ...secret, expiresAt: NOW }, secretMatches: true, now: NOW }, 'SECRET_EXPIRED'],
  ])('%s → %s', (_label, input, reason) => {
    expect(decideAuthentication(input)).toEqual({ accepted: false, reason });
  });

  it('reports the first failing check in the agreed order (property)', () => {
    const order: AuthenticationRefusal[] = ['UNKNOWN_CLIENT', 'SECRET_MISMATCH', 'SECRET_NOT_OF_ACCOUNT', 'ACCOUNT_DISABLED', 'SECRET_DISABLED', 'SECRET_EXPIRED'];
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), fc.boolean(), (noAcc, noSec, noMatch, foreign, accOff, secOff, expired) => {
        const failing = [noAcc, noSec || noMatch, foreign, accOff, secOff, expired];
        const d = decideAuthentication({
          account: noAcc ? null : { ...account, status: accOff ? 'disabled' : 'enabled' },
          secret: noSec
            ? null
            : { ...secret, accountId: foreign ? ('sa_other' as AccountId) : account.id, status: secOff ? 'disabled' : 'enabled', expiresAt: expired ? NOW : secret.expiresAt },
          secretMatches: !noMatch,
          now: NOW,
        });
        const first = failing.indexOf(true);
        if (first === -1) expect(d.accepted).toBe(true);
        else expect(d).toEqual({ accepted: false, reason: order[first] });
      }),
    );
  });
});
