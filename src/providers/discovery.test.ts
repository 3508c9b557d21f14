import { describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.js';
import { chooseClientAuth, discoverProvider, discoveryUrl } from './discovery.js';
import { checkEndpointUrl } from './url-safety.js';

const ISSUER = 'https://sso.example.com/realms/acme';

function deps(document: unknown, status = 200) {
  const asked: string[] = [];
  return {
    asked,
    deps: {
      fetch: async (url: string | URL) => {
        asked.push(String(url));
        return new Response(JSON.stringify(document), {
          status,
          headers: { 'content-type': 'application/json' },
        });
      },
      checkUrl: async (url: string) => checkEndpointUrl(url, { allowLoopbackHttp: false }),
    },
  };
}

const document = {
  issuer: ISSUER,
  authorization_endpoint: `${ISSUER}/protocol/openid-connect/auth`,
  token_endpoint: `${ISSUER}/protocol/openid-connect/token`,
  userinfo_endpoint: `${ISSUER}/protocol/openid-connect/userinfo`,
  revocation_endpoint: `${ISSUER}/protocol/openid-connect/revoke`,
  jwks_uri: `${ISSUER}/protocol/openid-connect/certs`,
  token_endpoint_auth_methods_supported: ['private_key_jwt', 'client_secret_post', 'client_secret_basic'],
  code_challenge_methods_supported: ['plain', 'S256'],
};

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('OIDC discovery', () => {
  it('reads the endpoints from {issuer}/.well-known/openid-configuration', async () => {
    const { deps: d, asked } = deps(document);
    expect(await discoverProvider(d, ISSUER)).toEqual({
      authorization_url: document.authorization_endpoint,
      token_url: document.token_endpoint,
      userinfo_url: document.userinfo_endpoint,
      revocation_url: document.revocation_endpoint,
      jwks_uri: document.jwks_uri,
      client_auth_method: 'client_secret_basic',
      pkce: true,
    });
    expect(asked).toEqual([`${ISSUER}/.well-known/openid-configuration`]);
    expect(discoveryUrl(`${ISSUER}/`)).toBe(`${ISSUER}/.well-known/openid-configuration`);
  });

  it('refuses a document for another issuer, even one differing by a trailing slash', async () => {
    const error = await failure(discoverProvider(deps({ ...document, issuer: `${ISSUER}/` }).deps, ISSUER));
    expect(error.code).toBe('discovery_failed');
    expect(error.issues).toEqual([
      { pointer: '/issuer', message: 'the discovery document names another issuer' },
    ]);
  });

  it('holds every discovered URL to the URL safety rules', async () => {
    const hostile = { ...document, revocation_endpoint: 'https://169.254.169.254/latest/meta-data' };
    const error = await failure(discoverProvider(deps(hostile).deps, ISSUER));
    expect(error.code).toBe('url_not_allowed');
    expect(error.issues.map((i) => i.pointer)).toEqual(['/revocation_url']);
    const plain = { ...document, token_endpoint: 'http://sso.example.com/token' };
    expect((await failure(discoverProvider(deps(plain).deps, ISSUER))).issues[0]!.pointer).toBe('/token_url');
  });

  it('needs userinfo_endpoint or jwks_uri: one of them is where the account is read from', async () => {
    const { userinfo_endpoint: _u, ...keysOnly } = document;
    expect(await discoverProvider(deps(keysOnly).deps, ISSUER)).toMatchObject({
      userinfo_url: null,
      jwks_uri: document.jwks_uri,
    });
    const { jwks_uri: _j, ...neither } = keysOnly;
    const error = await failure(discoverProvider(deps(neither).deps, ISSUER));
    expect(error.code).toBe('discovery_failed');
    expect(error.issues).toEqual([
      { pointer: '/issuer', message: 'the discovery document has neither userinfo_endpoint nor jwks_uri' },
    ]);
    const hostileKeys = { ...keysOnly, jwks_uri: 'https://10.0.0.7/certs' };
    const refused = await failure(discoverProvider(deps(hostileKeys).deps, ISSUER));
    expect(refused.code).toBe('url_not_allowed');
    expect(refused.issues.map((i) => i.pointer)).toEqual(['/jwks_uri']);
  });

  it('refuses an unusable document or answer', async () => {
    expect((await failure(discoverProvider(deps({ issuer: ISSUER }).deps, ISSUER))).code).toBe(
      'discovery_failed',
    );
    expect((await failure(discoverProvider(deps(document, 404).deps, ISSUER))).code).toBe('discovery_failed');
    const jwtOnly = { ...document, token_endpoint_auth_methods_supported: ['private_key_jwt'] };
    expect((await failure(discoverProvider(deps(jwtOnly).deps, ISSUER))).code).toBe('discovery_failed');
  });

  it('turns PKCE off only when the provider lists its methods without S256', async () => {
    // Silent (as Microsoft Entra ID's document is): on, since a server without PKCE ignores it.
    const { code_challenge_methods_supported: _, ...silent } = document;
    expect((await discoverProvider(deps(silent).deps, ISSUER)).pkce).toBe(true);
    const plainOnly = { ...document, code_challenge_methods_supported: ['plain'] };
    expect((await discoverProvider(deps(plainOnly).deps, ISSUER)).pkce).toBe(false);
  });

  it('chooses client authentication from the advertised methods', () => {
    expect(chooseClientAuth(undefined)).toBe('client_secret_basic');
    expect(chooseClientAuth(['client_secret_post', 'client_secret_basic'])).toBe('client_secret_basic');
    expect(chooseClientAuth(['client_secret_post'])).toBe('client_secret_post');
    expect(chooseClientAuth(['none'])).toBe('none');
    expect(chooseClientAuth(['tls_client_auth'])).toBeNull();
  });
});
