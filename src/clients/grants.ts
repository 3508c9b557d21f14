import { z } from 'zod';
import { tenantSchema } from '../connect/api-schema.js';
import { providerIdSchema } from '../providers/api-schema.js';

/** What a service client may do: which tenants, providers and actions, and where it may send browsers. */

export const actions = ['connect', 'read_connections', 'get_access_token', 'delete_connections'] as const;
export type Action = (typeof actions)[number];

const origin = z
  .string()
  .max(2048)
  .refine((value) => URL.canParse(value) && new URL(value).origin === value, {
    message: 'an origin: scheme, host and port only, as the URL standard writes it (https://app.example.com)',
  })
  .refine(
    (value) =>
      value.startsWith('https://') || /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(value),
    {
      message: 'https, or http on loopback',
    },
  );

const exactUrl = z
  .string()
  .max(2048)
  .refine((value) => URL.canParse(value) && !value.includes('#'), 'an absolute URL without a fragment');

export const grantsSchema = z
  .strictObject({
    tenants: z.union([z.literal('*'), z.array(tenantSchema).max(10_000)]).describe('"*" for every tenant'),
    providers: z
      .union([z.literal('*'), z.array(providerIdSchema).max(1000)])
      .describe('"*" for every provider'),
    actions: z.array(z.enum(actions)).max(actions.length),
    return_to_origins: z
      .array(origin)
      .max(100)
      .default([])
      .describe('return_to must be a URL on one of these'),
    redirect_uris: z.array(exactUrl).max(100).default([]).describe('redirect_uri must equal one of these'),
  })
  .meta({ id: 'ClientGrants' });

export type Grants = z.output<typeof grantsSchema>;

/**
 * A return_to on an allowed origin. The string itself must begin with the
 * origin and a slash, so no spelling the URL parser would repair (mixed case,
 * a trailing dot, `\\`, userinfo, an encoded slash) can pass.
 */
export function returnToAllowed(grants: Pick<Grants, 'return_to_origins'>, returnTo: string): boolean {
  if (!URL.canParse(returnTo) || /[\\\s#]/.test(returnTo)) return false;
  const parsed = new URL(returnTo);
  return grants.return_to_origins.some((o) => parsed.origin === o && returnTo.startsWith(`${o}/`));
}
