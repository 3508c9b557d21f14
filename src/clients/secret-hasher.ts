import { hmac } from '@oslojs/crypto/hmac';
import { SHA256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { decodeHex, encodeHexLowerCase } from '@oslojs/encoding';
import type { Random } from '../crypto/random.js';
import type { Vault } from '../vault/vault.js';
import type { BrokerSecretStore } from './broker-secret-store.js';

/**
 * Client secrets are stored only as HMAC-SHA256 under a broker-wide pepper.
 * The pepper lives in the database, encrypted by the vault, so a copy of the
 * database alone cannot test guesses offline, and rotating vault keys does
 * not invalidate secrets (rewrap moves the pepper like any other ciphertext).
 */
export interface SecretHasher {
  hash(secret: string): Promise<string>;
  /** Constant-time: whether `secret` matches any of `hashes`. */
  matches(secret: string, hashes: readonly string[]): Promise<boolean>;
}

const PEPPER = 'client_secret_pepper';
const location = { table: 'broker_secrets', column: 'value', rowId: PEPPER };
const encoder = new TextEncoder();

export function createSecretHasher({
  secrets,
  vault,
  random,
  now,
}: {
  secrets: BrokerSecretStore;
  vault: Vault;
  random: Random;
  now: () => number;
}): SecretHasher {
  let pepper: Promise<Uint8Array> | undefined;
  const loadPepper = () => {
    pepper ??= (async () => {
      const candidate = vault.encrypt(encodeHexLowerCase(random(32)), location);
      return decodeHex(vault.decrypt(await secrets.getOrCreate(PEPPER, candidate, now()), location));
    })().catch((error) => {
      pepper = undefined;
      throw error;
    });
    return pepper;
  };
  const hash = async (secret: string) =>
    encodeHexLowerCase(hmac(SHA256, await loadPepper(), encoder.encode(secret)));

  return {
    hash,
    async matches(secret, hashes) {
      const presented = decodeHex(await hash(secret));
      let found = false;
      // Compare against every stored hash, so timing does not tell which (or how many) exist.
      for (const stored of hashes) found = constantTimeEqual(presented, decodeHex(stored)) || found;
      return found;
    },
  };
}
