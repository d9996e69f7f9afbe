import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 'v1';
/** Full 128-bit GCM tags only: a shorter tag would make forgeries cheaper. */
const TAG_LENGTH = 16;

/** What a sealed value is for: each purpose has its own derived key. */
export type EncryptionPurpose = 'signing-key-encryption' | 'webhook-secret-encryption';

const SEALED: Readonly<Record<EncryptionPurpose, string>> = {
  'signing-key-encryption': 'A signing key',
  'webhook-secret-encryption': 'A webhook signing secret',
};

/**
 * A sealed value that does not authenticate under this pepper's key: it was encrypted with another
 * pepper (or altered). Its own type, so that a caller can tell the user which pepper to use instead
 * of passing on Node's "Unsupported state or unable to authenticate data".
 */
export class WrongPepperError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WrongPepperError';
  }
}

/**
 * AES-256-GCM under a key derived (HKDF-SHA-256) from the pepper, one key per purpose: how
 * Tessera keeps the secrets it must be able to read back (signing keys, webhook signing secrets)
 * at rest.
 */
export class KeyEncryption {
  private readonly key: Buffer;

  constructor(
    pepper: Buffer,
    private readonly purpose: EncryptionPurpose = 'signing-key-encryption',
  ) {
    this.key = Buffer.from(hkdfSync('sha256', pepper, 'tessera', purpose, 32));
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_LENGTH });
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
  }

  /** Throws {@link WrongPepperError} when the data was not encrypted under this pepper (or was altered). */
  decrypt(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined) throw new Error('Unrecognised encrypted key format');
    const authTag = Buffer.from(tag, 'base64url');
    if (authTag.length !== TAG_LENGTH) throw new Error('Unrecognised encrypted key format');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_LENGTH });
    decipher.setAuthTag(authTag);
    const plaintext = decipher.update(Buffer.from(body, 'base64url'));
    try {
      // `final` checks the tag: GCM's only failure here is a value that does not authenticate.
      return Buffer.concat([plaintext, decipher.final()]).toString('utf8');
    } catch {
      throw new WrongPepperError(`${SEALED[this.purpose]} could not be decrypted: it was encrypted with another pepper (TESSERA_PEPPER), or altered.`);
    }
  }
}
