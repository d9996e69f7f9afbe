import { makeDirectory, type PepperSource } from '@tessera/store';
import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
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
    makeDirectory(dir, 0o700);
    writeFileSync(file, randomBytes(32).toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return Buffer.from(readFileSync(file, 'utf8').trim(), 'utf8');
}

/**
 * The name of this deployment in a Redis it may share with others: derived from its pepper (every
 * process of a deployment has the same one, and no other deployment has it), without revealing
 * it. Failure counts and invalidation messages of one deployment then never reach another.
 */
export function redisNamespace(pepper: Buffer): string {
  return createHmac('sha256', pepper).update('tessera redis namespace').digest('base64url').slice(0, 16);
}

/**
 * Where this process's pepper came from, for `wrongPepperMessage` (@tessera/store): the variable,
 * or the embedded pepper file by its full path; never the pepper itself.
 */
export function pepperSource(config: Config): PepperSource {
  const dir = dataDirectory(config);
  // Without TESSERA_PEPPER, an in-memory database holds only keys sealed under its own pepper.
  if (config.pepper || !dir) return { kind: 'variable' };
  return { kind: 'file', path: resolve(dir, PEPPER_FILE) };
}
