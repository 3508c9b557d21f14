import { AppError, type FieldIssue, invalidRequest } from '../http/errors.js';
import type { Vault } from '../vault/vault.js';
import type { ProviderCreate, ProviderPatch, ProviderReplace, ProviderView } from './api-schema.js';
import { clientSecretLocation } from './client-secret.js';
import { placeholdersOf, resolveUrl, SAMPLE_VALUE } from './connection-params.js';
import {
  endpointFields,
  pickTemplate,
  requiredTemplateKeys,
  secretBoundEndpoints,
  templateDefaults,
} from './definition.js';
import type { DiscoveredEndpoints } from './discovery.js';
import type { Preset, ProviderTemplate } from './model.js';
import { findPreset } from './presets/catalog.js';
import type { ProviderRecord, ProviderStore } from './store.js';
import type { UrlVerdict } from './url-safety.js';

/** Provider CRUD with its rules: URL safety, a write-only secret, presets. */

export interface ProviderRegistryDeps {
  providers: ProviderStore;
  vault: Vault;
  now: () => number;
  /** The endpoint URL policy, DNS included (see url-safety.ts). */
  checkUrl: (url: string) => Promise<UrlVerdict>;
  publicUrl: string;
  /** Whether connections still use a provider, which then cannot be deleted. */
  inUse: (providerId: string) => Promise<boolean>;
  /** OIDC discovery (discovery.ts): fills a custom provider given only its issuer. */
  discover?: (issuer: string) => Promise<DiscoveredEndpoints>;
}

type Fields = Partial<ProviderTemplate> & {
  client_id?: string;
  client_secret?: string;
  is_enabled?: boolean;
};

// Sending the client secret to a new address needs the secret itself: whoever
// can edit a provider must not be able to point its stored secret elsewhere.
const secretBoundFields = ['client_id', ...secretBoundEndpoints] as const;

// Without a userinfo mapping an OpenID Connect provider's account is read from its standard claims.
export const oidcClaimsUserinfo: ProviderTemplate['userinfo'] = {
  method: 'GET',
  user_id: ['/sub'],
  email: ['/email'],
  display_name: ['/name'],
};

export function createProviderRegistry(deps: ProviderRegistryDeps) {
  const { providers, vault, now } = deps;

  /**
   * Builds the record to store: `fields` over `base` (the stored provider, on
   * PATCH) or over the preset and the defaults (on POST and PUT). `previous`
   * is what is stored now, which decides whether its secret may carry over.
   */
  async function build(
    providerId: string,
    presetId: string | undefined,
    fields: Fields,
    { base, previous }: { base: ProviderRecord | null; previous: ProviderRecord | null },
  ): Promise<ProviderRecord> {
    const preset = presetId === undefined ? undefined : findPreset(presetId);
    if (presetId !== undefined && !preset) {
      throw new AppError(
        'preset_not_found',
        `no preset "${presetId}"; GET /v1/admin/provider-presets lists them`,
      );
    }
    const { id: _id, description: _d, docs_url: _u, ...presetTemplate } = preset ?? ({} as Partial<Preset>);
    const given = definedOnly(fields);
    const discovered = base === null && !preset ? await discoverIfAsked(given) : {};
    const merged = { ...(base ?? { ...templateDefaults(), ...presetTemplate }), ...discovered, ...given };
    if (merged.userinfo === undefined && typeof merged.issuer === 'string')
      merged.userinfo = oidcClaimsUserinfo;

    const missing = [...requiredTemplateKeys, 'client_id' as const].filter((k) => merged[k] === undefined);
    if (missing.length > 0) {
      throw invalidRequest(
        `missing ${missing.join(', ')} (or name a preset)`,
        missing.map((k) => ({ pointer: `/${k}`, message: 'required' })),
      );
    }
    const template = merged as ProviderTemplate & { client_id: string; is_enabled?: boolean };
    await checkUrls(template);
    checkIssuer(template.issuer);
    checkJwksUri(template);

    const secret = resolveSecret(providerId, template, fields.client_secret, previous);
    const time = now();
    return {
      ...pickTemplate(template),
      provider_id: providerId,
      preset: preset ? preset.id : (base?.preset ?? null),
      is_enabled: template.is_enabled ?? true,
      client_id: template.client_id,
      client_secret_ciphertext: secret,
      created_at: previous?.created_at ?? time,
      updated_at: time,
    };
  }

  function resolveSecret(
    providerId: string,
    template: ProviderTemplate & { client_id: string },
    secret: string | undefined,
    existing: ProviderRecord | null,
  ): string | null {
    if (template.client_auth_method === 'none') {
      // A public client has no secret to send at its revocation endpoint either.
      if ((template.revocation_auth_method ?? 'none') !== 'none') {
        throw invalidRequest(
          'revocation_auth_method needs a client secret, but client_auth_method is "none"',
          [
            {
              pointer: '/revocation_auth_method',
              message: 'must be none or null with client_auth_method "none"',
            },
          ],
        );
      }
      if (secret !== undefined) {
        throw invalidRequest('client_secret given, but client_auth_method is "none"', [
          { pointer: '/client_secret', message: 'not used with client_auth_method "none"' },
        ]);
      }
      return null;
    }
    if (secret !== undefined) return vault.encrypt(secret, clientSecretLocation(providerId));
    const changed = existing ? secretBoundFields.filter((k) => existing[k] !== template[k]) : [];
    if (!existing?.client_secret_ciphertext || changed.length > 0) {
      const why = existing?.client_secret_ciphertext
        ? `changing ${changed.join(', ')} requires sending client_secret again`
        : `client_auth_method "${template.client_auth_method}" needs a client_secret`;
      throw new AppError('client_secret_required', why, {
        issues: [{ pointer: '/client_secret', message: 'required' }],
      });
    }
    return existing.client_secret_ciphertext;
  }

  async function checkUrls(template: ProviderTemplate): Promise<void> {
    const declared = template.connection_params;
    const sample = Object.fromEntries(Object.keys(declared).map((name) => [name, SAMPLE_VALUE]));
    const issues: FieldIssue[] = [];
    // A templated URL is checked with a sample value here and with each connection's own values when
    // its connect session starts.
    const check = async (pointer: string, value: string) => {
      const unknown = placeholdersOf(value).filter((name) => !Object.hasOwn(declared, name));
      if (unknown.length > 0) {
        issues.push({ pointer, message: `{${unknown[0]}} is not among connection_params` });
        return;
      }
      const verdict = await deps.checkUrl(resolveUrl(value, sample));
      if (!verdict.ok) issues.push({ pointer, message: verdict.reason });
    };
    for (const field of endpointFields) {
      const value = template[field];
      if (value !== null) await check(`/${field}`, value);
    }
    // The issuer is compared, never called: only its placeholders are checked.
    const unknownInIssuer = placeholdersOf(template.issuer ?? '').filter((n) => !Object.hasOwn(declared, n));
    if (unknownInIssuer.length > 0) {
      issues.push({ pointer: '/issuer', message: `{${unknownInIssuer[0]}} is not among connection_params` });
    }
    for (const [i, request] of template.metadata_requests.entries()) {
      await check(`/metadata_requests/${i}/url`, request.url);
    }
    if (issues.length > 0) {
      throw new AppError('url_not_allowed', `endpoint URL not allowed: ${issues[0]!.message}`, {
        issues,
      });
    }
  }

  /** Discovery runs for a custom provider that names an issuer and none of its endpoint URLs. */
  async function discoverIfAsked(fields: Fields): Promise<Partial<ProviderTemplate>> {
    // An issuer with `{name}` parameters differs per connection: it has no one document to read.
    const perConnection = typeof fields.issuer === 'string' && placeholdersOf(fields.issuer).length > 0;
    if (
      typeof fields.issuer !== 'string' ||
      perConnection ||
      endpointFields.some((k) => fields[k] !== undefined) ||
      !deps.discover
    ) {
      return {};
    }
    checkIssuer(fields.issuer);
    return deps.discover(fields.issuer);
  }

  async function mustGet(id: string): Promise<ProviderRecord> {
    const record = await providers.get(id);
    if (!record) throw new AppError('provider_not_found', `no provider "${id}"`);
    return record;
  }

  return {
    get: mustGet,
    list: providers.list,

    async create(input: ProviderCreate): Promise<ProviderRecord> {
      const { provider_id, preset, ...fields } = input;
      const id = provider_id ?? preset;
      if (id === undefined) {
        throw invalidRequest('provider_id is required without a preset', [
          { pointer: '/provider_id', message: 'required' },
        ]);
      }
      const record = await build(id, preset, fields, { base: null, previous: null });
      if (!(await providers.insert(record))) {
        throw new AppError('provider_exists', `provider "${id}" already exists`);
      }
      return record;
    },

    /** PUT: the body is the whole definition; only the stored secret may carry over. */
    async replace(id: string, input: ProviderReplace): Promise<ProviderRecord> {
      const previous = await mustGet(id);
      const { preset, ...fields } = input;
      return save(await build(id, preset, fields, { base: null, previous }));
    },

    async patch(id: string, input: ProviderPatch): Promise<ProviderRecord> {
      const previous = await mustGet(id);
      return save(await build(id, undefined, input, { base: previous, previous }));
    },

    async delete(id: string): Promise<void> {
      if (await deps.inUse(id)) {
        throw new AppError('provider_in_use', `connections still use "${id}"; delete them first`);
      }
      if (!(await providers.delete(id))) throw new AppError('provider_not_found', `no provider "${id}"`);
    },

    view: (record: ProviderRecord): ProviderView => toView(record, deps.publicUrl),
  };

  async function save(record: ProviderRecord): Promise<ProviderRecord> {
    if (!(await providers.update(record))) {
      throw new AppError('provider_not_found', `no provider "${record.provider_id}"`);
    }
    return record;
  }
}

export type ProviderRegistry = ReturnType<typeof createProviderRegistry>;

function checkIssuer(issuer: string | null): void {
  if (issuer === null) return;
  if (!URL.canParse(issuer)) {
    throw invalidRequest('issuer must be a URL', [{ pointer: '/issuer', message: 'must be a URL' }]);
  }
}

// Keys vouch for an ID token only together with the issuer they belong to (its `iss` is checked).
function checkJwksUri(template: ProviderTemplate): void {
  if (template.jwks_uri !== null && template.issuer === null) {
    throw invalidRequest('jwks_uri is only used with an issuer', [
      { pointer: '/jwks_uri', message: 'needs an issuer' },
    ]);
  }
}

function definedOnly<T extends object>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function toView(r: ProviderRecord, publicUrl: string): ProviderView {
  return {
    ...pickTemplate(r),
    provider_id: r.provider_id,
    preset: r.preset,
    is_enabled: r.is_enabled,
    client_id: r.client_id,
    client_secret_set: r.client_secret_ciphertext !== null,
    redirect_uri: `${publicUrl}/oauth/callback/${r.provider_id}`,
    created_at: new Date(r.created_at).toISOString(),
    updated_at: new Date(r.updated_at).toISOString(),
  };
}
