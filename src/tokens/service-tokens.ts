import { decodeProtectedHeader, jwtVerify, SignJWT } from 'jose';
import type { ClientRecord, ClientStore } from '../clients/store.js';
import { type Random, randomToken } from '../crypto/random.js';
import type { RevokedTokenStore } from './revoked-token-store.js';
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
  revocations: RevokedTokenStore;
  clients: ClientStore;
  keys: SigningKeys;
  random: Random;
  now: () => number;
  /** Issuer and audience: the broker's public URL. */
  issuer: string;
}

type Authenticated = { token: VerifiedServiceToken; client: ClientRecord };

export function createServiceTokens(deps: ServiceTokensDeps) {
  const verified = new Map<string, VerifiedServiceToken>();
  let revoked = { ids: new Set<string>(), at: Number.NEGATIVE_INFINITY };
  let revokedLoading: Promise<void> | undefined;
  const clientState = new Map<string, { client: ClientRecord | null; at: number }>();

  /** Re-reads the revoked token ids when they are older than STATE_TTL_MS (one read for all waiting). */
  async function loadRevoked(): Promise<void> {
    if (deps.now() - revoked.at < STATE_TTL_MS) return;
    revokedLoading ??= (async () => {
      revoked = { ids: new Set(await deps.revocations.live(deps.now())), at: deps.now() };
    })().finally(() => {
      revokedLoading = undefined;
    });
    await revokedLoading;
  }

  /** Re-reads a client's state (enabled, grants) when it is older than STATE_TTL_MS. */
  async function loadClient(clientId: string): Promise<void> {
    const cached = clientState.get(clientId);
    if (cached && deps.now() - cached.at < STATE_TTL_MS) return;
    clientState.set(clientId, { client: await deps.clients.get(clientId), at: deps.now() });
  }

  /**
   * The one judgement of a token, from what is in memory: null when it is expired, revoked or its
   * client disabled or gone; undefined when something it needs is not loaded, or (with `fresh`)
   * older than STATE_TTL_MS.
   */
  function judge(token: string, fresh: boolean): Authenticated | null | undefined {
    const claims = verified.get(token);
    if (claims === undefined) return undefined;
    const now = deps.now();
    if (claims.expiresAt <= now) {
      verified.delete(token);
      return null;
    }
    const state = clientState.get(claims.clientId);
    if (state === undefined) return undefined;
    if (fresh && (now - revoked.at >= STATE_TTL_MS || now - state.at >= STATE_TTL_MS)) return undefined;
    if (revoked.ids.has(claims.jti) || !state.client?.is_enabled) return null;
    return { token: claims, client: state.client };
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

  /** `authenticate` when something is not in memory: reads it, then judges. */
  async function load(token: string): Promise<Authenticated | null> {
    let claims = verified.get(token);
    if (!claims) {
      const checked = await verifySignature(token);
      if (!checked) return null;
      if (verified.size >= VERIFIED_CACHE_MAX) verified.clear();
      verified.set(token, checked);
      claims = checked;
    }
    await loadRevoked();
    await loadClient(claims.clientId);
    // Just loaded: judged as it is, however long the loading took.
    return judge(token, false) ?? null;
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
     * The client behind a valid, unrevoked token of an enabled client; null for anything else.
     * Answered at once when all it needs is in memory and fresh (the common case, on the hot
     * path); a promise when something must be read first.
     */
    authenticate(token: string): Authenticated | null | Promise<Authenticated | null> {
      const known = judge(token, true);
      return known !== undefined ? known : load(token);
    },

    /** RFC 7009 for service tokens: true when it was a live token of this client. */
    async revoke(token: string, clientId: string): Promise<boolean> {
      const claims = verified.get(token) ?? (await verifySignature(token));
      if (!claims || claims.clientId !== clientId) return false;
      await deps.revocations.add(claims.jti, claims.expiresAt, deps.now());
      revoked.ids.add(claims.jti);
      verified.delete(token);
      return true;
    },

    /** Drops cached client state, after an admin change on this replica. */
    forgetClient(clientId: string): void {
      clientState.delete(clientId);
    },
  };
}

export type ServiceTokens = ReturnType<typeof createServiceTokens>;
