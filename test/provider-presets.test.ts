import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAuthorizationUrl } from '../src/connect/authorization-url.js';
import { readConnectionMetadata } from '../src/connections/metadata.js';
import { fetchAccount } from '../src/oauth/account.js';
import {
  exchangeCode,
  type ProviderWithSecret,
  refreshTokens,
  revokeToken,
} from '../src/oauth/provider-client.js';
import { checkConnectionParams, resolveProvider } from '../src/providers/connection-params.js';
import { endpointFields } from '../src/providers/definition.js';
import type { Preset } from '../src/providers/model.js';
import { findPreset, presets } from '../src/providers/presets/catalog.js';
import { classifyRefreshFailure } from '../src/refresh/classify-failure.js';
import { ProviderError, UnexpectedResponseError } from '../src/upstream/errors.js';
import { createUpstreamFetch } from '../src/upstream/http-client.js';
import {
  type FakeProvider,
  loadProviderFixtures,
  type ProviderFixture,
  startFakeProvider,
} from './support/fake-provider.js';

/**
 * Each preset against a recording of its provider's documented answers
 * (test/fixtures/providers/*.json), served by a local fake that enforces the
 * documented rules: the authorization URL the preset produces, the token
 * request it sends, the refresh it sends, and how it reads the account.
 */

const NOW = 1_800_000_000_000;
const CLIENT = { id: 'client id/with+odd%chars', secret: 'secret:with+odd chars%' };
const REDIRECT_URI = 'https://broker.example/oauth/callback/preset';
const STATE = 'state-0123456789abcdef0123456789abcdef';
const VERIFIER = 'verifier-0123456789abcdef0123456789abcdef0123456789';
const CODE = 'code-from-the-provider';

const fixtures = loadProviderFixtures();
const upstream = createUpstreamFetch({
  policy: { allowLoopbackHttp: true },
  timeoutMs: 5000,
  maxResponseBytes: 64 * 1024,
  userAgent: 'custodian-test/1 (presets)',
});
const deps = { fetch: upstream, now: () => NOW, allowInsecureRequests: true };

/** The preset as one connection sees it: its URLs resolved with the fixture's connection parameters. */
function resolved(preset: Preset, params: Record<string, string> = {}): Preset {
  // The values a connect session would give: they must pass the preset's declared patterns.
  expect(checkConnectionParams(preset.connection_params, params)).toEqual([]);
  return resolveProvider(preset, params);
}

/** A stored provider from the preset, every endpoint pointed at the fake. */
function providerAt(preset: Preset, fake: FakeProvider): ProviderWithSecret {
  const { id, description: _d, docs_url: _u, ...template } = preset;
  const local = (url: string | null) => (url === null ? null : fake.local(url));
  return {
    ...template,
    authorization_url: fake.local(template.authorization_url),
    token_url: fake.local(template.token_url),
    userinfo_url: local(template.userinfo_url),
    revocation_url: local(template.revocation_url),
    metadata_requests: template.metadata_requests.map((r) => ({ ...r, url: fake.local(r.url) })),
    provider_id: id,
    preset: id,
    is_enabled: true,
    client_id: CLIENT.id,
    client_secret_ciphertext: 'v1.test.not-really-ciphertext',
    client_secret: CLIENT.secret,
    created_at: NOW,
    updated_at: NOW,
  };
}

const expiresAt = (answer: Record<string, unknown>, preset: Preset) => {
  const lifetime =
    typeof answer.expires_in === 'number' ? answer.expires_in : preset.default_token_lifetime_seconds;
  return lifetime === null ? null : NOW + lifetime * 1000;
};

it('has a recording for every preset in the catalog', () => {
  expect(fixtures.map((f) => f.preset).sort()).toEqual(presets.map((p) => p.id));
});

describe.each(fixtures.map((f) => [f.preset, f] as const))('%s', (_id, fixture: ProviderFixture) => {
  const preset = resolved(findPreset(fixture.preset)!, fixture.connection_params);
  let fake: FakeProvider;
  let provider: ProviderWithSecret;
  beforeAll(async () => {
    fake = await startFakeProvider(fixture, CLIENT);
    provider = providerAt(preset, fake);
  });
  afterAll(async () => {
    await fake.close();
  });

  it('names its documentation and has no placeholder left once its connection parameters are filled', () => {
    expect(fixture.sources.length).toBeGreaterThan(0);
    for (const field of endpointFields) expect(preset[field] ?? '').not.toMatch(/[{}]/);
  });

  it('builds the documented authorization URL', async () => {
    const url = new URL(
      await buildAuthorizationUrl(
        { ...provider, authorization_url: preset.authorization_url },
        {
          redirectUri: REDIRECT_URI,
          scopes: preset.scopes,
          state: STATE,
          codeVerifier: preset.pkce ? VERIFIER : null,
          nonce: null,
        },
      ),
    );
    expect(`${url.origin}${url.pathname}`).toBe(fixture.authorization.url);
    expect(preset.pkce).toBe(fixture.authorization.pkce);
    const params = Object.fromEntries(url.searchParams);
    expect(params).toEqual({
      ...fixture.authorization.params,
      response_type: 'code',
      client_id: CLIENT.id,
      redirect_uri: REDIRECT_URI,
      state: STATE,
      ...(fixture.authorization.scope === null ? {} : { scope: fixture.authorization.scope }),
      ...(fixture.authorization.pkce
        ? { code_challenge: params.code_challenge, code_challenge_method: 'S256' }
        : {}),
    });
  });

  it('exchanges a code with the documented token request and reads the answer', async () => {
    const challenge = preset.pkce
      ? new URL(
          await buildAuthorizationUrl(provider, {
            redirectUri: REDIRECT_URI,
            scopes: [],
            state: STATE,
            codeVerifier: VERIFIER,
            nonce: null,
          }),
        ).searchParams.get('code_challenge')
      : null;
    fake.issueCode(CODE, { redirectUri: REDIRECT_URI, challenge });

    const { tokens, answer } = await exchangeCode(deps, provider, {
      code: CODE,
      redirectUri: REDIRECT_URI,
      codeVerifier: preset.pkce ? VERIFIER : null,
    });

    expect(fake.violations).toEqual([]);
    const documented = fixture.token.answer;
    expect(tokens.accessToken).toBe(documented.access_token);
    expect(tokens.refreshToken).toBe(documented.refresh_token ?? null);
    expect(tokens.expiresAt).toBe(expiresAt(documented, preset));
    // A stated refresh-token lifetime (Shopify, GitHub Apps) is kept; none stated, none assumed here.
    expect(tokens.refreshTokenExpiresAt).toBe(
      typeof documented.refresh_token_expires_in === 'number'
        ? NOW + documented.refresh_token_expires_in * 1000
        : null,
    );

    if ('error' in fixture.account) {
      const failure = await fetchAccount(upstream, provider, tokens.accessToken, answer).catch(
        (e: unknown) => e,
      );
      expect(failure).toBeInstanceOf(UnexpectedResponseError);
      expect((failure as Error).message).toBe(fixture.account.error);
    } else {
      expect(await fetchAccount(upstream, provider, tokens.accessToken, answer)).toEqual(fixture.account);
      expect(fake.violations).toEqual([]);
    }
  });

  it('keeps the connection metadata the provider documents, and nothing else', async () => {
    const challenge = preset.pkce
      ? new URL(
          await buildAuthorizationUrl(provider, {
            redirectUri: REDIRECT_URI,
            scopes: [],
            state: STATE,
            codeVerifier: VERIFIER,
            nonce: null,
          }),
        ).searchParams.get('code_challenge')
      : null;
    const before = fake.violations.length;
    fake.issueCode(`${CODE}-metadata`, { redirectUri: REDIRECT_URI, challenge });
    const { tokens, answer } = await exchangeCode(deps, provider, {
      code: `${CODE}-metadata`,
      redirectUri: REDIRECT_URI,
      codeVerifier: preset.pkce ? VERIFIER : null,
    });
    const callbackQuery = new URLSearchParams({ code: CODE, state: STATE, ...fixture.metadata?.callback });
    const metadata = await readConnectionMetadata(upstream, provider, {
      callbackQuery,
      answer,
      tokens,
      params: fixture.connection_params ?? null,
    });
    expect(metadata).toEqual(fixture.metadata?.expected ?? {});
    expect(fake.violations.slice(before)).toEqual([]);
  });

  it('reports a bad code with the error the provider documents', async () => {
    const failure = await exchangeCode(deps, provider, {
      code: 'not-a-code-it-issued',
      redirectUri: REDIRECT_URI,
      codeVerifier: preset.pkce ? VERIFIER : null,
    }).catch((e: unknown) => e);
    const documented = fixture.token.error.body.error;
    if (typeof documented === 'string') {
      expect(failure).toBeInstanceOf(ProviderError);
      expect((failure as ProviderError).oauthError).toBe(documented);
    } else {
      // An error body without an OAuth `error` field (HubSpot's v1 shape) is an unexpected answer.
      expect(failure).toBeInstanceOf(UnexpectedResponseError);
      expect((failure as UnexpectedResponseError).status).toBe(fixture.token.error.status);
    }
  });

  it('refreshes with the documented request, or issues no refresh token at all', async () => {
    if (fixture.refresh === undefined) {
      expect(fixture.token.answer.refresh_token).toBeUndefined();
      return;
    }
    const tokens = await refreshTokens(deps, provider, String(fixture.token.answer.refresh_token));
    expect(fake.violations.filter((v) => !v.startsWith('userinfo'))).toEqual([]);
    const documented = fixture.refresh.answer;
    expect(tokens.accessToken).toBe(documented.access_token);
    // No refresh_token in the answer: null, and the caller keeps the stored one (Dropbox, Google, Salesforce).
    expect(tokens.refreshToken).toBe(documented.refresh_token ?? null);
    expect(tokens.expiresAt).toBe(expiresAt(documented, preset));
  });

  it('revokes with the client authentication its revocation endpoint documents, or has none', async () => {
    if (preset.revocation_url === null) {
      expect(fixture.revocation).toBeUndefined();
      return;
    }
    expect(fixture.revocation, 'record the revocation endpoint and its client authentication').toBeDefined();
    expect(preset.revocation_url).toBe(fixture.revocation!.url);
    const refreshToken = fixture.token.answer.refresh_token;
    const [before, broken] = [fake.requests.length, fake.violations.length];
    await (typeof refreshToken === 'string'
      ? revokeToken(deps, provider, refreshToken, 'refresh_token')
      : revokeToken(deps, provider, String(fixture.token.answer.access_token), 'access_token'));
    expect(fake.violations.slice(broken)).toEqual([]);
    expect(fake.requests.slice(before).map((r) => `${r.method} ${r.url}`)).toEqual([
      `POST ${fixture.revocation!.url}`,
    ]);
  });
});

const withDeadRefresh = fixtures.filter((f) => f.dead_refresh !== undefined);

it('records the dead-refresh answer of every preset that has its own words for it', () => {
  const listing = presets.filter((p) => p.refresh_grant_dead_errors.length > 0).map((p) => p.id);
  expect(withDeadRefresh.map((f) => f.preset)).toEqual(expect.arrayContaining(listing));
});

describe.each(withDeadRefresh.map((f) => [f.preset, f] as const))(
  '%s, its refresh token dead',
  (_id, fixture: ProviderFixture) => {
    const preset = resolved(findPreset(fixture.preset)!, fixture.connection_params);
    const dead = fixture.dead_refresh!;
    let fake: FakeProvider;
    let provider: ProviderWithSecret;
    beforeAll(async () => {
      fake = await startFakeProvider(fixture, CLIENT);
      provider = providerAt(preset, fake);
    });
    afterAll(async () => {
      await fake.close();
    });

    const refreshWith = (token: string, status?: number) => {
      fake.killRefreshToken(token, status);
      return refreshTokens(deps, provider, token).then(
        () => expect.unreachable('a dead refresh token was accepted'),
        (error: unknown) => error,
      );
    };

    it('ends the grant on the documented answer, through the preset’s own list where it is not invalid_grant', async () => {
      const failure = await refreshWith('dead-refresh-token');
      expect(failure).toBeInstanceOf(ProviderError);
      // The member the preset reads the code from: OAuth's `error`, or the provider's own (HubSpot's `status`).
      const listed = preset.refresh_grant_dead_errors.find(
        (entry) => dead.body[entry.field ?? 'error'] === entry.error,
      );
      const member = listed?.field ?? 'error';
      expect((failure as ProviderError).oauthError).toBe(dead.body.error ?? null);
      expect((failure as ProviderError).codeIn(member)).toBe(dead.body[member]);
      expect(classifyRefreshFailure(failure, preset.refresh_grant_dead_errors)).toEqual({
        kind: 'grant_rejected',
        code: 'invalid_grant',
      });
      // Without the list, only invalid_grant would have ended it.
      expect(classifyRefreshFailure(failure).kind).toBe(
        dead.body.error === 'invalid_grant' ? 'grant_rejected' : 'transient',
      );
    });

    it('keeps the grant when a failing server (503) sends the same words', async () => {
      const failure = await refreshWith('dead-refresh-token-503', 503);
      expect(classifyRefreshFailure(failure, preset.refresh_grant_dead_errors)).toMatchObject({
        kind: 'transient',
        code: 'provider_bad_response',
      });
    });
  },
);
