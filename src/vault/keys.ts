import { decodeBase64IgnorePadding, decodeBase64urlIgnorePadding } from '@oslojs/encoding';

/** One AES-256 key and the id stored beside every ciphertext it made. */
export interface VaultKey {
  id: string;
  material: Uint8Array;
}

export class VaultKeyError extends Error {
  override readonly name = 'VaultKeyError';
}

const keyIdPattern = /^[A-Za-z0-9_-]{1,32}$/;

/**
 * Parses `CUSTODIAN_VAULT_KEYS`: comma-separated `key_id:base64`, each 32
 * bytes. The first key encrypts; every listed key decrypts. To rotate,
 * put a new key first, then run `rewrap`, then drop the old one.
 */
export function parseVaultKeys(spec: string): VaultKey[] {
  const entries = spec
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new VaultKeyError('CUSTODIAN_VAULT_KEYS lists no key');
  const keys = entries.map((entry, index) => {
    const colon = entry.indexOf(':');
    if (colon < 0) throw new VaultKeyError(`CUSTODIAN_VAULT_KEYS entry ${index + 1} is not key_id:base64`);
    const id = entry.slice(0, colon);
    if (!keyIdPattern.test(id)) {
      throw new VaultKeyError(`CUSTODIAN_VAULT_KEYS entry ${index + 1}: key id must match ${keyIdPattern}`);
    }
    const material = decodeKey(entry.slice(colon + 1));
    if (material?.length !== 32) {
      // Never echo the value: it is (or is meant to be) a key.
      throw new VaultKeyError(`CUSTODIAN_VAULT_KEYS key "${id}" must be 32 bytes in base64`);
    }
    return { id, material };
  });
  const ids = new Set(keys.map((k) => k.id));
  if (ids.size !== keys.length) throw new VaultKeyError('CUSTODIAN_VAULT_KEYS repeats a key id');
  return keys;
}

// Padding is optional in both alphabets: `randomBytes(32).toString('base64url')`
// has none, and a quarter of such keys contain neither '-' nor '_'.
function decodeKey(text: string): Uint8Array | null {
  try {
    return /[-_]/.test(text) ? decodeBase64urlIgnorePadding(text) : decodeBase64IgnorePadding(text);
  } catch {
    return null;
  }
}
