import { gt, lt } from 'drizzle-orm';
import { decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import type { ClientRecord, ClientStore } from '../clients/store.js';
import { type Random, randomToken } from '../crypto/random.js';
import type { Database } from '../db/open.js';
import { ALG, type SigningKeys } from './signing-keys.js';

/**
 * Service tokens: short-lived JWTs (`typ: at+jwt`, RFC 9068) the broker
 * issues to its service clients and checks on every service route.
 *
 * The check is on the hot path of every hand-out, so it is cached: a token
 * whose signature verified once is remembered until it expires; the revoked
 * token ids and the clients' state (enabled, grants) are re-read at most
 * every STATE_TTL_MS. A revocation, a disabled client or changed grants take
 * effect at once on the replica that made the change and within
 * STATE_TTL_MS on the others.
 */

export const SERVICE_TOKEN_TTL_SECONDS = 300;
const STATE_TTL_MS = 2_000;
const VERIFIED_CACHE_MAX = 50_000;

export interface VerifiedServiceToken {
  clientId: string;
  jti: string;
  expiresAt: number;
}

export interface ServiceTokensDeps {
  database: Database;
  clients: ClientStore;
  keys: SigningKeys;
  random: Random;
  now: () => number;
  /** Issuer and audience: the broker's public URL. */
  issuer: string;
}

export function createServiceTokens(deps: ServiceTokensDeps) {
  const verified = new Map<string, VerifiedServiceToken>();
  let revoked = { ids: new Set<string>(), at: Number.NEGATIVE_INFINITY };
  let revokedLoading: Promise<void> | undefined;
  const clientState = new Map<string, { client: ClientRecord | null; at: number }>();
  const t = deps.database.tables.revokedTokens;

  async function revokedIds(): Promise<Set<string>> {
    if (deps.now() - revoked.at < STATE_TTL_MS) return revoked.ids;
    revokedLoading ??= (async () => {
      const rows = await deps.database.db.select({ jti: t.jti }).from(t).where(gt(t.expiresAt, deps.now()));
      revoked = { ids: new Set(rows.map((r) => r.jti)), at: deps.now() };
    })().finally(() => {
      revokedLoading = undefined;
    });
    await revokedLoading;
    return revoked.ids;
  }

  async function client(clientId: string): Promise<ClientRecord | null> {
    const cached = clientState.get(clientId);
    if (cached && deps.now() - cached.at < STATE_TTL_MS) return cached.client;
    const fresh = await deps.clients.get(clientId);
    clientState.set(clientId, { client: fresh, at: deps.now() });
    return fresh;
  }

  async function verifySignature(token: string): Promise<VerifiedServiceToken | null> {
    let kid: string | undefined;
    try {
      kid = decodeProtectedHeader(token).kid;
    } catch {
      return null;
    }
    const key = kid ? await deps.keys.verificationKey(kid) : null;
    if (!key) return null;
    try {
      const { payload } = await jwtVerify(token, key, {
        algorithms: [ALG],
        issuer: deps.issuer,
        audience: deps.issuer,
        typ: 'at+jwt',
        requiredClaims: ['jti', 'sub', 'exp', 'iat'],
        currentDate: new Date(deps.now()),
      });
      if (typeof payload.jti !== 'string' || typeof payload.sub !== 'string') return null;
      return { clientId: payload.sub, jti: payload.jti, expiresAt: payload.exp! * 1000 };
    } catch {
      return null;
    }
  }

  return {
    async issue(clientId: string): Promise<{ token: string; expiresIn: number; jti: string }> {
      const { kid, privateKey } = await deps.keys.current();
      const jti = randomToken(deps.random, 16);
      const now = Math.floor(deps.now() / 1000);
      const token = await new SignJWT({ client_id: clientId })
        .setProtectedHeader({ alg: ALG, typ: 'at+jwt', kid })
        .setIssuer(deps.issuer)
        .setAudience(deps.issuer)
        .setSubject(clientId)
        .setIssuedAt(now)
        .setExpirationTime(now + SERVICE_TOKEN_TTL_SECONDS)
        .setJti(jti)
        .sign(privateKey);
      return { token, expiresIn: SERVICE_TOKEN_TTL_SECONDS, jti };
    },

    /**
     * What `authenticate` would answer, when everything it needs is already in memory (the common
     * case, on the hot path); undefined when it is not, and `authenticate` must look.
     */
    authenticateCached(
      token: string,
    ): { token: VerifiedServiceToken; client: ClientRecord } | null | undefined {
      const claims = verified.get(token);
      const now = deps.now();
      if (claims === undefined || claims.expiresAt <= now || now - revoked.at >= STATE_TTL_MS)
        return undefined;
      const state = clientState.get(claims.clientId);
      if (state === undefined || now - state.at >= STATE_TTL_MS) return undefined;
      if (revoked.ids.has(claims.jti) || !state.client?.is_enabled) return null;
      return { token: claims, client: state.client };
    },

    /** The client behind a valid, unrevoked token of an enabled client; null for anything else. */
    async authenticate(token: string): Promise<{ token: VerifiedServiceToken; client: ClientRecord } | null> {
      let claims = verified.get(token);
      if (!claims) {
        const checked = await verifySignature(token);
        if (!checked) return null;
        if (verified.size >= VERIFIED_CACHE_MAX) verified.clear();
        verified.set(token, checked);
        claims = checked;
      }
      if (claims.expiresAt <= deps.now()) {
        verified.delete(token);
        return null;
      }
      if ((await revokedIds()).has(claims.jti)) return null;
      const owner = await client(claims.clientId);
      if (!owner?.is_enabled) return null;
      return { token: claims, client: owner };
    },

    /** RFC 7009 for service tokens: true when it was a live token of this client. */
    async revoke(token: string, clientId: string): Promise<boolean> {
      const claims = verified.get(token) ?? (await verifySignature(token));
      if (!claims || claims.clientId !== clientId) return false;
      await deps.database.db
        .insert(t)
        .values({ jti: claims.jti, expiresAt: claims.expiresAt })
        .onConflictDoNothing();
      revoked.ids.add(claims.jti);
      verified.delete(token);
      return true;
    },

    /** Forgets revocations of tokens that have expired anyway. */
    async pruneRevoked(): Promise<void> {
      await deps.database.db.delete(t).where(lt(t.expiresAt, deps.now()));
    },

    /** Drops cached client state, after an admin change on this replica. */
    forgetClient(clientId: string): void {
      clientState.delete(clientId);
    },
  };
}

export type ServiceTokens = ReturnType<typeof createServiceTokens>;
