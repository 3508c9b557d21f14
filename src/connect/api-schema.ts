import { z } from 'zod';
import { providerIdSchema } from '../providers/api-schema.js';

export const tenantSchema = z
  .string()
  .regex(/^[A-Za-z0-9._:@-]{1,128}$/, '1 to 128 of letters, digits and . _ : @ -')
  .describe("the caller's own name for the customer or workspace");
export const endUserSchema = z
  .string()
  .min(1)
  .max(256)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters')
  .describe("the caller's own id for the end user");
const scopeSchema = z.string().regex(/^[\x21-\x7e]{1,256}$/, 'a scope has no spaces');

export const connectSessionCreateSchema = z
  .strictObject({
    provider: providerIdSchema,
    tenant: tenantSchema,
    end_user: endUserSchema,
    scopes: z.array(scopeSchema).max(100).optional().describe("defaults to the provider's scopes"),
    return_to: z
      .string()
      .max(2048)
      .optional()
      .describe('where the browser lands afterwards; must equal a URL this caller may use'),
    redirect_uri: z
      .string()
      .max(2048)
      .optional()
      .describe("the caller's own page for the provider's redirect; then finish with /complete"),
    connection_id: z
      .string()
      .max(64)
      .optional()
      .describe(
        'a scope upgrade: this existing connection gets the new grant, with its scopes and `scopes`; ' +
          'nothing changes if the user declines',
      ),
    connection_params: z
      .record(z.string().max(64), z.string().max(1024))
      .refine((params) => Object.keys(params).length <= 10, 'at most 10 parameters')
      .optional()
      .describe(
        "values for the provider's `{name}` URL parameters (a shop, subdomain, host or realm); each must " +
          'match its pattern and may not contain / @ # ? \\ % or ..',
      ),
  })
  .meta({ id: 'ConnectSessionCreate' });

export const connectSessionCreatedSchema = z
  .object({
    id: z.string(),
    connect_url: z.string().describe("send the end user's browser here"),
    authorization_url: z.string().optional().describe('only with your own redirect_uri'),
    expires_at: z.iso.datetime(),
  })
  .meta({ id: 'ConnectSessionCreated' });

export const connectSessionSchema = z
  .object({
    id: z.string(),
    provider: z.string(),
    tenant: z.string(),
    end_user: z.string(),
    status: z.enum(['pending', 'completed', 'failed']),
    connection_id: z.string().nullable(),
    error: z
      .string()
      .nullable()
      .describe('why it failed: access_denied, session_expired, provider_error, id_token_invalid, ...'),
    created_at: z.iso.datetime(),
    expires_at: z.iso.datetime(),
  })
  .meta({ id: 'ConnectSession' });

export const connectSessionCompleteSchema = z
  .strictObject({
    code: z.string().min(1).max(4096),
    state: z.string().min(1).max(512),
    iss: z.string().max(2048).optional().describe('the `iss` the provider sent (RFC 9207), when it sent one'),
    callback_params: z
      .record(z.string().max(64), z.string().max(1024))
      .refine((params) => Object.keys(params).length <= 20, 'at most 20 parameters')
      .optional()
      .describe("the redirect's other query parameters, for a provider with callback_metadata (realmId)"),
  })
  .meta({ id: 'ConnectSessionComplete' });
