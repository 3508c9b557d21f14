import { createHash, randomBytes } from 'node:crypto';
import type { TestAuthorizationServer } from './authorization-server.js';
import { TestBrowser } from './browser.js';

export interface Grant {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  scope: string;
}

/**
 * Runs an authorization code + PKCE flow against the test server by hand, as
 * a client of its own, to get a real grant (rotating refresh token included)
 * without a broker. `redirectUri` must be registered; nothing needs to serve it.
 */
export async function obtainGrant(
  as: TestAuthorizationServer,
  redirectUri: string,
  account: string,
  scope = 'openid email profile offline_access',
): Promise<Grant> {
  as.setLogin(account);
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const state = randomBytes(16).toString('base64url');
  const authorize = new URL(as.endpoints.authorization);
  for (const [k, v] of Object.entries({
    client_id: as.clientId,
    response_type: 'code',
    redirect_uri: redirectUri,
    scope,
    state,
    prompt: 'consent',
    code_challenge: challenge,
    code_challenge_method: 'S256',
  })) {
    authorize.searchParams.set(k, v);
  }
  const target = new URL(redirectUri);
  const visit = await new TestBrowser({
    stopAt: (url) => url.origin === target.origin && url.pathname === target.pathname,
  }).visit(authorize.toString());
  const back = new URL(visit.url).searchParams;
  if (back.get('state') !== state || !back.get('code')) throw new Error(`authorization failed: ${visit.url}`);
  const basic = Buffer.from(
    `${encodeURIComponent(as.clientId)}:${encodeURIComponent(as.clientSecret)}`,
  ).toString('base64');
  const res = await fetch(as.endpoints.token, {
    method: 'POST',
    headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: back.get('code')!,
      redirect_uri: redirectUri,
      code_verifier: verifier,
    }),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 200 || typeof body.refresh_token !== 'string') {
    throw new Error(`token exchange failed: ${res.status} ${String(body.error)}`);
  }
  return {
    accessToken: String(body.access_token),
    refreshToken: body.refresh_token,
    expiresIn: Number(body.expires_in),
    scope: String(body.scope ?? scope),
  };
}
