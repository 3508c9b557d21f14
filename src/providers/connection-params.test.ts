import { describe, expect, it } from 'vitest';
import {
  checkConnectionParams,
  placeholdersOf,
  placeholdersToBlame,
  refuseValue,
  resolveProvider,
  resolveUrl,
} from './connection-params.js';

const shop = { shop: { pattern: '[a-z0-9][a-z0-9-]{0,59}', description: 'the shop name' } };

describe('connection parameter values', () => {
  it('must match the pattern in full, not only somewhere', () => {
    expect(refuseValue('acme', shop.shop.pattern)).toBeNull();
    expect(refuseValue('acme.evil', shop.shop.pattern)).toMatch(/^must match/);
    // An alternation is anchored as a whole: `a|b` does not accept "xb".
    expect(refuseValue('xb', 'a|b')).toMatch(/^must match/);
    expect(refuseValue('b', 'a|b')).toBeNull();
  });

  it.each([
    ['/', 'a/b'],
    ['@', 'evil.example@a'],
    ['#', 'a#'],
    ['?', 'a?x'],
    ['\\', 'a\\b'],
    ['%-encoded slash', 'a%2Fb'],
    ['%-encoded dot', '%2e%2e'],
    ['braces', '{shop}'],
    // Query structure: a placeholder in a query would gain or split parameters.
    ['&', 'a&client_id=evil'],
    ['=', 'a=b'],
    [';', 'a;b'],
  ])('refuses %s whatever the pattern says', (_what, value) => {
    expect(refuseValue(value, '.*')).toMatch(/must not contain/);
  });

  it('refuses .., spaces, control and non-ASCII characters (full-width lookalikes included)', () => {
    expect(refuseValue('a..b', '.*')).toBe('must not contain ..');
    expect(refuseValue('a b', '.*')).toMatch(/printable ASCII/);
    expect(refuseValue('a\nb', '.*')).toMatch(/printable ASCII/);
    expect(refuseValue('a\uff0fb', '.*')).toMatch(/printable ASCII/);
    expect(refuseValue('', '.*')).toMatch(/1 to 255/);
    expect(refuseValue('a'.repeat(256), '.*')).toMatch(/1 to 255/);
  });

  it('reports unknown and missing names and every refused value, each at its own pointer', () => {
    const declared = { ...shop, region: { pattern: 'eu|us', description: 'data region' } };
    expect(checkConnectionParams(declared, { shop: 'acme', region: 'us' })).toEqual([]);
    expect(checkConnectionParams(declared, { shop: 'a/b', extra: 'x' })).toEqual([
      { pointer: '/connection_params/extra', message: 'the provider declares no such parameter' },
      { pointer: '/connection_params/shop', message: 'must not contain / @ # ? \\ % { } & = or ;' },
      { pointer: '/connection_params/region', message: 'required: data region' },
    ]);
    expect(checkConnectionParams({}, undefined)).toEqual([]);
    // An inherited name is not a declared one.
    expect(checkConnectionParams({}, { constructor: 'x' })).toHaveLength(1);
  });
});

describe('which values a refused URL is blamed on', () => {
  it('the ones in its host, not those in its path', () => {
    expect(placeholdersToBlame('https://{host}/realms/{realm}/token')).toEqual(['host']);
    expect(placeholdersToBlame('https://{shop}.myshopify.com:{port}/admin')).toEqual(['shop', 'port']);
  });

  it('every one of the URL when its host has none', () => {
    expect(placeholdersToBlame('https://api.example.com/{tenant}/x?region={region}')).toEqual([
      'tenant',
      'region',
    ]);
  });
});

describe('resolving URLs', () => {
  it('fills every placeholder, in host and path, and leaves unknown ones visible', () => {
    const url = 'https://{host}/realms/{realm}/protocol/openid-connect/token';
    expect(placeholdersOf(url)).toEqual(['host', 'realm']);
    expect(resolveUrl(url, { host: 'sso.example.com', realm: 'acme' })).toBe(
      'https://sso.example.com/realms/acme/protocol/openid-connect/token',
    );
    expect(resolveUrl('https://{shop}.myshopify.com/{other}', { shop: 'acme' })).toBe(
      'https://acme.myshopify.com/{other}',
    );
  });

  it('resolves all URLs and the issuer of a provider, and returns it unchanged without values', () => {
    const provider = {
      authorization_url: 'https://{d}/authorize',
      token_url: 'https://{d}/oauth/token',
      userinfo_url: null,
      revocation_url: 'https://{d}/oauth/revoke',
      jwks_uri: 'https://{d}/.well-known/jwks.json',
      issuer: 'https://{d}/',
      extra: 1,
    };
    expect(resolveProvider(provider, { d: 'acme.eu.auth0.com' })).toEqual({
      authorization_url: 'https://acme.eu.auth0.com/authorize',
      token_url: 'https://acme.eu.auth0.com/oauth/token',
      userinfo_url: null,
      revocation_url: 'https://acme.eu.auth0.com/oauth/revoke',
      jwks_uri: 'https://acme.eu.auth0.com/.well-known/jwks.json',
      issuer: 'https://acme.eu.auth0.com/',
      extra: 1,
    });
    expect(resolveProvider(provider, null)).toBe(provider);
  });
});
