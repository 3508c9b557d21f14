/**
 * QuickXorHash the way Microsoft's reference code computes it: three 64-bit
 * cells (the last one holding 32 bits of the 160), filled 11 bits further on
 * for every byte, with bytes 160 apart XORed together first. The fake
 * OneDrive reports it for stored files; it is written apart from the SDK's
 * own implementation (src/sdk/upload/quickxor.ts), which it checks.
 *
 * @see https://learn.microsoft.com/en-us/onedrive/developer/code-snippets/quickxorhash
 */
const WIDTH = 160;
const SHIFT = 11;
const BITS_IN_LAST_CELL = 32;
const MASK_64 = (1n << 64n) - 1n;

export class ReferenceQuickXor {
  private cells = [0n, 0n, 0n];
  private shiftSoFar = 0;
  private length = 0;

  update(bytes: Uint8Array): void {
    // Byte i of this piece and every byte 160 after it land on the same bits.
    const folded = new Uint8Array(WIDTH);
    const length = bytes.byteLength;
    let i = 0;
    for (let j = 0; j < length; j++) {
      folded[i] = folded[i]! ^ bytes[j]!;
      if (++i === WIDTH) i = 0;
    }
    let cell = Math.floor(this.shiftSoFar / 64);
    let offset = this.shiftSoFar % 64;
    for (let i = 0; i < Math.min(bytes.byteLength, WIDTH); i++) {
      const lastCell = cell === this.cells.length - 1;
      const bitsInCell = lastCell ? BITS_IN_LAST_CELL : 64;
      const xored = folded[i]!;
      this.cells[cell]! ^= BigInt(xored) << BigInt(offset);
      if (offset > bitsInCell - 8) {
        // The byte straddles two cells; past the last one it wraps to the first.
        const next = lastCell ? 0 : cell + 1;
        this.cells[next]! ^= BigInt(xored) >> BigInt(bitsInCell - offset);
      }
      offset += SHIFT;
      while (offset >= bitsInCell) {
        cell = lastCell ? 0 : cell + 1;
        offset -= bitsInCell;
      }
    }
    this.shiftSoFar = (this.shiftSoFar + SHIFT * (bytes.byteLength % WIDTH)) % WIDTH;
    this.length += bytes.byteLength;
  }

  copy(): ReferenceQuickXor {
    const copy = new ReferenceQuickXor();
    copy.cells = [...this.cells];
    copy.shiftSoFar = this.shiftSoFar;
    copy.length = this.length;
    return copy;
  }

  /** Base64 of the 20 bytes: the cells little-endian (4 bytes of the last), the length XORed into the last 8. */
  digest(): string {
    const out = Buffer.alloc(24);
    this.cells.forEach((value, i) => {
      out.writeBigUInt64LE(value & MASK_64, i * 8);
    });
    const hash = out.subarray(0, 20);
    hash.writeBigUInt64LE(hash.readBigUInt64LE(12) ^ BigInt(this.length), 12);
    return hash.toString('base64');
  }
}
