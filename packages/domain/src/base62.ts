/** The base62 alphabet, in ASCII-ascending order: fixed-width encodings sort like the numbers they hold. */
export const BASE62_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const BASE = 62n;
const LIMB = 2 ** 24;
const BASE62_PATTERN = /^[0-9A-Za-z]*$/;

/** Reads bytes as one big-endian unsigned integer. */
export function bytesToBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

/**
 * Encodes a non-negative integer in base62, left-padded with '0' to exactly `width` characters.
 * Throws a RangeError when the value does not fit (a bug: widths are chosen to fit).
 */
export function encodeBase62BigInt(value: bigint, width: number): string {
  checkWidth(width);
  if (value < 0n) throw new RangeError('base62 cannot encode a negative value');
  const digits = new Array<string>(width);
  let rest = value;
  for (let i = width - 1; i >= 0; i--) {
    digits[i] = BASE62_ALPHABET.charAt(Number(rest % BASE));
    rest /= BASE;
  }
  if (rest !== 0n) throw new RangeError(`value does not fit in ${width} base62 characters`);
  return digits.join('');
}

/**
 * Encodes bytes (read as a big-endian unsigned integer) in base62, left-padded with '0' to
 * exactly `width` characters. Throws a RangeError when they do not fit.
 *
 * Same result as `encodeBase62BigInt(bytesToBigInt(bytes), width)`, computed without BigInt: ids
 * and secret checksums are made on every token request, and a BigInt division per digit costs
 * about three times more. The bytes are read as 24-bit limbs, so that a limb plus the carried
 * remainder (< 62 × 2^24) stays an exact integer, and divided by 62 once per digit.
 */
export function encodeBase62(bytes: Uint8Array, width: number): string {
  checkWidth(width);
  const limbCount = Math.ceil(bytes.length / 3);
  const limbs = new Array<number>(limbCount).fill(0);
  const shift = limbCount * 3 - bytes.length; // the first limb takes the odd bytes
  for (let i = 0; i < bytes.length; i++) {
    const at = Math.floor((i + shift) / 3);
    limbs[at] = limbs[at]! * 256 + bytes[i]!;
  }
  const digits = new Array<string>(width);
  let first = 0; // limbs before it are zero
  for (let i = width - 1; i >= 0; i--) {
    while (first < limbCount && limbs[first] === 0) first++;
    let remainder = 0;
    for (let j = first; j < limbCount; j++) {
      const current = remainder * LIMB + limbs[j]!;
      const quotient = Math.floor(current / 62);
      limbs[j] = quotient;
      remainder = current - quotient * 62;
    }
    digits[i] = BASE62_ALPHABET[remainder]!;
  }
  while (first < limbCount && limbs[first] === 0) first++;
  if (first < limbCount) throw new RangeError(`value does not fit in ${width} base62 characters`);
  return digits.join('');
}

function checkWidth(width: number): void {
  if (!Number.isInteger(width) || width < 1) throw new RangeError(`base62 width must be a positive integer, got ${width}`);
}

/** Decodes a base62 string to its integer value, or `null` when it is empty or has a foreign character. */
export function decodeBase62(text: string): bigint | null {
  if (text.length === 0 || !BASE62_PATTERN.test(text)) return null;
  let value = 0n;
  for (const char of text) value = value * BASE + BigInt(BASE62_ALPHABET.indexOf(char));
  return value;
}

/** True when every character of `text` is in the base62 alphabet (the empty string included). */
export function isBase62(text: string): boolean {
  return BASE62_PATTERN.test(text);
}

/**
 * The largest `width`-character base62 string that `byteLength` bytes can produce. Because the
 * encoding is fixed width and the alphabet ASCII-ascending, `s <= max` (string compare) tells
 * whether a well-formed string is in range.
 */
export function maxBase62For(byteLength: number, width: number): string {
  return encodeBase62BigInt((1n << BigInt(8 * byteLength)) - 1n, width);
}
