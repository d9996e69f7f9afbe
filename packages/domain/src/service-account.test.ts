import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RandomBytes } from './ports.js';
import { canDeleteAccount, type Secret } from './secret.js';
import {
  accountNameKey,
  changeScopes,
  createServiceAccount,
  describeServiceAccount,
  markAccountUsed,
  renameServiceAccount,
  setAccountStatus,
  updateServiceAccount,
  type ServiceAccount,
} from './service-account.js';

const NOW = new Date('2025-01-15T10:00:00.000Z');
const LATER = new Date('2025-02-01T08:00:00.000Z');
const counter = (): RandomBytes => {
  let next = 1;
  return (n) => Uint8Array.from({ length: n }, () => next++ & 0xff);
};

function account(): ServiceAccount {
  const r = createServiceAccount({ api: 'my-api', name: '  Billing sync  ', scopes: ['products:read', 'products:read'] }, NOW, counter());
  if (!r.ok) throw r.error;
  return r.value;
}

const secretOf = (a: ServiceAccount, status: 'enabled' | 'disabled', accountId = a.id) =>
  ({ accountId, status, id: `sec_${status}` }) as unknown as Secret;

describe('createServiceAccount', () => {
  it('creates an enabled, frozen account with ids, trimmed name and deduped scopes', () => {
    const a = account();
    expect(a).toMatchObject({
      api: 'my-api',
      name: 'Billing sync',
      description: '',
      scopes: ['products:read'],
      status: 'enabled',
      createdAt: NOW,
      updatedAt: NOW,
      lastUsedAt: null,
    });
    expect(a.id).toMatch(/^sa_[0-9A-Za-z]{22}$/);
    expect(a.clientId).toMatch(/^tci_[0-9A-Za-z]{22}$/);
    expect(Object.isFrozen(a)).toBe(true);
    expect(a.createdAt).not.toBe(NOW); // a copy: the caller's Date cannot change it
  });

  it.each([
    [{ name: '   ' }, 'ACCOUNT.NAME_INVALID', 'empty'],
    [{ name: 'x'.repeat(101) }, 'ACCOUNT.NAME_INVALID', 'too_long'],
    [{ name: 'a\u0007b' }, 'ACCOUNT.NAME_INVALID', 'control_characters'],
    [{ name: 'a\nb' }, 'ACCOUNT.NAME_INVALID', 'control_characters'],
    [{ description: 'd'.repeat(501) }, 'ACCOUNT.DESCRIPTION_INVALID', 'too_long'],
    [{ description: 'a\u0000' }, 'ACCOUNT.DESCRIPTION_INVALID', 'control_characters'],
    [{ name: '\u200b\u2060' }, 'ACCOUNT.NAME_INVALID', 'empty'],
    [{ name: '\u202Egnp.exe' }, 'ACCOUNT.NAME_INVALID', 'control_characters'],
    [{ name: 'a\u2067b' }, 'ACCOUNT.NAME_INVALID', 'control_characters'],
    [{ name: 'a\ud800' }, 'ACCOUNT.NAME_INVALID', 'invalid_unicode'],
    [{ name: '\udfffb' }, 'ACCOUNT.NAME_INVALID', 'invalid_unicode'],
    [{ name: 'a\udc00\ud800b' }, 'ACCOUNT.NAME_INVALID', 'invalid_unicode'],
    [{ description: 'x\udbff' }, 'ACCOUNT.DESCRIPTION_INVALID', 'invalid_unicode'],
    [{ scopes: ['bad scope'] }, 'ACCOUNT.SCOPE_INVALID', 'syntax'],
  ])('%j → %s', (overrides, code, reason) => {
    const r = createServiceAccount({ api: 'my-api', name: 'ok', scopes: [], ...overrides }, NOW, counter());
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe(code);
      expect(r.error.details.reason).toBe(reason);
    }
  });

  it('keeps only names and descriptions that survive a UTF-8 round trip (what any database stores)', () => {
    // encodeURIComponent writes UTF-8, and throws on what UTF-8 cannot hold.
    const roundTrips = (text: string) => {
      try {
        return decodeURIComponent(encodeURIComponent(text)) === text;
      } catch {
        return false;
      }
    };
    // Any code point, or half of a surrogate pair on its own (fast-check's 'binary' keeps pairs whole).
    const unit = fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 20 }), (text) => {
        const named = createServiceAccount({ api: 'a', name: `n${text}`, description: text, scopes: [] }, NOW, counter());
        if (named.ok) expect(roundTrips(named.value.name) && roundTrips(named.value.description)).toBe(true);
        else if (roundTrips(text)) expect(named.error.details.reason).not.toBe('invalid_unicode');
      }),
    );
  });

  it('accepts limits exactly and counts characters, not UTF-16 units', () => {
    expect(createServiceAccount({ api: 'a', name: '😀'.repeat(100), description: 'line 1\nline 2\t.', scopes: [] }, NOW, counter()).ok).toBe(true);
  });
});

describe('updates', () => {
  it('rename, describe, change scopes move updatedAt', () => {
    const a = account();
    const renamed = renameServiceAccount(a, ' New ', LATER);
    expect(renamed.ok && renamed.value.name).toBe('New');
    expect(renamed.ok && renamed.value.updatedAt).toEqual(LATER);
    const described = describeServiceAccount(a, 'desc', LATER);
    expect(described.ok && described.value.description).toBe('desc');
    const scoped = changeScopes(a, ['a', 'b'], LATER);
    expect(scoped.ok && scoped.value.scopes).toEqual(['a', 'b']);
    expect(a.name).toBe('Billing sync'); // original untouched
  });

  it('is all-or-nothing', () => {
    const a = account();
    const r = updateServiceAccount(a, { name: 'Fine', scopes: ['bad scope'] }, LATER);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('ACCOUNT.SCOPE_INVALID');
    expect(a.name).toBe('Billing sync');
  });

  it('returns the same account for a no-op patch', () => {
    const a = account();
    expect(updateServiceAccount(a, {}, LATER)).toEqual({ ok: true, value: a });
    const same = updateServiceAccount(a, { name: 'Billing sync', scopes: ['products:read'], status: 'enabled' }, LATER);
    expect(same.ok && same.value).toBe(a);
  });

  it('sets the status', () => {
    const a = account();
    const disabled = setAccountStatus(a, 'disabled', LATER);
    expect(disabled.status).toBe('disabled');
    expect(disabled.updatedAt).toEqual(LATER);
    expect(setAccountStatus(disabled, 'enabled', LATER).status).toBe('enabled');
    expect(() => setAccountStatus(a, 'paused' as 'enabled', LATER)).toThrow(TypeError);
  });

  it('marks use without going backwards', () => {
    const a = markAccountUsed(account(), LATER);
    expect(a.lastUsedAt).toEqual(LATER);
    expect(markAccountUsed(a, NOW)).toBe(a);
  });
});

describe('canDeleteAccount', () => {
  it('refuses while any of its secrets is enabled', () => {
    const a = account();
    expect(canDeleteAccount(a, [])).toEqual({ ok: true, value: true });
    expect(canDeleteAccount(a, [secretOf(a, 'disabled')]).ok).toBe(true);
    expect(canDeleteAccount(a, [secretOf(a, 'enabled', 'sa_other' as ServiceAccount['id'])]).ok).toBe(true);
    const r = canDeleteAccount(a, [secretOf(a, 'disabled'), secretOf(a, 'enabled')]);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('ACCOUNT.DELETE_WHILE_SECRET_ENABLED');
      expect(r.error.details.enabledSecrets).toBe(1);
    }
  });
});

describe('accountNameKey', () => {
  it('makes names that differ only in letter case or Unicode form the same name', () => {
    expect(accountNameKey('Billing Sync')).toBe(accountNameKey('billing sync'));
    expect(accountNameKey('BILLING SYNC')).toBe(accountNameKey('billing sync'));
    expect(accountNameKey('Stra\u00dfe')).toBe(accountNameKey('STRASSE'));
    // Precomposed é against e + combining acute accent; a ligature against its letters; full-width letters.
    expect(accountNameKey('caf\u00e9')).toBe(accountNameKey('cafe\u0301'));
    expect(accountNameKey('\ufb01le')).toBe(accountNameKey('file'));
    expect(accountNameKey('\uff21\uff30\uff29')).toBe(accountNameKey('api'));
    expect(accountNameKey('bill\u200bing\u00ad')).toBe(accountNameKey('billing'));
    expect(accountNameKey('billing')).not.toBe(accountNameKey('billing 2'));
    expect(accountNameKey('Billing-Sync')).not.toBe(accountNameKey('Billing Sync'));
  });

  it('is idempotent and ignores case for any name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (name) => {
        const key = accountNameKey(name);
        expect(accountNameKey(key)).toBe(key);
        expect(accountNameKey(name.toUpperCase())).toBe(accountNameKey(name.toLowerCase()));
      }),
    );
  });

  it('keeps distinct ASCII names distinct unless they differ only in case', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...'abcAB -_1'), maxLength: 12 }), fc.string({ unit: fc.constantFrom(...'abcAB -_1'), maxLength: 12 }), (a, b) => {
        expect(accountNameKey(a) === accountNameKey(b)).toBe(a.toLowerCase() === b.toLowerCase());
      }),
    );
  });
});
