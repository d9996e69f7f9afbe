import { describe, expect, it } from 'vitest';
import { OAuthException } from '../src/common/http-errors';
import { clientCredentials } from '../src/tokens/client-credentials';

const basic = (userPass: string) => `Basic ${Buffer.from(userPass, 'utf8').toString('base64')}`;

describe('clientCredentials (RFC 6749 §2.3.1)', () => {
  it('reads a plain Basic header as it is', () => {
    expect(clientCredentials(basic('tci_abc:tsk_def'), {})).toEqual({ clientId: 'tci_abc', clientSecret: 'tsk_def', method: 'client_secret_basic' });
  });

  it('form-urldecodes the id and the secret of the Basic header: "+" is a space, %XX an escape', () => {
    expect(clientCredentials(basic('my+client%3Aone:p%40ss+word%2B'), {})).toMatchObject({ clientId: 'my client:one', clientSecret: 'p@ss word+' });
    expect(clientCredentials(basic('id:%E2%82%AC'), {})).toMatchObject({ clientId: 'id', clientSecret: '€' });
  });

  it('refuses a Basic header with a bad escape, no colon or an empty secret as invalid_client', () => {
    for (const header of [basic('id:%E2%82'), basic('id:%zz'), basic('no-colon'), basic('id:'), basic(':secret'), 'Basic %%%']) {
      const error = catchError(() => clientCredentials(header, {}));
      expect(error, header).toBeInstanceOf(OAuthException);
      expect((error as OAuthException).error).toBe('invalid_client');
    }
  });

  it('takes client_secret_post from the form, and refuses both methods at once', () => {
    expect(clientCredentials(undefined, { client_id: 'a', client_secret: 'b' })).toEqual({ clientId: 'a', clientSecret: 'b', method: 'client_secret_post' });
    const both = catchError(() => clientCredentials(basic('a:b'), { client_secret: 'b' }));
    expect((both as OAuthException).error).toBe('invalid_request');
  });
});

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
