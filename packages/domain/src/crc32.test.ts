import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32, uint32ToBytes } from './crc32.js';
import { encodeUtf8 } from './utf8.js';

describe('crc32', () => {
  it('matches the standard check values', () => {
    expect(crc32(encodeUtf8('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array())).toBe(0);
    expect(crc32(encodeUtf8('The quick brown fox jumps over the lazy dog'))).toBe(0x414fa339);
  });

  it('detects every single changed byte (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (bytes, pos, delta) => {
        const changed = Uint8Array.from(bytes);
        const i = pos % bytes.length;
        changed[i] = ((changed[i] as number) + delta) & 0xff;
        expect(crc32(changed)).not.toBe(crc32(bytes));
      }),
    );
  });

  it('writes big-endian bytes', () => {
    expect([...uint32ToBytes(0x01020304)]).toEqual([1, 2, 3, 4]);
    expect([...uint32ToBytes(0xffffffff)]).toEqual([255, 255, 255, 255]);
  });
});

describe('encodeUtf8', () => {
  it('encodes 1- to 4-byte characters and replaces lone surrogates', () => {
    expect([...encodeUtf8('A')]).toEqual([0x41]);
    expect([...encodeUtf8('é')]).toEqual([0xc3, 0xa9]);
    expect([...encodeUtf8('€')]).toEqual([0xe2, 0x82, 0xac]);
    expect([...encodeUtf8('😀')]).toEqual([0xf0, 0x9f, 0x98, 0x80]);
    expect([...encodeUtf8('\ud800')]).toEqual([0xef, 0xbf, 0xbd]);
    expect([...encodeUtf8('\udc00x')]).toEqual([0xef, 0xbf, 0xbd, 0x78]);
  });
});

describe('encodeUtf8 against the platform encoder', () => {
  const Platform = (globalThis as unknown as { TextEncoder?: new () => { encode(s: string): Uint8Array } }).TextEncoder;
  it.runIf(Platform !== undefined)('agrees on any string, surrogates included (property)', () => {
    const platform = new (Platform as new () => { encode(s: string): Uint8Array })();
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) }), (a, b) => {
        const s = a + b + a;
        expect([...encodeUtf8(s)]).toEqual([...platform.encode(s)]);
      }),
    );
  });

  it('agrees on ASCII, alone or followed by anything (property)', () => {
    const platform = new (Platform as new () => { encode(s: string): Uint8Array })();
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)) }), fc.string({ unit: 'binary' }), (ascii, rest) => {
        expect([...encodeUtf8(ascii)]).toEqual([...platform.encode(ascii)]);
        expect([...encodeUtf8(ascii + rest)]).toEqual([...platform.encode(ascii + rest)]);
      }),
    );
  });
});
