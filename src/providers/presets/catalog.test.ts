import { describe, expect, it } from 'vitest';
import type { Preset } from '../model.js';
import { checkEndpointUrl } from '../url-safety.js';
import { findPreset, presets } from './catalog.js';

const strict = { allowLoopbackHttp: false };
// RFC 6901: a pointer is empty or a sequence of `/token`, where `~` only appears as `~0` or `~1`.
const jsonPointer = /^(\/([^~/]|~[01])*)+$/;
// Parameters the flow itself sets; a preset must not override them.
const reserved = [
  'client_id',
  'client_secret',
  'redirect_uri',
  'response_type',
  'state',
  'scope',
  'code',
  'code_challenge',
  'code_challenge_method',
  'code_verifier',
  'grant_type',
];

const urlsOf = (p: Preset) =>
  [p.authorization_url, p.token_url, p.userinfo_url, p.revocation_url, p.issuer, p.docs_url].filter(
    (u): u is string => u !== null,
  );

describe('preset catalog', () => {
  it('has unique ids, sorted', () => {
    const ids = presets.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort());
  });

  it('has the required presets', () => {
    for (const id of ['dropbox', 'microsoft', 'google', 'box', 'github']) {
      expect(findPreset(id)?.id).toBe(id);
    }
  });

  it('finds nothing for an unknown id and hands out copies', () => {
    expect(findPreset('nope')).toBeUndefined();
    const copy = findPreset('google')!;
    copy.scopes.push('mutated');
    expect(findPreset('google')!.scopes).not.toContain('mutated');
  });

  describe.each(presets.map((p) => [p.id, p] as const))('%s', (_id, preset) => {
    it('has a lowercase slug id', () => {
      expect(preset.id).toMatch(/^[a-z0-9][a-z0-9-]{1,62}$/);
    });

    it('has only URLs that pass the endpoint policy', () => {
      for (const url of urlsOf(preset)) {
        const verdict = checkEndpointUrl(url, strict);
        expect(verdict, url).toMatchObject({ ok: true });
      }
    });

    it('has valid RFC 6901 pointers and at least one for user_id', () => {
      const { user_id, email, display_name } = preset.userinfo;
      expect(user_id.length).toBeGreaterThan(0);
      for (const pointer of [...user_id, ...email, ...display_name]) {
        expect(pointer).toMatch(jsonPointer);
      }
    });

    it('has a sound template', () => {
      expect(preset.display_name.trim()).not.toBe('');
      expect(preset.description).not.toContain('\n');
      expect(preset.expiry_buffer_seconds).toBe(300);
      expect(preset.scope_separator).not.toBe('');
      if (preset.userinfo.body !== undefined) {
        expect(preset.userinfo.method).toBe('POST');
        expect(() => JSON.parse(preset.userinfo.body!)).not.toThrow();
      }
      for (const params of [preset.authorization_params, preset.token_params]) {
        for (const key of Object.keys(params)) expect(reserved).not.toContain(key);
      }
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

  it('treats GitHub tokens as non-expiring with errors on 200', () => {
    const github = findPreset('github')!;
    expect(github.default_token_lifetime_seconds).toBeNull();
    expect(github.token_errors_with_200).toBe(true);
    expect(github.revocation_url).toBeNull();
  });

  it('reads the Microsoft email from mail, then userPrincipalName', () => {
    const microsoft = findPreset('microsoft')!;
    expect(microsoft.userinfo.email).toEqual(['/mail', '/userPrincipalName']);
    expect(microsoft.scopes).toEqual(['offline_access', 'Files.ReadWrite', 'User.Read']);
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
    });
    for (const p of presets) {
      // What the admin API accepts: 30 s up, or null.
      for (const value of [p.refresh_token_idle_seconds, p.refresh_token_max_seconds])
        expect(value === null || (Number.isInteger(value) && value >= 30)).toBe(true);
    }
  });
});
