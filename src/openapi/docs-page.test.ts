import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../test-support/app.js';
import { docsPage, docsScript } from './docs-page.js';

const swaggerUi = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

describe('docs page', () => {
  it('loads only scripts of this origin and has no inline script or handler (the CSP would block them)', () => {
    const scripts = [...docsPage.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts.map((s) => s[1]!.trim())).toEqual([
      'src="/docs/swagger-ui-bundle.js"',
      'src="/docs/start.js"',
    ]);
    expect(scripts.every((s) => s[2] === '')).toBe(true);
    expect(docsPage).not.toMatch(/\son[a-z]+\s*=/i);
    expect(docsPage).not.toMatch(/javascript:/i);
  });

  it('names no other host, and turns the outside validator off', () => {
    for (const text of [docsPage, docsScript]) expect(text).not.toMatch(/https?:\/\/|["'(]\/\/[a-z0-9]/i);
    expect(docsScript).toContain('validatorUrl: null');
    expect(docsScript).toContain("url: '/openapi.json'");
  });

  it('serves Swagger UI’s files from the installed package, and nothing else under /docs/', async () => {
    for (const [name, type] of [
      ['swagger-ui-bundle.js', /^text\/javascript/],
      ['swagger-ui.css', /^text\/css/],
    ] as const) {
      const res = await t.app.request(`/docs/${name}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(type);
      expect(await res.text()).toBe(readFileSync(join(swaggerUi, name), 'utf8'));
    }
    expect(await (await t.app.request('/docs/start.js')).text()).toBe(docsScript);
    for (const name of ['package.json', 'index.html', '..%2Fpackage.json', 'swagger-initializer.js']) {
      expect((await t.app.request(`/docs/${name}`)).status, name).toBe(404);
    }
  });
});
