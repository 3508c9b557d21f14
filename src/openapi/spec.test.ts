import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { compileErrors, validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { renderOpenApiYaml } from './spec-file.js';

const checkedIn = readFileSync(fileURLToPath(new URL('../../openapi.yaml', import.meta.url)), 'utf8');

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('openapi.yaml', () => {
  it('matches what the routes generate (run `npm run openapi` after changing a route)', async () => {
    expect(checkedIn).toBe(await renderOpenApiYaml());
  });

  it('is served as is at /openapi.yaml', async () => {
    const res = await t.app.request('/openapi.yaml');
    expect(res.headers.get('content-type')).toMatch(/^application\/yaml/);
    expect(await res.text()).toBe(checkedIn);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const document = parse(checkedIn);
    expect(document.openapi).toMatch(/^3\.1\./);
    const result = await validate(structuredClone(document));
    expect(result.valid, result.valid ? '' : compileErrors(result)).toBe(true);
  });

  it('describes every route the app serves, with its method', () => {
    const document = parse(checkedIn);
    for (const route of t.routes.filter((r) => !r.hidden)) {
      expect(document.paths[route.path]?.[route.method], `${route.method} ${route.path}`).toBeDefined();
    }
  });

  it('marks each route with its own kind of credential, and public ones with security: []', () => {
    const document = parse(checkedIn);
    for (const route of t.routes.filter((r) => !r.hidden)) {
      const operation = document.paths[route.path][route.method];
      expect(operation.security, `${route.method} ${route.path}`).toEqual([
        ...{
          admin: [{ adminToken: [] }],
          service: [{ serviceToken: [] }],
          client: [{ clientBasic: [] }, {}],
          none: [],
        }[route.auth],
        ...(route.alsoAccepts ?? []).map((name) => ({ [name]: [] })),
      ]);
    }
  });

  it('defines every security scheme it uses; service tokens come from /oauth/token', () => {
    const document = parse(checkedIn);
    const schemes = document.components.securitySchemes;
    expect(Object.keys(schemes).sort()).toEqual([
      'adminToken',
      'clientBasic',
      'metricsToken',
      'serviceToken',
    ]);
    expect(schemes.serviceToken.flows.clientCredentials.tokenUrl).toBe('/oauth/token');
    expect(schemes.clientBasic).toMatchObject({ type: 'http', scheme: 'basic' });
  });

  it('has servers, described tags, and a description on every operation', () => {
    const document = parse(checkedIn);
    expect(document.servers).toEqual([{ url: '/', description: 'this broker' }]);
    for (const tag of document.tags) expect(tag.description, tag.name).toMatch(/\w/);
    for (const [path, item] of Object.entries<Record<string, { tags: string[]; description: string }>>(
      document.paths,
    )) {
      for (const [method, operation] of Object.entries(item)) {
        expect(operation.description, `${method} ${path}`).toMatch(/\w/);
        expect(document.tags.map((t: { name: string }) => t.name)).toContain(operation.tags[0]);
      }
    }
  });

  it('lets /oauth/token and /oauth/revoke take both client authentication methods', () => {
    const document = parse(checkedIn);
    for (const path of ['/oauth/token', '/oauth/revoke']) {
      const operation = document.paths[path].post;
      const form = operation.requestBody.content['application/x-www-form-urlencoded'].schema;
      const schema = form.$ref ? document.components.schemas[form.$ref.split('/').pop()] : form;
      expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['client_id', 'client_secret']));
      expect(operation.responses['401'].description).toContain('`invalid_client`');
      expect(operation.responses['401'].content['application/json'].schema.$ref).toBe(
        '#/components/schemas/OAuthError',
      );
      expect(operation.responses['415'].description).toContain('application/x-www-form-urlencoded');
    }
  });

  it('lets GET /metrics take the admin credential or the scraper’s own (CUSTODIAN_METRICS_TOKEN)', () => {
    const document = parse(checkedIn);
    const metrics = document.paths['/metrics'].get;
    expect(metrics.security).toEqual([{ adminToken: [] }, { metricsToken: [] }]);
    expect(document.components.securitySchemes.metricsToken).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(document.components.securitySchemes.metricsToken.description).toContain('CUSTODIAN_METRICS_TOKEN');
    expect(metrics.responses['401'].description).toContain('metricsToken');
    // Only there: every other admin operation takes the admin credential alone.
    const users = Object.values<Record<string, { security?: unknown[] }>>(document.paths)
      .flatMap((item) => Object.values(item))
      .filter((operation) => JSON.stringify(operation.security ?? []).includes('metricsToken'));
    expect(users).toEqual([metrics]);
  });

  it('declares Retry-After, RateLimit-Policy and RateLimit on every 429, and says which limit it is', () => {
    const document = parse(checkedIn);
    const names = ['Retry-After', 'RateLimit-Policy', 'RateLimit'];
    for (const name of names) {
      expect(document.components.headers[name], name).toMatchObject({ required: true });
      expect(document.components.headers[name].description, name).toMatch(
        /RFC 9110|draft-ietf-httpapi-ratelimit-headers/,
      );
    }
    let seen = 0;
    type Response = { description: string; headers?: Record<string, { $ref: string }> };
    for (const [path, item] of Object.entries<Record<string, { responses: Record<string, Response> }>>(
      document.paths,
    )) {
      for (const [method, operation] of Object.entries(item)) {
        const limited = operation.responses['429'];
        if (!limited) continue;
        seen += 1;
        expect(Object.keys(limited.headers ?? {}), `${method} ${path}`).toEqual(names);
        for (const name of names) expect(limited.headers?.[name]?.$ref).toBe(`#/components/headers/${name}`);
        expect(limited.description, `${method} ${path}`).toMatch(/^too many|limit/);
        expect(limited.description).toContain('`Retry-After`');
      }
    }
    // The OAuth endpoints, every admin operation, the hand-out and connect sessions.
    expect(seen).toBeGreaterThan(10);
    expect(document.paths['/v1/connections/{id}/access-token'].post.responses['429'].description).toContain(
      '`handouts`',
    );
    expect(document.paths['/oauth/revoke'].post.responses['429'].description).toContain(
      'failed client authentications',
    );
  });

  it('declares the 403s services can get', () => {
    const document = parse(checkedIn);
    expect(document.paths['/v1/connect-sessions'].post.responses['403'].description).toContain('`forbidden`');
    expect(document.paths['/v1/connections'].get.responses['403'].description).toContain('`forbidden`');
  });

  it('never describes a client secret in any answer', () => {
    const document = parse(checkedIn);
    const provider = document.components.schemas.Provider;
    expect(Object.keys(provider.properties)).not.toContain('client_secret');
    expect(provider.properties.client_secret_set.type).toBe('boolean');
  });
});

type Schema = Record<string, unknown>;

/**
 * Where `value` breaks `schema` of openapi.yaml, as JSON Pointers with the rule: the keywords the
 * generated document uses ($ref, anyOf, type, enum, pattern, lengths, required, properties,
 * additionalProperties, propertyNames, items), enough to hold an answer to what the spec promises.
 */
function conformance(
  document: { components: { schemas: Record<string, Schema> } },
  schema: Schema,
  value: unknown,
  at = '',
): string[] {
  if (typeof schema.$ref === 'string') {
    return conformance(document, document.components.schemas[schema.$ref.split('/').pop()!]!, value, at);
  }
  if (Array.isArray(schema.anyOf)) {
    const branches = (schema.anyOf as Schema[]).map((branch) => conformance(document, branch, value, at));
    return branches.some((b) => b.length === 0)
      ? []
      : [`${at}: matches no anyOf branch (${branches.flat().join('; ')})`];
  }
  // `type` may list several (`[string, null]`); an integer is a number too.
  const types = [schema.type ?? []].flat() as string[];
  const actual =
    value === null
      ? 'null'
      : Array.isArray(value)
        ? 'array'
        : Number.isInteger(value)
          ? 'integer'
          : typeof value;
  if (types.length > 0 && !types.includes(actual) && !(actual === 'integer' && types.includes('number'))) {
    return [`${at}: ${actual}, declared ${types.join(' or ')}`];
  }
  const found: string[] = [];
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) found.push(`${at}: not one of the enum`);
  if (typeof value === 'string') {
    if (typeof schema.pattern === 'string' && !new RegExp(schema.pattern, 'u').test(value)) {
      found.push(`${at}: does not match ${schema.pattern}`);
    }
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength)
      found.push(`${at}: too long`);
    if (typeof schema.minLength === 'number' && value.length < schema.minLength)
      found.push(`${at}: too short`);
  }
  if (Array.isArray(value)) {
    if (typeof schema.maxItems === 'number' && value.length > schema.maxItems)
      found.push(`${at}: too many items`);
    if (typeof schema.minItems === 'number' && value.length < schema.minItems)
      found.push(`${at}: too few items`);
    if (schema.items) {
      for (const [i, item] of value.entries()) {
        found.push(...conformance(document, schema.items as Schema, item, `${at}/${i}`));
      }
    }
  }
  if (actual === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[]) {
      if (!(name in object)) found.push(`${at}/${name}: required, missing`);
    }
    for (const [name, member] of Object.entries(object)) {
      const where = `${at}/${name}`;
      const names = schema.propertyNames as Schema | undefined;
      if (names) found.push(...conformance(document, names, name, `${where} (name)`));
      if (name in properties) found.push(...conformance(document, properties[name]!, member, where));
      else if (schema.additionalProperties === false) found.push(`${where}: not declared`);
      else if (typeof schema.additionalProperties === 'object') {
        found.push(...conformance(document, schema.additionalProperties as Schema, member, where));
      }
    }
  }
  return found;
}

describe('answers against openapi.yaml', () => {
  const document = parse(checkedIn);
  const component = (name: string) => ({ $ref: `#/components/schemas/${name}` });

  it('the checker catches an undeclared nested member, a missing one and a pattern the value breaks', () => {
    const schema = {
      type: 'object',
      properties: {
        inner: {
          type: 'object',
          properties: { a: { type: 'string', pattern: '^x' } },
          required: ['a'],
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    };
    expect(conformance(document, schema, { inner: { a: 'x1' } })).toEqual([]);
    expect(conformance(document, schema, { inner: { a: 'y', b: 1 } })).toEqual([
      '/inner/a: does not match ^x',
      '/inner/b: not declared',
    ]);
    expect(conformance(document, schema, { inner: {} })).toEqual(['/inner/a: required, missing']);
  });

  it('a provider from the Shopify preset, userinfo.token_header included, is a Provider as the spec says', async () => {
    const created = await t.admin('POST', '/v1/admin/providers', {
      preset: 'shopify',
      client_id: 'shopify-client',
      client_secret: 'shopify-secret',
    });
    expect(created.status).toBe(201);
    const provider = await created.json();
    expect(provider.userinfo.token_header).toBe('X-Shopify-Access-Token');
    expect(conformance(document, component('Provider'), provider)).toEqual([]);
    const read = await (await t.admin('GET', `/v1/admin/providers/${provider.provider_id}`)).json();
    expect(conformance(document, component('Provider'), read)).toEqual([]);
  });

  it('every catalog entry, Shopify’s included, is a ProviderPreset as the spec says', async () => {
    const page = await (await t.admin('GET', '/v1/admin/provider-presets?limit=200')).json();
    expect(page.data.map((p: { id: string }) => p.id)).toContain('shopify');
    for (const entry of page.data) {
      expect(conformance(document, component('ProviderPreset'), entry), entry.id).toEqual([]);
    }
  });
});

describe('/docs', () => {
  it('serves the reference page with a strict content security policy', async () => {
    const res = await t.app.request('/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self';");
    expect(await res.text()).toContain('/docs/swagger-ui-bundle.js');
    expect((await t.app.request('/docs/start.js')).headers.get('content-type')).toMatch(/javascript/);
  });
});
