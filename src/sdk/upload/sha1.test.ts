import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createSha1 } from './sha1.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const reference = (bytes: Uint8Array) => createHash('sha1').update(bytes).digest('hex');
const ascii = (text: string) => new TextEncoder().encode(text);

function sha1Hex(...pieces: Uint8Array[]) {
  const hash = createSha1();
  for (const piece of pieces) hash.update(piece);
  return hex(hash.digest());
}

/** Splits bytes at random points (empty pieces included), as a stream would hand them over. */
function randomSplit(bytes: Uint8Array): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.byteLength) {
    const take = Math.floor(Math.random() * Math.min(200, bytes.byteLength - at + 1));
    pieces.push(bytes.subarray(at, at + take));
    at += take;
  }
  return pieces;
}

describe('createSha1', () => {
  it('gives the FIPS 180 test vectors', () => {
    expect(sha1Hex()).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(sha1Hex(ascii('abc'))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(sha1Hex(ascii('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    );
    expect(
      sha1Hex(
        ascii(
          'abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu',
        ),
      ),
    ).toBe('a49b2446a02c645bf419f995b67091253a04a259');
    // One million 'a', fed in uneven pieces.
    const hash = createSha1();
    const piece = ascii('a'.repeat(997));
    for (let left = 1_000_000; left > 0; left -= 997) hash.update(piece.subarray(0, Math.min(997, left)));
    expect(hex(hash.digest())).toBe('34aa973cd4c4daa4f61eeb2bdbad27316534016f');
  });

  it('matches node:crypto at the padding edges (55/56/63/64/65 bytes and their multiples)', () => {
    for (const length of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 129, 191, 192, 193]) {
      const bytes = randomBytes(length);
      expect(sha1Hex(bytes), `length ${length}`).toBe(reference(bytes));
      expect(sha1Hex(...randomSplit(bytes)), `length ${length}, split`).toBe(reference(bytes));
    }
  });

  it('matches node:crypto on random inputs of many lengths, fed whole and in random pieces', () => {
    for (let length = 0; length <= 600; length++) {
      const bytes = randomBytes(length);
      expect(sha1Hex(bytes), `length ${length}`).toBe(reference(bytes));
      expect(sha1Hex(...randomSplit(bytes)), `length ${length}, split`).toBe(reference(bytes));
    }
    for (let round = 0; round < 20; round++) {
      const bytes = randomBytes(Math.floor(Math.random() * 200_000));
      expect(sha1Hex(...randomSplit(bytes))).toBe(reference(bytes));
    }
  });

  it('can give a digest mid-way and keep hashing', () => {
    const bytes = randomBytes(1000);
    const hash = createSha1();
    hash.update(bytes.subarray(0, 300));
    expect(hex(hash.digest())).toBe(reference(bytes.subarray(0, 300)));
    expect(hex(hash.digest())).toBe(reference(bytes.subarray(0, 300)));
    hash.update(bytes.subarray(300));
    expect(hex(hash.digest())).toBe(reference(bytes));
  });

  it('hashes a large input the same as node:crypto', () => {
    const bytes = randomBytes(8 * 1024 * 1024 + 13);
    expect(sha1Hex(bytes)).toBe(reference(bytes));
  });
});
