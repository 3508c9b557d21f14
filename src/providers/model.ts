import type { ProviderTemplate } from './definition.js';

/**
 * What a provider is, as plain types, derived from the one definition in
 * definition.ts. Everything that differs between providers is data, so the
 * connect and refresh flows never branch on a provider's name.
 */

export type {
  ClientAuthMethod,
  ConnectionParam,
  MetadataRequest,
  ProviderTemplate,
  UserinfoSettings,
} from './definition.js';

/** What the catalog says about a preset besides its template. */
export interface PresetInfo {
  /** Stable slug used as `preset` on create and as the default `provider_id`. */
  id: string;
  /** One line for the admin: what the preset connects to and what to register. */
  description: string;
  /** The provider's documentation of its OAuth flow, or where the admin registers an app. */
  docs_url: string;
}

/** A preset as the catalog holds it: every template field filled. */
export type Preset = ProviderTemplate & PresetInfo;
