import { z } from 'zod';
import { DEFAULT_REFRESH_TOKEN_IDLE_SECONDS } from '../refresh/schedule.js';

/**
 * The one definition of what a provider is. Everything that differs between
 * providers is a field of `templateFields` below, with its admin validation,
 * its description and, unless every provider must state it, its default.
 *
 * A new provider field is one entry in `templateFields`; from it follow the
 * `ProviderTemplate` type, the defaults a custom provider and a preset get
 * (`definePreset`), the admin request and answer schemas (api-schema.ts), the
 * stored `settings` JSON (store.ts) and the preset catalog's schema
 * (routes.ts). Only a new URL field needs a second line: `endpointFields`
 * (and `secretBoundEndpoints` if it receives the secret or a token).
 */

export const printable = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
    .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');

const url = z
  .string()
  .max(2048)
  .describe('an https URL; checked against loopback, private and metadata addresses');

// Parameters the flow itself sets; a provider's extra parameters must not override them.
export const reservedAuthorizationParams = [
  'client_id',
  'redirect_uri',
  'state',
  'response_type',
  'scope',
  'code_challenge',
  'code_challenge_method',
  'nonce',
];
export const reservedTokenParams = [
  'grant_type',
  'code',
  'code_verifier',
  'redirect_uri',
  'client_id',
  'client_secret',
  'client_assertion',
  'refresh_token',
];

const extraParams = (reserved: string[]) =>
  z
    .record(
      z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'parameter names are 1 to 64 of [A-Za-z0-9_.-]'),
      printable(1024),
    )
    .refine((params) => Object.keys(params).length <= 20, 'at most 20 parameters')
    .refine((params) => !Object.keys(params).some((k) => reserved.includes(k)), {
      message: `must not set a parameter the broker sets itself (${reserved.join(', ')})`,
    });

const pointer = z
  .string()
  .max(256)
  .regex(/^(\/([^~/]|~[01])*)+$/, 'an RFC 6901 JSON Pointer such as /account_id');
const pointers = z.array(pointer).max(5);

/** How to read the connected account from the provider's userinfo answer. */
const userinfoFields = {
  // Dropbox answers userinfo on POST only.
  method: z.enum(['GET', 'POST']).default('GET'),
  body: z
    .string()
    .max(4096)
    .refine(isJson, 'must be a JSON text')
    .optional()
    .describe('JSON body for a POST userinfo call (Dropbox wants `null`)'),
  token_header: z
    .string()
    // No `i` flag: JSON Schema's `pattern` has none, and the spec must accept X-Shopify-Access-Token too.
    .regex(/^[Xx]-[A-Za-z0-9-]{1,62}$/, 'an X- header name such as X-Shopify-Access-Token')
    .optional()
    .describe(
      'the header that carries the bare access token, for a provider that refuses `Authorization: Bearer` (Shopify)',
    ),
  user_id: pointers.min(1).describe("pointers to the account's stable id, tried in order"),
  email: pointers.default([]),
  display_name: pointers.default([]),
};

const userinfoSchema = z.strictObject(userinfoFields).meta({ id: 'UserinfoSettings' });

const connectionParamsSchema = z
  .record(
    z
      .string()
      .regex(/^[a-z][a-z0-9_]{0,31}$/, 'a parameter name is 1 to 32 of [a-z0-9_], starting with a letter'),
    z.strictObject({
      pattern: z
        .string()
        .min(1)
        .max(256)
        .refine(isRegExp, 'must be a valid regular expression')
        .describe('matched against the whole value'),
      description: printable(256),
    }),
  )
  .refine((params) => Object.keys(params).length <= 10, 'at most 10 parameters');

// Never read, even to compare (dead-grant codes), nor kept as metadata: a member that may hold a credential (`refresh_token`, `client_secret`).
const secretMemberName = /token|secret|password|verifier|credential/i;

// What RFC 6749 §4.1.2 and RFC 9207 put on the redirect back: the flow's, never the connection's.
const oauthRedirectParameters = new Set(['code', 'state', 'iss', 'error', 'error_description', 'error_uri']);

const metadataName = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, 'a name is 1 to 64 of [a-z0-9_], starting with a letter');
// Metadata is handed out beside the token and shown on the connection: it must never be a token or
// secret, at any depth (Slack nests the user's token under `authed_user`).
const metadataPointers = z
  .record(
    metadataName,
    pointer.refine(
      (p) => !pointerSegments(p).some((segment) => secretMemberName.test(segment)),
      `must not point at a token or secret: no segment may match ${secretMemberName}`,
    ),
  )
  .refine((m) => Object.keys(m).length <= 20, 'at most 20 values');

const metadataRequestSchema = z
  .strictObject({
    url: url.describe('called with the new access token; may carry `{name}` connection parameters'),
    method: z.enum(['GET', 'POST']).optional().describe('GET when absent'),
    body: z.string().max(4096).refine(isJson, 'must be a JSON text').optional(),
    metadata: metadataPointers.refine((m) => Object.keys(m).length > 0, 'name at least one value'),
  })
  .meta({ id: 'MetadataRequest' });

/**
 * Errors that describe the broker's registration, not the user's grant: they heal when an admin fixes
 * the provider, so they must never end users' grants (their tokens would be lost for nothing).
 */
export const registrationErrors = ['invalid_client', 'unauthorized_client'];

// A member of a token error answer that may carry a dead-grant code: a plain name, read at the top level only.
const codeMemberName = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;

// One provider's word for "this refresh token is dead" (Slack's invalid_refresh_token, GitHub's bad_refresh_token,
// HubSpot's BAD_REFRESH_TOKEN in the member `status` of an answer with no OAuth `error`).
const grantDeadError = z
  .strictObject({
    error: z
      .string()
      .regex(/^[\x21-\x7e]{1,64}$/, 'an error code: 1 to 64 printable characters, no spaces')
      .describe(
        "the code that names a dead refresh token, in the answer's member `field`; with `field` `error`, " +
          'never `invalid_client` or `unauthorized_client` (the broker’s registration)',
      ),
    field: z
      .string()
      .regex(codeMemberName, 'a top-level JSON member name: a letter, then up to 31 letters, digits or _')
      .refine(
        (name) => !secretMemberName.test(name),
        'must not name a member that may carry a token or secret',
      )
      .optional()
      .describe(
        'the top-level member of the JSON error answer that carries the code (HubSpot: `status`); ' +
          '`error`, the OAuth member, when absent',
      ),
    status: z
      .number()
      .int()
      .min(400)
      .max(499)
      .optional()
      .describe(
        'only with this HTTP status; an error a provider sends with 200 (`token_errors_with_200`) counts as 400',
      ),
  })
  .refine((entry) => (entry.field ?? 'error') !== 'error' || !registrationErrors.includes(entry.error), {
    path: ['error'],
    message: `must not be ${registrationErrors.join(' or ')}: those describe the broker's registration, not the user's grant`,
  })
  .meta({ id: 'RefreshGrantDeadError' });

const clientAuthMethod = z.enum(['client_secret_basic', 'client_secret_post', 'none']);

const lifetime = (description: string) =>
  z.number().int().min(30).max(315_360_000).nullable().describe(description);

/** Every field a preset fills: all of a provider but its id, credentials and state. */
const templateFields = {
  display_name: printable(100),
  client_auth_method: clientAuthMethod.default('client_secret_basic'),
  authorization_url: url,
  token_url: url,
  userinfo_url: url.nullable().describe('null: read the account from the token response').default(null),
  revocation_url: url.nullable().describe('RFC 7009 endpoint; null when the provider has none').default(null),
  // Calendly's revocation endpoint wants the credentials as form fields though its token endpoint wants
  // Basic; Google's and Salesforce's take the token alone.
  revocation_auth_method: clientAuthMethod
    .nullable()
    .describe(
      "how the client authenticates at `revocation_url`, where it differs from the token endpoint's; " +
        'null: as `client_auth_method`',
    )
    .default(null),
  jwks_uri: url
    .nullable()
    .describe(
      "the issuer's signing keys (OIDC Discovery `jwks_uri`), only with an `issuer`. With no `userinfo_url`, " +
        'the connect flow asks for `openid` with a nonce and reads the account from the validated ID token',
    )
    .default(null),
  issuer: z
    .string()
    .max(2048)
    .nullable()
    .describe(
      'RFC 9207 `iss` expected on the authorization response. Given with no endpoint URLs on create, the ' +
        'endpoints, `jwks_uri`, client authentication and PKCE come from its OIDC discovery document; without a ' +
        '`userinfo` mapping the account is read from the claims sub, email and name (of userinfo, or of the ' +
        'ID token when there is no `userinfo_url`)',
    )
    .default(null),
  pkce: z.boolean().describe('S256 PKCE; turn off only for a provider that cannot do it').default(true),
  scopes: z
    .array(z.string().regex(/^[\x21-\x7e]{1,256}$/, 'a scope has no spaces'))
    .max(100)
    .default([]),
  scope_separator: z.enum([' ', ',']).default(' '),
  authorization_params: extraParams(reservedAuthorizationParams).default({}),
  token_params: extraParams(reservedTokenParams).default({}),
  userinfo: userinfoSchema,
  // Refresh this many seconds before the access token expires (capped by the token's lifetime, see refresh/).
  expiry_buffer_seconds: z.number().int().min(0).max(86_400).default(300),
  // Lifetime to assume when a token answer has no `expires_in` (Salesforce, Zendesk); null: such tokens
  // do not expire (GitHub OAuth apps).
  default_token_lifetime_seconds: z.number().int().min(60).max(31_536_000).nullable().default(3600),
  // Unknown: idle grants are kept alive as if their refresh tokens died after a day unused (schedule.ts).
  refresh_token_idle_seconds: lifetime(
    'a refresh token unused this long dies; null: it does not die of inactivity',
  ).default(DEFAULT_REFRESH_TOKEN_IDLE_SECONDS),
  refresh_token_max_seconds: lifetime(
    'a grant dies this long after it was given, whatever its use; null: no such end',
  ).default(null),
  // GitHub answers some token errors with status 200 and an `error` field.
  token_errors_with_200: z.boolean().default(false),
  refresh_grant_dead_errors: z
    .array(grantDeadError)
    .max(10)
    .describe(
      'refresh answers besides `invalid_grant` that mean the grant is dead and only the user can make a new one ' +
        '(the connection becomes `needs_reauth` with `last_error` `invalid_grant`); a 5xx never counts',
    )
    .default([]),
  connection_params: connectionParamsSchema
    .describe(
      '`{name}` in any URL of the provider or its issuer, filled per connection from the connect ' +
        'session’s `connection_params` (a shop, subdomain, host or realm)',
    )
    .default({}),
  token_response_metadata: metadataPointers
    .describe(
      '`{ name: JSON Pointer }` into the token answer, read on connect and on every refresh (`/instance_url`)',
    )
    .default({}),
  callback_metadata: z
    .record(
      metadataName,
      z
        .string()
        .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'a query parameter name')
        // The redirect's own OAuth parameters are the grant's, not the account's: the code and state
        // are credentials of the flow, and neither they nor a secret-looking one are ever kept.
        .refine(
          (name) => !oauthRedirectParameters.has(name) && !secretMemberName.test(name),
          'must not be an OAuth parameter of the redirect (code, state, iss, error, …) nor name a token or secret',
        ),
    )
    .refine((m) => Object.keys(m).length <= 20, 'at most 20 values')
    .describe("`{ name: query parameter }` of the provider's redirect back (`realmId`)")
    .default({}),
  metadata_requests: z
    .array(metadataRequestSchema)
    .max(5)
    .describe('called once after connecting; a failure fails the connect and stores nothing')
    .default([]),
};

/** The template with every default applied: what a preset or a stored provider holds. */
export const templateSchema = z.strictObject(templateFields);

export type ProviderTemplate = z.output<typeof templateSchema>;
export type ClientAuthMethod = ProviderTemplate['client_auth_method'];
export type UserinfoSettings = ProviderTemplate['userinfo'];
/** A per-connection URL parameter: `{name}` in the provider's URLs, supplied by each connect session. */
export type ConnectionParam = ProviderTemplate['connection_params'][string];
/** A call made once after connecting, with the new access token, to read connection metadata. */
export type MetadataRequest = ProviderTemplate['metadata_requests'][number];
/** A refresh error that, for this provider, means the grant is dead. */
export type GrantDeadError = ProviderTemplate['refresh_grant_dead_errors'][number];
/** What a preset must state: the fields without a default, and whatever differs from the defaults. */
export type TemplateDifferences = z.input<typeof templateSchema>;

type Field = keyof typeof templateFields;

export const templateKeys = Object.keys(templateFields) as Field[];

/** Every template field as the admin API takes it: optional, without its default (the preset or stored row fills it). */
export const optionalTemplateFields = Object.fromEntries(
  templateKeys.map((key) => [key, withoutDefault(templateFields[key]).optional()]),
) as { [K in Field]: z.ZodOptional<WithoutDefault<(typeof templateFields)[K]>> };

/**
 * The userinfo settings as stored and answered: its defaults applied, so `method`, `email` and
 * `display_name` are always there. Not the `UserinfoSettings` component: one schema id cannot name
 * both the request's shape (defaults optional) and the answer's.
 */
const answeredUserinfoSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(userinfoFields).map(([key, schema]) => [key, withoutDefault(schema)]),
  ) as { [K in keyof typeof userinfoFields]: WithoutDefault<(typeof userinfoFields)[K]> },
);

/** Every template field as the admin API answers it: always present. */
export const answeredTemplateFields = {
  ...(Object.fromEntries(templateKeys.map((key) => [key, withoutDefault(templateFields[key])])) as {
    [K in Field]: WithoutDefault<(typeof templateFields)[K]>;
  }),
  userinfo: answeredUserinfoSchema,
};

/** Fields every provider must state: those without a default. */
export const requiredTemplateKeys = templateKeys.filter(
  (key) => !(templateFields[key] instanceof z.ZodDefault),
);

const defaultsSchema = z.object(
  Object.fromEntries(
    templateKeys
      .filter((key) => !requiredTemplateKeys.includes(key))
      .map((key) => [key, templateFields[key]]),
  ),
);

/** The fields with a default: all but `requiredTemplateKeys`. */
type DefaultedField = { [K in Field]: undefined extends TemplateDifferences[K] ? K : never }[Field];

/** What a provider gets for every field it does not state (a fresh copy each time). */
export function templateDefaults(): Pick<ProviderTemplate, DefaultedField> {
  return structuredClone(defaultsSchema.parse({})) as Pick<ProviderTemplate, DefaultedField>;
}

/** URLs the broker calls or sends browsers to: each passes the URL safety rules when saved. */
export const endpointFields = [
  'authorization_url',
  'token_url',
  'userinfo_url',
  'revocation_url',
  'jwks_uri',
] as const;

/**
 * Of those, the ones that receive the client secret or a user's token: changing one requires the secret again.
 * Not `jwks_uri`: it receives neither, and keys from elsewhere can only vouch for an ID token that came
 * from `token_url`, which is bound.
 */
export const secretBoundEndpoints = ['token_url', 'userinfo_url', 'revocation_url'] as const;

/** The template fields of a provider-shaped object (a record, a view, a preset), nothing else. */
export function pickTemplate(source: ProviderTemplate): ProviderTemplate {
  return Object.fromEntries(templateKeys.map((key) => [key, source[key]])) as ProviderTemplate;
}

type WithoutDefault<T> = T extends z.ZodDefault<infer Inner> ? Inner : T;

function withoutDefault<T extends z.ZodType>(schema: T): WithoutDefault<T> {
  return (schema instanceof z.ZodDefault ? schema.unwrap() : schema) as WithoutDefault<T>;
}

/** The member names an RFC 6901 pointer walks through, unescaped (`/a~1b` is the member `a/b`). */
function pointerSegments(pointer: string): string[] {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function isRegExp(pattern: string): boolean {
  try {
    new RegExp(pattern, 'u');
    return true;
  } catch {
    return false;
  }
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
