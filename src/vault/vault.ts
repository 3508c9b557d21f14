import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { VaultKey } from './keys.js';

/**
 * Envelope for secrets at rest: AES-256-GCM, a fresh 96-bit nonce for every
 * encryption, and additional authenticated data naming the table, column
 * and row, so a ciphertext copied to another row or column fails to decrypt.
 *
 * Stored form: `v1.<key id>.<nonce>.<ciphertext+tag>` (base64url), so a
 * reader knows which key to use and `rewrap` can find rows on old keys.
 */

/** Where a ciphertext lives; it is bound to exactly this place. */
export interface SecretLocation {
  table: string;
  column: string;
  rowId: string;
}

export class VaultError extends Error {
  override readonly name = 'VaultError';
}

const VERSION = 'v1';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export class Vault {
  private readonly keys: Map<string, Uint8Array>;
  readonly currentKeyId: string;

  constructor(
    keys: readonly VaultKey[],
    private readonly random: (size: number) => Uint8Array = randomBytes,
  ) {
    const [first] = keys;
    if (!first) throw new VaultError('the vault needs at least one key');
    this.currentKeyId = first.id;
    this.keys = new Map(keys.map((k) => [k.id, k.material]));
  }

  encrypt(plaintext: string, where: SecretLocation): string {
    const key = this.keys.get(this.currentKeyId)!;
    const nonce = this.random(NONCE_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, nonce);
    cipher.setAAD(associatedData(this.currentKeyId, where));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
    return [
      VERSION,
      this.currentKeyId,
      Buffer.from(nonce).toString('base64url'),
      body.toString('base64url'),
    ].join('.');
  }

  decrypt(stored: string, where: SecretLocation): string {
    const { keyId, nonce, body } = parseStored(stored);
    const key = this.keys.get(keyId);
    if (!key) throw new VaultError(`no configured vault key has id "${keyId}"`);
    const decipher = createDecipheriv('aes-256-gcm', key, nonce);
    decipher.setAAD(associatedData(keyId, where));
    decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
    try {
      return Buffer.concat([
        decipher.update(body.subarray(0, body.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch (cause) {
      throw new VaultError(`ciphertext for ${where.table}.${where.column} does not authenticate`, { cause });
    }
  }

  /** True when a stored value was made with a key other than the current one. */
  needsRewrap(stored: string): boolean {
    return keyIdOf(stored) !== this.currentKeyId;
  }
}

export function keyIdOf(stored: string): string {
  return parseStored(stored).keyId;
}

function parseStored(stored: string) {
  const parts = stored.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION) throw new VaultError('not a vault ciphertext');
  try {
    // Buffer's decoder is native: this runs on every hand-out. It skips stray
    // characters instead of failing, which the tag check below catches anyway.
    const nonce = Buffer.from(parts[2]!, 'base64url');
    const body = Buffer.from(parts[3]!, 'base64url');
    if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) throw new VaultError('truncated ciphertext');
    return { keyId: parts[1]!, nonce, body };
  } catch (cause) {
    throw new VaultError('not a vault ciphertext', { cause });
  }
}

// The key id is authenticated too, so relabelling a ciphertext cannot select another key.
function associatedData(keyId: string, where: SecretLocation): Buffer {
  return Buffer.from(JSON.stringify([VERSION, keyId, where.table, where.column, where.rowId]), 'utf8');
}
