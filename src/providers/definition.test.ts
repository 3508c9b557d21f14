import { describe, expect, it } from 'vitest';
import {
  presetSchema,
  providerCreateSchema,
  providerPatchSchema,
  providerReplaceSchema,
  providerSchema,
} from './api-schema.js';
import {
  pickTemplate,
  requiredTemplateKeys,
  templateDefaults,
  templateKeys,
  templateSchema,
} from './definition.js';

// A field added to templateFields must reach every shape without another edit: these are the shapes that
// used to be kept by hand.
describe('the provider definition', () => {
  it.each([
    ['ProviderCreate', providerCreateSchema],
    ['ProviderReplace', providerReplaceSchema],
    ['ProviderPatch', providerPatchSchema],
    ['Provider', providerSchema],
    ['ProviderPreset', presetSchema],
  ])('gives %s every template field', (_name, schema) => {
    expect(Object.keys(schema.shape)).toEqual(expect.arrayContaining(templateKeys));
  });

  it('takes every template field as optional in requests, so a preset or the stored row fills the rest', () => {
    for (const schema of [providerCreateSchema, providerReplaceSchema, providerPatchSchema]) {
      expect(schema.safeParse({}).success).toBe(true);
    }
  });

  it('requires only what a custom provider must state, and defaults everything else', () => {
    expect(requiredTemplateKeys).toEqual(['display_name', 'authorization_url', 'token_url', 'userinfo']);
    expect(Object.keys(templateDefaults()).sort()).toEqual(
      templateKeys.filter((k) => !requiredTemplateKeys.includes(k)).sort(),
    );
  });

  it('hands out fresh defaults, so no provider shares a list or map with another', () => {
    const a = templateDefaults();
    a.scopes.push('changed');
    a.authorization_params.x = 'y';
    expect(templateDefaults().scopes).toEqual([]);
    expect(templateDefaults().authorization_params).toEqual({});
  });

  it('fills a minimal template with the defaults, deep ones included', () => {
    const template = templateSchema.parse({
      display_name: 'Example',
      authorization_url: 'https://example.com/authorize',
      token_url: 'https://example.com/token',
      userinfo: { user_id: ['/id'] },
    });
    expect(template).toEqual({
      ...templateDefaults(),
      display_name: 'Example',
      authorization_url: 'https://example.com/authorize',
      token_url: 'https://example.com/token',
      userinfo: { method: 'GET', user_id: ['/id'], email: [], display_name: [] },
    });
    expect(pickTemplate({ ...template, extra: 1 } as typeof template)).toEqual(template);
  });

  it('takes refresh-token lifetimes from exactly 30 seconds (so tests can use short ones), or null', () => {
    const minimal = {
      display_name: 'Example',
      authorization_url: 'https://example.com/authorize',
      token_url: 'https://example.com/token',
      userinfo: { user_id: ['/id'] },
    };
    for (const field of ['refresh_token_idle_seconds', 'refresh_token_max_seconds'] as const) {
      expect(templateSchema.parse({ ...minimal, [field]: 30 })[field]).toBe(30);
      expect(templateSchema.parse({ ...minimal, [field]: null })[field]).toBeNull();
      expect(templateSchema.safeParse({ ...minimal, [field]: 29 }).success).toBe(false);
    }
  });
});
