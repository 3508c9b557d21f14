import { describe, expect, it } from 'vitest';
import { providerCreateSchema } from '../api-schema.js';
import { checkConnectionParams } from '../connection-params.js';
import { pickTemplate } from '../definition.js';
import type { Preset } from '../model.js';
import { checkEndpointUrl } from '../url-safety.js';
import { findPreset, presets } from './catalog.js';

const strict = { allowLoopbackHttp: false };
const placeholder = /\{([a-z_]+)\}/g;
// Values a connection could give each placeholder, to check the URLs a preset resolves to.
const exampleParams: Record<string, string> = {
  shop: 'example-shop',
  subdomain: 'example',
  domain: 'example.okta.com',
  host: 'sso.example.com',
  realm: 'example',
};

const urlsOf = (p: Preset) =>
  [p.authorization_url, p.token_url, p.userinfo_url, p.revocation_url, p.issuer, p.docs_url].filter(
    (u): u is string => u !== null,
  );
const placeholdersOf = (p: Preset) => [
  ...new Set(urlsOf(p).flatMap((u) => [...u.matchAll(placeholder)].map((m) => m[1]!))),
];
const resolve = (url: string) =>
  url.replace(placeholder, (_, name: string) => exampleParams[name] ?? `{${name}}`);

const required = [
  'dropbox',
  'microsoft',
  'google',
  'box',
  'github',
  'slack',
  'hubspot',
  'notion',
  'shopify',
  'zendesk',
  'keycloak',
  'okta',
  'auth0',
  'quickbooks',
  'salesforce',
  'salesforce-sandbox',
  'xero',
  'atlassian',
  'linear',
  'asana',
  'discord',
  'gitlab',
  'zoom',
  'intercom',
  'pipedrive',
  'calendly',
];

describe('preset catalog', () => {
  it('has unique ids, sorted', () => {
    const ids = presets.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort());
  });

  it('has at least 25 presets, the required ones among them', () => {
    expect(presets.length).toBeGreaterThanOrEqual(25);
    for (const id of required) expect(findPreset(id)?.id, id).toBe(id);
  });

  it('finds nothing for an unknown id and hands out copies', () => {
    expect(findPreset('nope')).toBeUndefined();
    const copy = findPreset('google')!;
    copy.scopes.push('mutated');
    expect(findPreset('google')!.scopes).not.toContain('mutated');
  });

  it('declares every {name} its URLs use as a connection parameter, and no other', () => {
    for (const preset of presets) {
      expect(placeholdersOf(preset).sort(), preset.id).toEqual(Object.keys(preset.connection_params).sort());
    }
  });

  it("takes the example values and refuses ones that would leave the provider's domain", () => {
    for (const preset of presets.filter((p) => Object.keys(p.connection_params).length > 0)) {
      const values = Object.fromEntries(
        Object.keys(preset.connection_params).map((n) => [n, exampleParams[n]!]),
      );
      expect(checkConnectionParams(preset.connection_params, values), preset.id).toEqual([]);
      for (const name of Object.keys(preset.connection_params)) {
        for (const hostile of ['a b', '-acme', 'acme:99999999', 'acme.evil.example@x', '127.0.0.1:80/x']) {
          const issues = checkConnectionParams(preset.connection_params, { ...values, [name]: hostile });
          expect(
            issues.map((i) => i.pointer),
            `${preset.id} ${name}=${hostile}`,
          ).toEqual([`/connection_params/${name}`]);
        }
      }
    }
  });

  describe.each(presets.map((p) => [p.id, p] as const))('%s', (_id, preset) => {
    it('is accepted unchanged by the admin API as a full provider definition', () => {
      const body = { ...pickTemplate(preset), client_id: 'client-id', client_secret: 'client-secret' };
      const parsed = providerCreateSchema.safeParse(body);
      expect(parsed.error?.issues).toBeUndefined();
      expect(parsed.data).toEqual(body);
    });

    it('has a lowercase slug id and a one-line description', () => {
      expect(preset.id).toMatch(/^[a-z0-9][a-z0-9-]{1,62}$/);
      expect(preset.description).not.toContain('\n');
      expect(preset.docs_url).toMatch(/^https:\/\//);
    });

    it('has only URLs that pass the endpoint policy once their placeholders are filled', () => {
      for (const url of urlsOf(preset)) {
        for (const name of [...url.matchAll(placeholder)].map((m) => m[1]!)) {
          expect(exampleParams, `${url}: unknown placeholder {${name}}`).toHaveProperty(name);
        }
        expect(checkEndpointUrl(resolve(url), strict), url).toMatchObject({ ok: true });
      }
    });

    it('refreshes ahead of expiry by the common buffer, and states refresh-token lifetimes the broker can use', () => {
      expect(preset.expiry_buffer_seconds).toBe(300);
      const { refresh_token_idle_seconds: idle, refresh_token_max_seconds: max } = preset;
      if (idle !== null && max !== null) expect(idle).toBeLessThanOrEqual(max);
    });
  });

  it('asks Dropbox for offline access and reads its account by POST with a null body', () => {
    const dropbox = findPreset('dropbox')!;
    expect(dropbox.authorization_params.token_access_type).toBe('offline');
    expect(dropbox.userinfo.method).toBe('POST');
    expect(dropbox.userinfo.body).toBe('null');
    expect(dropbox.revocation_url).toBeNull();
  });

  it('asks Google for a refresh token', () => {
    const google = findPreset('google')!;
    expect(google.authorization_params).toMatchObject({ access_type: 'offline', prompt: 'consent' });
    expect(google.scopes).toContain('https://www.googleapis.com/auth/drive.file');
  });

  it('treats GitHub tokens as non-expiring with errors on 200, and Slack errors likewise', () => {
    const github = findPreset('github')!;
    expect(github.default_token_lifetime_seconds).toBeNull();
    expect(github.token_errors_with_200).toBe(true);
    expect(github.revocation_url).toBeNull();
    expect(findPreset('slack')!.token_errors_with_200).toBe(true);
  });

  it('knows the providers’ own words for a dead refresh token, and only theirs', () => {
    const listed = Object.fromEntries(
      presets
        .filter((p) => p.refresh_grant_dead_errors.length > 0)
        .map((p) => [p.id, p.refresh_grant_dead_errors]),
    );
    expect(listed).toEqual({
      github: [{ error: 'bad_refresh_token' }],
      hubspot: [{ error: 'BAD_REFRESH_TOKEN', field: 'status', status: 400 }],
      microsoft: [{ error: 'interaction_required' }],
      slack: [{ error: 'invalid_refresh_token' }],
    });
  });

  it('uses PKCE where the provider’s metadata lists it (Discord, Calendly) and sends Calendly’s secret as Basic, but in the form to revoke', () => {
    expect(findPreset('discord')!.pkce).toBe(true);
    expect(findPreset('calendly')).toMatchObject({
      pkce: true,
      client_auth_method: 'client_secret_basic',
      revocation_auth_method: 'client_secret_post',
    });
  });

  it('reads the Microsoft email from mail, then userPrincipalName', () => {
    const microsoft = findPreset('microsoft')!;
    expect(microsoft.userinfo.email).toEqual(['/mail', '/userPrincipalName']);
    expect(microsoft.scopes).toEqual(['offline_access', 'Files.ReadWrite', 'User.Read']);
  });

  it('differs between Salesforce production and sandbox only in the login host', () => {
    const production = findPreset('salesforce')!;
    const sandbox = findPreset('salesforce-sandbox')!;
    const swap = (p: Preset) =>
      JSON.stringify(pickTemplate(p)).replaceAll('test.salesforce.com', 'login.salesforce.com');
    expect(swap(sandbox).replace('Salesforce (sandbox)', 'Salesforce')).toBe(swap(production));
    expect(sandbox.token_url).toBe('https://test.salesforce.com/services/oauth2/token');
  });
  it('states every provider’s refresh-token lifetimes from its documentation', () => {
    const DAY = 86_400;
    const lifetimes = Object.fromEntries(
      presets.map((p) => [p.id, [p.refresh_token_idle_seconds, p.refresh_token_max_seconds]]),
    );
    expect(lifetimes).toMatchObject({
      microsoft: [90 * DAY, null],
      xero: [60 * DAY, null],
      box: [60 * DAY, null],
      atlassian: [90 * DAY, 365 * DAY],
      google: [180 * DAY, null],
      dropbox: [null, null],
      shopify: [90 * DAY, null],
      pipedrive: [60 * DAY, null],
      calendly: [null, null],
    });
    for (const p of presets) {
      // What the admin API accepts: 30 s up, or null.
      for (const value of [p.refresh_token_idle_seconds, p.refresh_token_max_seconds])
        expect(value === null || (Number.isInteger(value) && value >= 30)).toBe(true);
    }
  });
});
