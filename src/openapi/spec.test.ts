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
