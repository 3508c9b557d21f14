/**
 * One-shot digests of chunk-sized byte ranges. Web Crypto copies its input
 * before hashing it on another thread; on runtimes that offer `node:crypto`
 * (Node, Deno, Bun) the bytes are hashed where they are, so an upload does
 * not leave a freed copy of every block behind it (the allocator keeps such
 * memory, and the process grows by blocks). Elsewhere, Web Crypto; without
 * either (an insecure browser context), undefined.
 */

type NodeHash = { update(data: Uint8Array): NodeHash; digest(): Uint8Array };
type NodeCrypto = { createHash(algorithm: string): NodeHash };

// Asked for at run time, not imported: bundlers for browsers and workers must not see `node:crypto`.
const nodeCrypto = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined;
const subtle = (globalThis as { crypto?: Crypto }).crypto?.subtle;

export const canDigest = nodeCrypto !== undefined || subtle !== undefined;

export async function digest(
  algorithm: 'SHA-1' | 'SHA-256',
  bytes: Uint8Array,
): Promise<Uint8Array | undefined> {
  if (nodeCrypto) {
    return new Uint8Array(
      nodeCrypto
        .createHash(algorithm === 'SHA-1' ? 'sha1' : 'sha256')
        .update(bytes)
        .digest(),
    );
  }
  if (subtle) return new Uint8Array(await subtle.digest(algorithm, bytes as Uint8Array<ArrayBuffer>));
  return undefined;
}
