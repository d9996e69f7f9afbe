import { KeyEncryption, WrongPepperError, type EncryptionPurpose } from './encryption';
import type { Store } from './store';

/**
 * Where a process took its pepper from, so that a message can name it: the variable, or the
 * embedded pepper file by its full path. Never the pepper itself, which would then be in logs.
 */
export type PepperSource = { readonly kind: 'variable' } | { readonly kind: 'file'; readonly path: string };

/** What a purpose's sealed values are called in messages: all of them, and one. */
const SEALED_IN_DATABASE: Readonly<Record<EncryptionPurpose, readonly [string, string]>> = {
  'signing-key-encryption': ['The signing keys', 'a signing key'],
  'webhook-secret-encryption': ['The webhook signing secrets', 'a webhook signing secret'],
};

/**
 * What to tell the user when values sealed in the database do not open with this process's
 * pepper: the database was made with another one. One line, with the fix; shared by the API, the
 * CLI and the worker so that each says the same.
 */
export function wrongPepperMessage(sealed: EncryptionPurpose, source: PepperSource): string {
  const [all, one] = SEALED_IN_DATABASE[sealed];
  const cause = `${all} in the database were encrypted with another pepper`;
  // The same failure comes from a row altered in the database: rarer, but the pepper is then right.
  const altered = ` (If it is the right one, ${one} in the database was altered: restore the database from a backup.)`;
  if (source.kind === 'variable') return `${cause} than this TESSERA_PEPPER: start Tessera with the TESSERA_PEPPER the database was created with.${altered}`;
  return `${cause} than the one in ${source.path}: put back the pepper file the database was created with (from the backup of the data folder).${altered}`;
}

/**
 * Opens one value sealed in the database under `pepper`, so that a process with the wrong pepper
 * refuses to start instead of failing later, one operation at a time. It tries a webhook's signing
 * secret first (what the worker's deliveries open), then a signing key (which the first start of
 * an API process creates). Throws {@link WrongPepperError} worded by {@link wrongPepperMessage}.
 *
 * Returns what it opened, or null when the database holds nothing sealed yet (a worker started
 * on a fresh database before any API process): then nothing can tell whether the pepper is the
 * right one, and the first value sealed under it decides what is right from then on.
 */
export async function assertPepperOpens(store: Store, pepper: Buffer, source: PepperSource): Promise<EncryptionPurpose | null> {
  const session = store.session();
  const webhookSecret = await session.channels.anySealedSecret();
  const signingKey = webhookSecret === null ? (await session.signingKeys.all())[0]?.encryptedPrivateKey : undefined;
  const [purpose, sealed]: [EncryptionPurpose, string | undefined] = webhookSecret !== null ? ['webhook-secret-encryption', webhookSecret] : ['signing-key-encryption', signingKey];
  if (sealed === undefined) return null;
  try {
    new KeyEncryption(pepper, purpose).decrypt(sealed);
  } catch (error) {
    throw error instanceof WrongPepperError ? new WrongPepperError(wrongPepperMessage(purpose, source)) : error;
  }
  return purpose;
}
