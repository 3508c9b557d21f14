import type { FieldIssue } from '../http/errors.js';
import type { ConnectionParam } from './model.js';

/**
 * Per-connection URL parameters: a provider's URLs may carry `{name}`
 * (Shopify's shop, a Keycloak host and realm), filled for each connection
 * from the values its connect session supplied. A value lands inside a URL
 * the broker sends its client secret and tokens to, so besides its pattern it
 * must not be able to change the URL's structure: no `/ @ # ? \`, no
 * `%`-encoded form of anything, no `..`, nothing outside printable ASCII
 * (which also shuts out full-width lookalikes that URL parsing folds into `/`).
 * Nor `& = ;`, which would add or split query parameters (`?tenant={t}` with
 * `a&client_id=x`): refused wherever the placeholder stands, because a value
 * is checked once, when its session starts, and resolved later against the
 * provider's URLs as they are then, which an admin may have changed to put it
 * in a query. No host, subdomain, realm or shop name needs them.
 */

export type ConnectionParams = Record<string, string>;

const PLACEHOLDER = /\{([a-z][a-z0-9_]{0,31})\}/g;
const MAX_VALUE = 255;
const FORBIDDEN = /[/@#?\\%{}&=;]/;

/** The names a URL refers to, in order of appearance. */
export function placeholdersOf(url: string): string[] {
  return [...url.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/**
 * The names in a URL's host (and port): only they can make it fail the URL safety rules, so a refused
 * URL is blamed on them; on every name of the URL when its host has none.
 */
export function placeholdersToBlame(url: string): string[] {
  const authority = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url)?.[1] ?? '';
  const inHost = placeholdersOf(authority);
  return inHost.length > 0 ? inHost : placeholdersOf(url);
}

/** The full-match form of a declared pattern: `^a|b$` must not match "xb". */
export function fullMatch(pattern: string): RegExp {
  return new RegExp(`^(?:${pattern})$`, 'u');
}

/** Why one value is refused, or null when it is fine. */
export function refuseValue(value: string, pattern: string): string | null {
  if (value.length === 0 || value.length > MAX_VALUE) return `must be 1 to ${MAX_VALUE} characters`;
  if (!/^[\x21-\x7e]+$/.test(value)) return 'must be printable ASCII without spaces';
  if (FORBIDDEN.test(value)) return 'must not contain / @ # ? \\ % { } & = or ;';
  if (value.includes('..')) return 'must not contain ..';
  if (!fullMatch(pattern).test(value)) return `must match ${pattern}`;
  return null;
}

/**
 * The issues with a connect session's values against a provider's declared
 * parameters: unknown names, missing ones, refused values. Empty when all is well.
 */
export function checkConnectionParams(
  declared: Readonly<Record<string, ConnectionParam>>,
  given: Readonly<Record<string, string>> | undefined,
): FieldIssue[] {
  const values = given ?? {};
  const issues: FieldIssue[] = [];
  for (const name of Object.keys(values)) {
    if (!Object.hasOwn(declared, name)) {
      issues.push({
        pointer: `/connection_params/${name}`,
        message: 'the provider declares no such parameter',
      });
    }
  }
  for (const [name, param] of Object.entries(declared)) {
    const value = Object.hasOwn(values, name) ? values[name] : undefined;
    if (value === undefined) {
      issues.push({ pointer: `/connection_params/${name}`, message: `required: ${param.description}` });
      continue;
    }
    const why = refuseValue(value, param.pattern);
    if (why !== null) issues.push({ pointer: `/connection_params/${name}`, message: why });
  }
  return issues;
}

/** Fills `{name}` with its value; a name without a value stays as it is (the URL check then fails on it). */
export function resolveUrl(url: string, values: Readonly<ConnectionParams>): string {
  return url.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(values, name) ? values[name]! : whole,
  );
}

const urlFields = [
  'authorization_url',
  'token_url',
  'userinfo_url',
  'revocation_url',
  'jwks_uri',
  'issuer',
] as const;

type WithUrls = Record<(typeof urlFields)[number], string | null> & {
  authorization_url: string;
  token_url: string;
};

/** The provider as one connection sees it: every URL (and the issuer) with that connection's values. */
export function resolveProvider<P extends WithUrls>(
  provider: P,
  values: Readonly<ConnectionParams> | null,
): P {
  if (values === null || Object.keys(values).length === 0) return provider;
  const resolved = { ...provider };
  for (const field of urlFields) {
    const url = provider[field];
    if (url !== null) (resolved as WithUrls)[field] = resolveUrl(url, values);
  }
  return resolved;
}

/** A value that passes `refuseValue` for the usual patterns, standing in for each parameter when a provider is saved. */
export const SAMPLE_VALUE = 'param.example';
