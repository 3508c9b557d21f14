/**
 * OneDrive's QuickXorHash, the `file.hashes.quickXorHash` Graph reports for
 * a stored file: byte k of the content is XORed into a 160-bit ring at bit
 * (11·k) mod 160, and the content's length (64 bits, little-endian) into
 * the last 8 of its 20 bytes. The SDK needs it to recognise its own file
 * when the answer to an upload's last fragment was lost.
 *
 * A byte's place depends only on k mod 160, so bytes are first XORed into
 * 160 lanes (4 at a time where the memory allows) and put in their places
 * once, when the digest is taken.
 *
 * @see https://learn.microsoft.com/en-us/onedrive/developer/code-snippets/quickxorhash
 */
const SCRATCH_BYTES = 64 * 1024;

export class QuickXorHash {
  private readonly lanes = new Uint8Array(160);
  private readonly laneWords = new Uint32Array(this.lanes.buffer);
  /** Where data that does not lie on a 4-byte boundary is copied first, so that it can go 4 bytes at a time. */
  private scratch: Uint8Array | null = null;
  private length = 0;

  update(data: Uint8Array): this {
    if ((data.byteOffset - (this.length % 4)) % 4 === 0) return this.fold(data);
    this.scratch ??= new Uint8Array(SCRATCH_BYTES + 4);
    const scratch = this.scratch;
    for (let at = 0; at < data.byteLength; at += SCRATCH_BYTES) {
      const piece = data.subarray(at, at + SCRATCH_BYTES);
      const offset = this.length % 4;
      scratch.set(piece, offset);
      this.fold(scratch.subarray(offset, offset + piece.byteLength));
    }
    return this;
  }

  /** XORs `data` into the lanes: a byte at a time up to a word boundary, then a word at a time. */
  private fold(data: Uint8Array): this {
    const lanes = this.lanes;
    let lane = this.length % 160;
    let i = 0;
    const aligned = (data.byteOffset - lane) % 4 === 0;
    const length = data.byteLength;
    for (; aligned && i < length && lane % 4 !== 0; i++) {
      lanes[lane] = lanes[lane]! ^ data[i]!;
      if (++lane === 160) lane = 0;
    }
    // Short of 4 bytes the loop above may have stopped off a boundary, where a view would throw.
    if (aligned && length - i >= 4) {
      const count = (length - i) >>> 2;
      const words = new Uint32Array(data.buffer, data.byteOffset + i, count);
      const laneWords = this.laneWords;
      let word = lane / 4;
      for (let w = 0; w < count; w++) {
        laneWords[word] = laneWords[word]! ^ words[w]!;
        if (++word === 40) word = 0;
      }
      i += count * 4;
      lane = word * 4;
    }
    for (; i < length; i++) {
      lanes[lane] = lanes[lane]! ^ data[i]!;
      if (++lane === 160) lane = 0;
    }
    this.length += length;
    return this;
  }

  /** The 20-byte digest, base64-encoded as Graph reports it. */
  digestBase64(): string {
    const ring = new Uint8Array(20);
    for (let lane = 0; lane < 160; lane++) {
      const value = this.lanes[lane]!;
      if (value === 0) continue;
      const bit = (lane * 11) % 160;
      const at = bit >>> 3;
      const shift = bit & 7;
      ring[at] = ring[at]! ^ ((value << shift) & 0xff);
      const next = (at + 1) % 20;
      if (shift !== 0) ring[next] = ring[next]! ^ (value >>> (8 - shift));
    }
    let length = this.length;
    for (let i = 12; i < 20; i++) {
      ring[i] = ring[i]! ^ (length % 256);
      length = Math.floor(length / 256);
    }
    let binary = '';
    for (const byte of ring) binary += String.fromCharCode(byte);
    return btoa(binary);
  }
}
