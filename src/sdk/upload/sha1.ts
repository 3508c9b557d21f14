/**
 * A streaming SHA-1 (FIPS 180-4) in plain TypeScript.
 *
 * Web Crypto only hashes a whole buffer at once, but Box's upload-session
 * commit needs the SHA-1 of the whole file while the uploader holds a single
 * part of it, so the file's hash has to be fed part by part.
 * SHA-1 is used here as Box's integrity check, not for security.
 */
export interface Sha1 {
  /** Adds bytes to the hash. */
  update(bytes: Uint8Array): void;
  /** The 20-byte digest of everything added so far; the hash can still be updated afterwards. */
  digest(): Uint8Array;
}

const BLOCK = 64;

export function createSha1(): Sha1 {
  const state = new Int32Array([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);
  const words = new Int32Array(80); // the message schedule, reused for every block
  const pending = new Uint8Array(BLOCK); // bytes of a block not yet complete
  let pendingLength = 0;
  let totalBytes = 0;

  return {
    update(bytes) {
      totalBytes += bytes.byteLength;
      let at = 0;
      // Complete a block left over from the previous update first.
      if (pendingLength > 0) {
        const take = Math.min(BLOCK - pendingLength, bytes.byteLength);
        pending.set(bytes.subarray(0, take), pendingLength);
        pendingLength += take;
        at = take;
        if (pendingLength < BLOCK) return;
        compress(state, words, pending, 0);
        pendingLength = 0;
      }
      // Whole blocks straight from the input, without copying.
      for (; at + BLOCK <= bytes.byteLength; at += BLOCK) compress(state, words, bytes, at);
      pending.set(bytes.subarray(at), 0);
      pendingLength = bytes.byteLength - at;
    },

    digest() {
      // Pad a copy, so the running state is untouched: 0x80, zeros, then the length in bits (64-bit big-endian).
      const h = state.slice();
      const tail = new Uint8Array(pendingLength < 56 ? BLOCK : 2 * BLOCK);
      tail.set(pending.subarray(0, pendingLength));
      tail[pendingLength] = 0x80;
      const bits = totalBytes * 8; // exact in a double up to 2^53
      const high = Math.floor(bits / 0x1_0000_0000);
      const low = bits >>> 0;
      const end = tail.byteLength;
      writeUint32(tail, end - 8, high);
      writeUint32(tail, end - 4, low);
      for (let at = 0; at < end; at += BLOCK) compress(h, words, tail, at);
      const out = new Uint8Array(20);
      for (let i = 0; i < 5; i++) writeUint32(out, i * 4, h[i]!);
      return out;
    },
  };
}

function writeUint32(bytes: Uint8Array, at: number, value: number) {
  bytes[at] = value >>> 24;
  bytes[at + 1] = value >>> 16;
  bytes[at + 2] = value >>> 8;
  bytes[at + 3] = value;
}

/** Processes one 64-byte block of `bytes` at `at` into `h`. */
function compress(h: Int32Array, w: Int32Array, bytes: Uint8Array, at: number) {
  for (let i = 0; i < 16; i++) {
    const j = at + i * 4;
    w[i] = (bytes[j]! << 24) | (bytes[j + 1]! << 16) | (bytes[j + 2]! << 8) | bytes[j + 3]!;
  }
  for (let i = 16; i < 80; i++) {
    const x = w[i - 3]! ^ w[i - 8]! ^ w[i - 14]! ^ w[i - 16]!;
    w[i] = (x << 1) | (x >>> 31);
  }
  let a = h[0]!;
  let b = h[1]!;
  let c = h[2]!;
  let d = h[3]!;
  let e = h[4]!;
  // Four rounds of 20 steps, each with its own function and constant (kept as separate loops: faster in V8).
  for (let i = 0; i < 20; i++) {
    const t = (((a << 5) | (a >>> 27)) + ((b & c) | (~b & d)) + e + 0x5a827999 + w[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (let i = 20; i < 40; i++) {
    const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0x6ed9eba1 + w[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (let i = 40; i < 60; i++) {
    const t = (((a << 5) | (a >>> 27)) + ((b & c) | (b & d) | (c & d)) + e + 0x8f1bbcdc + w[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  for (let i = 60; i < 80; i++) {
    const t = (((a << 5) | (a >>> 27)) + (b ^ c ^ d) + e + 0xca62c1d6 + w[i]!) | 0;
    e = d;
    d = c;
    c = (b << 30) | (b >>> 2);
    b = a;
    a = t;
  }
  h[0] = (h[0]! + a) | 0;
  h[1] = (h[1]! + b) | 0;
  h[2] = (h[2]! + c) | 0;
  h[3] = (h[3]! + d) | 0;
  h[4] = (h[4]! + e) | 0;
}
