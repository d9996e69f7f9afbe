import type { WebhookEnvelope } from '@tessera/contracts';
import { describe, expect, it } from 'vitest';
import { mail } from '../src';

const ref = { accountId: 'sa_0Ma9Tq4nEw2sLk6HbVc3Xy', clientId: 'tci_0123456789abcdef0123456789abcdef', accountName: 'catalogue-reader' };
const head = { id: 'evt_0Mb3kQ2xYz8vWc1DpRtL7a', api: 'my-api', createdAt: '2026-03-02T09:00:00.000Z' };

function expiring(daysLeft: number): WebhookEnvelope {
  const data = { ...ref, secretId: 'sec_0Ma9Tr1pGh5jNm8QdWe2Zu', hint: 'tsk_…a1B9', expiresAt: '2026-03-02T20:00:00.000Z', thresholdDays: 7, daysLeft };
  return { ...head, type: 'secret.expiring', data };
}

function unused(unusedForDays: number): WebhookEnvelope {
  return { ...head, type: 'account.unused', data: { ...ref, lastUsedAt: null, unusedForDays } };
}

function leaked(disabledByReport: boolean, url = 'https://github.com/acme/shop/blob/4f2e/.env'): WebhookEnvelope {
  const data = { ...ref, secretId: 'sec_0Ma9Tr1pGh5jNm8QdWe2Zu', hint: 'tsk_…a1B9', url, source: url === '' ? '' : 'content', disabledAt: '2026-03-02T09:00:00.000Z', disabledByReport };
  return { ...head, type: 'secret.leaked', data };
}

describe('the e-mail of a notice', () => {
  it('says a secret with less than a day left expires within a day, not "in 0 days"', () => {
    expect(mail(expiring(0)).subject).toBe('[Tessera] my-api: a secret of "catalogue-reader" expires within a day');
  });

  it('counts whole days in words: 1 day, 2 days', () => {
    expect(mail(expiring(1)).subject).toBe('[Tessera] my-api: a secret of "catalogue-reader" expires in 1 day');
    expect(mail(expiring(2)).subject).toBe('[Tessera] my-api: a secret of "catalogue-reader" expires in 2 days');
    expect(mail(unused(1)).subject).toBe('[Tessera] my-api: "catalogue-reader" has not been used for 1 day');
    expect(mail(unused(90)).subject).toBe('[Tessera] my-api: "catalogue-reader" has not been used for 90 days');
  });

  it('writes no "day(s)" in any subject or text', () => {
    for (const envelope of [expiring(0), expiring(1), expiring(6), unused(1), unused(40)]) {
      const { subject, text } = mail(envelope);
      expect(subject + text).not.toContain('(s)');
    }
  });

  it('tells of a leaked secret: who disabled it, where it was found as the reporter said it, and what to do', () => {
    const byReport = mail(leaked(true));
    expect(byReport.subject).toBe('[Tessera] my-api: a secret of "catalogue-reader" was reported as leaked');
    expect(byReport.text).toContain('Tessera disabled it');
    expect(byReport.text).toContain('Secret: tsk_…a1B9 (sec_0Ma9Tr1pGh5jNm8QdWe2Zu)');
    expect(byReport.text).toContain('Disabled at: 2026-03-02T09:00:00.000Z');
    expect(byReport.text).toContain('Found at: https://github.com/acme/shop/blob/4f2e/.env');
    expect(byReport.text).toContain('Found in: content');
    const already = mail(leaked(false, ''));
    expect(already.text).toContain('it was already disabled');
    expect(already.text).not.toContain('Tessera disabled it');
    expect(already.text).toContain('Found at: not given');
    // The reporter's URL is never in the subject, which a mail client shows unasked.
    expect(byReport.subject).not.toContain('github');
  });
});
