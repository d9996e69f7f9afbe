import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dataDirectory, type Config } from '../config/env';

export const PEPPER_FILE = 'pepper';

/**
 * The key behind secret hashes and signing-key encryption. From TESSERA_PEPPER when set; in embedded
 * mode otherwise generated on first start and kept beside the database with mode 0600.
 */
export function resolvePepper(config: Config): Buffer {
  if (config.pepper) return Buffer.from(config.pepper, 'utf8');
  const dir = dataDirectory(config);
  if (!dir) return randomBytes(32); // in-memory database: nothing outlives the process anyway
  const file = join(dir, PEPPER_FILE);
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8');
}

/**
 * What to tell the user when the stored signing keys do not open with this process's pepper: the
 * database was made with another one. Names where the pepper came from (the variable, or the
 * embedded pepper file by its full path), never the pepper itself, which would then be in logs.
 */
export function wrongPepperMessage(config: Config): string {
  const cause = 'The signing keys in the database were encrypted with another pepper';
  const dir = dataDirectory(config);
  // The same failure comes from a key row altered in the database: rarer, but the pepper is then right.
  const altered = ' (If it is the right one, a signing key in the database was altered: restore the database from a backup.)';
  // Without TESSERA_PEPPER, an in-memory database holds only keys sealed under its own pepper.
  if (config.pepper || !dir) return `${cause} than this TESSERA_PEPPER: start Tessera with the TESSERA_PEPPER the database was created with.${altered}`;
  return `${cause} than the one in ${resolve(dir, PEPPER_FILE)}: put back the pepper file the database was created with (from the backup of the data folder).${altered}`;
}
