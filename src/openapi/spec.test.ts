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

  it('marks each protected route with its own kind of credential', () => {
    const document = parse(checkedIn);
    for (const route of t.routes.filter((r) => !r.hidden)) {
      const operation = document.paths[route.path][route.method];
      expect(operation.security, `${route.method} ${route.path}`).toEqual(
        { admin: [{ adminToken: [] }], service: [{ serviceToken: [] }], none: undefined }[route.auth],
      );
    }
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
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('/docs/app.js');
    expect((await t.app.request('/docs/app.js')).headers.get('content-type')).toMatch(/javascript/);
  });
});
