import { z } from 'zod';
import { grantsSchema } from './grants.js';

const name = z
  .string()
  .min(1)
  .max(100)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters');

export const clientCreateSchema = z
  .strictObject({ name, grants: grantsSchema, is_enabled: z.boolean().default(true) })
  .meta({ id: 'ClientCreate' });

export const clientPatchSchema = z
  .strictObject({
    name: name.optional(),
    grants: grantsSchema.optional(),
    is_enabled: z.boolean().optional(),
  })
  .meta({ id: 'ClientPatch' });

export const secretCreateSchema = z
  .strictObject({
    expires_in_seconds: z
      .number()
      .int()
      .min(60)
      .max(10 * 365 * 86_400)
      .optional()
      .describe('default: never'),
    retire_others_in_seconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 86_400)
      .optional()
      .describe('end the overlap: the other secrets expire this long from now'),
  })
  .meta({ id: 'ClientSecretCreate' });

const secretInfo = z.object({
  id: z.string(),
  created_at: z.iso.datetime(),
  expires_at: z.iso.datetime().nullable(),
});

export const clientSchema = z
  .object({
    client_id: z.string(),
    name: z.string(),
    is_enabled: z.boolean(),
    grants: z.object({
      tenants: z.union([z.literal('*'), z.array(z.string())]),
      providers: z.union([z.literal('*'), z.array(z.string())]),
      actions: z.array(z.string()),
      return_to_origins: z.array(z.string()),
      redirect_uris: z.array(z.string()),
    }),
    secrets: z.array(secretInfo).describe('metadata only: a secret is shown once, when made'),
    created_at: z.iso.datetime(),
    updated_at: z.iso.datetime(),
  })
  .meta({ id: 'Client' });

export const clientWithSecretSchema = clientSchema
  .extend({
    client_secret: z.string().describe('shown this once; store it now'),
    secret_id: z.string(),
  })
  .meta({ id: 'ClientWithSecret' });

export const newSecretSchema = z
  .object({
    client_id: z.string(),
    secret_id: z.string(),
    client_secret: z.string(),
    expires_at: z.iso.datetime().nullable(),
  })
  .meta({ id: 'ClientSecretCreated' });
