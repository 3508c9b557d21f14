import { hmac } from '@oslojs/crypto/hmac';
import { SHA256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { decodeHex, encodeHexLowerCase } from '@oslojs/encoding';
import { eq } from 'drizzle-orm';
import type { Random } from '../crypto/random.js';
import type { Database } from '../db/open.js';
import type { Vault } from '../vault/vault.js';

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
  database,
  vault,
  random,
  now,
}: {
  database: Database;
  vault: Vault;
  random: Random;
  now: () => number;
}): SecretHasher {
  let pepper: Promise<Uint8Array> | undefined;
  const loadPepper = () => {
    pepper ??= (async () => {
      const { db, tables } = database;
      const t = tables.brokerSecrets;
      // Every replica may try to create it; the first insert wins and all read that one.
      await db
        .insert(t)
        .values({
          name: PEPPER,
          value: vault.encrypt(encodeHexLowerCase(random(32)), location),
          createdAt: now(),
        })
        .onConflictDoNothing();
      const [row] = await db.select().from(t).where(eq(t.name, PEPPER)).limit(1);
      return decodeHex(vault.decrypt(row!.value, location));
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
