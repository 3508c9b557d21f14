import { z } from 'zod';

/** The admin API's provider shapes. Inside the broker these become `ProviderRecord`. */

export const providerIdSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{1,62}$/, 'a lowercase slug: letters, digits and dashes, 2 to 63 characters');

const printable = (max: number) =>
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
const reservedAuthorizationParams = [
  'client_id',
  'redirect_uri',
  'state',
  'response_type',
  'scope',
  'code_challenge',
  'code_challenge_method',
  'nonce',
];
const reservedTokenParams = [
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

export const userinfoSchema = z
  .strictObject({
    method: z.enum(['GET', 'POST']).default('GET'),
    body: z
      .string()
      .max(4096)
      .refine(isJson, 'must be a JSON text')
      .optional()
      .describe('JSON body for a POST userinfo call (Dropbox wants `null`)'),
    user_id: pointers.min(1).describe("pointers to the account's stable id, tried in order"),
    email: pointers.default([]),
    display_name: pointers.default([]),
  })
  .meta({ id: 'UserinfoSettings' });

/** Every field a preset can fill; all optional so a preset or the stored row supplies the rest. */
const templateFields = {
  display_name: printable(100),
  is_enabled: z.boolean(),
  client_id: printable(512),
  client_secret: printable(2048).describe('write-only: stored encrypted, never returned'),
  client_auth_method: z.enum(['client_secret_basic', 'client_secret_post', 'none']),
  authorization_url: url,
  token_url: url,
  userinfo_url: url.nullable().describe('null: read the account from the token response'),
  revocation_url: url.nullable().describe('RFC 7009 endpoint; null when the provider has none'),
  issuer: z.string().max(2048).nullable().describe('RFC 9207 `iss` expected on the authorization response'),
  pkce: z.boolean().describe('S256 PKCE; turn off only for a provider that cannot do it'),
  scopes: z.array(z.string().regex(/^[\x21-\x7e]{1,256}$/, 'a scope has no spaces')).max(100),
  scope_separator: z.enum([' ', ',']),
  authorization_params: extraParams(reservedAuthorizationParams),
  token_params: extraParams(reservedTokenParams),
  userinfo: userinfoSchema,
  expiry_buffer_seconds: z.number().int().min(0).max(86_400),
  default_token_lifetime_seconds: z.number().int().min(60).max(31_536_000).nullable(),
  refresh_token_idle_seconds: z
    .number()
    .int()
    .min(30)
    .max(315_360_000)
    .nullable()
    .describe('a refresh token unused this long dies; null: it does not die of inactivity'),
  refresh_token_max_seconds: z
    .number()
    .int()
    .min(30)
    .max(315_360_000)
    .nullable()
    .describe('a grant dies this long after it was given, whatever its use; null: no such end'),
  token_errors_with_200: z.boolean(),
};

const optionalFields = Object.fromEntries(
  Object.entries(templateFields).map(([k, v]) => [k, v.optional()]),
) as { [K in keyof typeof templateFields]: z.ZodOptional<(typeof templateFields)[K]> };

export const providerCreateSchema = z
  .strictObject({
    provider_id: providerIdSchema.optional().describe("defaults to the preset's id"),
    preset: z
      .string()
      .max(64)
      .optional()
      .describe('fill everything but the client credentials from a preset'),
    ...optionalFields,
  })
  .meta({ id: 'ProviderCreate' });

export const providerReplaceSchema = z
  .strictObject({
    preset: z.string().max(64).optional(),
    ...optionalFields,
  })
  .meta({ id: 'ProviderReplace' });

export const providerPatchSchema = z.strictObject(optionalFields).meta({ id: 'ProviderPatch' });

export type ProviderCreate = z.output<typeof providerCreateSchema>;
export type ProviderReplace = z.output<typeof providerReplaceSchema>;
export type ProviderPatch = z.output<typeof providerPatchSchema>;

const { client_secret: _secret, ...visibleFields } = templateFields;

export const providerSchema = z
  .strictObject({
    provider_id: providerIdSchema,
    preset: z.string().nullable(),
    ...visibleFields,
    userinfo: z.object({
      method: z.enum(['GET', 'POST']),
      body: z.string().optional(),
      user_id: z.array(z.string()),
      email: z.array(z.string()),
      display_name: z.array(z.string()),
    }),
    client_secret_set: z
      .boolean()
      .describe('whether a client secret is stored; the secret itself is never returned'),
    redirect_uri: z.string().describe('register this exact callback URL at the provider'),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: 'Provider' });

export type ProviderView = z.input<typeof providerSchema>;

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
