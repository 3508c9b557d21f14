import { type CryptoKey, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { type Random, randomToken } from '../crypto/random.js';
import type { Vault } from '../vault/vault.js';
import type { SigningKeyStore } from './signing-key-store.js';

/**
 * The broker's own signing keys (ES256), kept in the database with the
 * private half encrypted by the vault, so every replica signs and verifies
 * with the same keys. Rotation adds a key that signs from then on; a retired
 * key stays published and accepted for RETIRED_GRACE_MS, longer than any
 * token it signed can live.
 */

export const ALG = 'ES256';
export const RETIRED_GRACE_MS = 15 * 60 * 1000;
const RELOAD_MS = 60_000;
const UNKNOWN_KID_RELOAD_MS = 5_000;

interface LoadedKey {
  kid: string;
  createdAt: number;
  retiredAt: number | null;
  publicJwk: JWK;
  publicKey: CryptoKey;
  privateKey: CryptoKey | null;
}

const privateLocation = (kid: string) => ({ table: 'signing_keys', column: 'private_jwk', rowId: kid });

export function createSigningKeys(deps: {
  store: SigningKeyStore;
  vault: Vault;
  random: Random;
  now: () => number;
}) {
  let loaded: { keys: LoadedKey[]; at: number } | undefined;
  let loading: Promise<LoadedKey[]> | undefined;

  async function insertKey(): Promise<string> {
    const { privateKey } = await generateKeyPair(ALG, { extractable: true });
    const kid = randomToken(deps.random, 12);
    const privateJwk = await exportJWK(privateKey);
    const { d: _d, ...publicJwk } = privateJwk;
    await deps.store.insert({
      kid,
      alg: ALG,
      privateJwk: deps.vault.encrypt(JSON.stringify(privateJwk), privateLocation(kid)),
      publicJwk: JSON.stringify({ ...publicJwk, kid, alg: ALG, use: 'sig' }),
      createdAt: deps.now(),
      retiredAt: null,
    });
    return kid;
  }

  async function load(): Promise<LoadedKey[]> {
    const rows = await deps.store.usable(deps.now() - RETIRED_GRACE_MS);
    const keys = await Promise.all(
      rows.map(async (row): Promise<LoadedKey> => {
        const publicJwk = JSON.parse(row.publicJwk) as JWK;
        return {
          kid: row.kid,
          createdAt: row.createdAt,
          retiredAt: row.retiredAt,
          publicJwk,
          publicKey: (await importJWK(publicJwk, ALG)) as CryptoKey,
          privateKey:
            row.retiredAt === null
              ? ((await importJWK(
                  JSON.parse(deps.vault.decrypt(row.privateJwk, privateLocation(row.kid))),
                  ALG,
                )) as CryptoKey)
              : null,
        };
      }),
    );
    loaded = { keys, at: deps.now() };
    return keys;
  }

  const reload = () => {
    loading ??= load().finally(() => {
      loading = undefined;
    });
    return loading;
  };

  async function keys(maxAgeMs = RELOAD_MS): Promise<LoadedKey[]> {
    if (loaded && deps.now() - loaded.at < maxAgeMs) return loaded.keys;
    return reload();
  }

  return {
    /** The newest active key; the first one is made on first use. */
    async current(): Promise<{ kid: string; privateKey: CryptoKey }> {
      let active = (await keys()).find((k) => k.privateKey !== null);
      if (!active) {
        await insertKey();
        active = (await reload()).find((k) => k.privateKey !== null);
      }
      return { kid: active!.kid, privateKey: active!.privateKey! };
    },
    /** Keys to publish at /.well-known/jwks.json. */
    async published(): Promise<JWK[]> {
      return (await keys()).map((k) => k.publicJwk);
    },
    /** The public key for a kid; an unknown kid triggers a (rate-limited) reload, for rotation on another replica. */
    async verificationKey(kid: string): Promise<CryptoKey | null> {
      let found = (await keys()).find((k) => k.kid === kid);
      if (!found && loaded && deps.now() - loaded.at >= UNKNOWN_KID_RELOAD_MS) {
        found = (await reload()).find((k) => k.kid === kid);
      }
      return found?.publicKey ?? null;
    },
    /** Adds a new signing key and retires the others (they stay valid for the grace period). */
    async rotate(): Promise<string> {
      const kid = await insertKey();
      await deps.store.retireAllBut(kid, deps.now());
      await reload();
      return kid;
    },
  };
}

export type SigningKeys = ReturnType<typeof createSigningKeys>;
