import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ReferenceQuickXor } from '../../../test/fakes/quickxor-reference.js';
import { QuickXorHash } from './quickxor.js';

// Published QuickXorHash test vectors (input and digest, both base64), as other OneDrive clients check them.
const VECTORS: Array<[string, string]> = [
  ['', 'AAAAAAAAAAAAAAAAAAAAAAAAAAA='],
  ['Sg==', 'SgAAAAAAAAAAAAAAAQAAAAAAAAA='],
  ['tbQ=', 'taAFAAAAAAAAAAAAAgAAAAAAAAA='],
  ['jRRDVA==', 'jaDAEKgAAAAAAAAABAAAAAAAAAA='],
  ['2fuxhBJXtpWFe8dOfdGeHw==', 'O9tHLAghgSvYohKFyMMxnNCHaHg='],
  ['T6LYJIfDh81JrAK309H2JMJTXis=', 'zBTHrspn3mEcohlJdIUAbjGNaNg='],
  [
    'jyibxJSzO6ZiZ0O1qe3tG/bvIAYssvukh9suIT5wEy1JBINVgPiqdsTW0cOpP0aUfP7mgqLfADkzI/m/GgCuVhr8oFLrOCoTx1/psBOWwhltCbhUx51Icm9aH8tY4Z3ccU+6BKpYQkLCy0B/A9Zc',
    'hZfLIilSITC6N3e3tQ/iSgEzkto=',
  ],
  [
    'PfxMcUd0vIW6VbHG/uj/Y0W6qEoKmyBD0nYebEKazKaKG+UaDqBEcmQjbfQeVnVLuodMoPp7P7TR1htX5n2VnkHh22xDyoJ8C/ZQKiSNqQfXvh83judf4RVr9exJCud8Uvgip6aVZTaPrJHVjQhMCp/dEnGvqg0oN5OVkM2qqAXvA0teKUDhgNM71sDBVBCGXxNOR2bpbD1iM4dnuT0ey4L+loXEHTL0fqMeUcEi2asgImnlNakwenDzz0x57aBwyq3AspCFGB1ncX4yYCr/OaCcS5OKi/00WH+wNQU3',
    'QX/YEpG0gDsmhEpCdWhsxDzsfVE=',
  ],
  [
    'w0LGhqU1WXFbdavqDE4kAjEzWLGGzmTNikzqnsiXHx2KRReKVTxkv27u3UcEz9+lbMvYl4xFf2Z4aE1xRBBNd1Ke5C0zToSaYw5o4B/7X99nKK2/XaUX1byLow2aju2XJl2OpKpJg+tSJ2fmjIJTkfuYUz574dFX6/VXxSxwGH/xQEAKS5TCsBK3CwnuG1p5SAsQq3gGVozDWyjEBcWDMdy8/AIFrj/y03Lfc/RNRCQTAfZbnf2QwV7sluw4fH3XJr07UoD0YqN+7XZzidtrwqMY26fpLZnyZjnBEt1FAZWO7RnKG5asg8xRk9YaDdedXdQSJAOy6bWEWlABj+tVAigBxavaluUH8LOj+yfCFldJjNLdi90fVHkUD/m4Mr5OtmupNMXPwuG3EQlqWUVpQoYpUYKLsk7a5Mvg6UFkiH596y5IbJEVCI1Kb3D1',
    'e3+wo77iKcILiZegnzyUNcjCdoQ=',
  ],
];

const bytesOf = (base64: string) => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

describe('QuickXorHash', () => {
  it.each(VECTORS)('hashes %s to its published digest', (input, digest) => {
    expect(new QuickXorHash().update(bytesOf(input)).digestBase64()).toBe(digest);
  });

  it('gives the same digest however the data is cut, and wherever it lies in memory', () => {
    for (const [input, digest] of VECTORS) {
      const data = bytesOf(input);
      for (const block of [1, 3, 4, 7, 64, 161]) {
        for (const misalign of [0, 1, 2, 3]) {
          const hash = new QuickXorHash();
          for (let at = 0; at < data.byteLength; at += block) {
            const piece = data.subarray(at, at + block);
            // The same bytes at another offset of a larger buffer: the word-wise path must not assume alignment.
            const home = new Uint8Array(piece.byteLength + 8);
            home.set(piece, misalign);
            hash.update(home.subarray(misalign, misalign + piece.byteLength));
          }
          expect(hash.digestBase64(), `${data.byteLength} bytes in blocks of ${block}`).toBe(digest);
        }
      }
    }
  });

  it('agrees with the fake OneDrive’s reference implementation on large data fed in odd pieces', () => {
    const data = new Uint8Array(randomBytes(300_001));
    const reference = new ReferenceQuickXor();
    for (let at = 0; at < data.byteLength; at += 65_537) reference.update(data.subarray(at, at + 65_537));
    const whole = new QuickXorHash().update(data).digestBase64();
    expect(whole).toBe(reference.digest());
    // Unaligned pieces larger than the copy buffer, then the rest.
    const pieces = new QuickXorHash().update(data.subarray(0, 1)).update(data.subarray(1, 200_002));
    expect(pieces.update(data.subarray(200_002)).digestBase64()).toBe(whole);
  });

  it('tells apart contents that differ in one bit or in length only', () => {
    const data = new Uint8Array(1000).fill(7);
    const flipped = data.slice();
    flipped[999] = 6;
    const base = new QuickXorHash().update(data).digestBase64();
    expect(new QuickXorHash().update(flipped).digestBase64()).not.toBe(base);
    expect(new QuickXorHash().update(data).update(new Uint8Array(160)).digestBase64()).not.toBe(base);
  });
});
