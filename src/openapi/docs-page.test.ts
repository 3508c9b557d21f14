import { Hono, type MiddlewareHandler } from 'hono';
import { describe, expect, it } from 'vitest';
import { type AppEnv, Router } from '../http/router.js';
import { docsPage, docsScript } from './docs-page.js';
import { mountOpenApiRoutes } from './routes.js';

type Schema = Record<string, unknown>;
interface Helpers {
  setSpec(spec: unknown): void;
  skeleton(schema: Schema, stack: string[]): unknown;
  typeLabel(schema: Schema): string;
  isSimple(schema: Schema): boolean;
}

/** The script's pure helpers; without a `document` the script does not start. */
function helpers(spec: unknown): Helpers {
  const exported = new Function(
    `${docsScript}\nreturn { setSpec: (s) => { spec = s; }, skeleton, typeLabel, isSimple };`,
  )() as Helpers;
  exported.setSpec(spec);
  return exported;
}

describe('docs page', () => {
  it('loads its script from /docs/app.js and has no inline script', () => {
    expect(docsPage.startsWith('<!doctype html>')).toBe(true);
    const scripts = [...docsPage.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts).toHaveLength(1);
    expect(scripts[0]![1]).toContain('src="/docs/app.js"');
    expect(scripts[0]![2]).toBe('');
  });

  it('has no inline event handlers or javascript: URLs (the CSP would block them)', () => {
    expect(docsPage).not.toMatch(/\son[a-z]+\s*=/i);
    expect(docsPage).not.toMatch(/javascript:/i);
  });

  it('names no other host', () => {
    for (const text of [docsPage, docsScript]) {
      expect(text).not.toMatch(/https?:\/\//i);
      expect(text).not.toMatch(/["'(]\/\/[a-z0-9]/i);
    }
  });
});

describe('docs script', () => {
  it('parses', () => {
    expect(docsScript.length).toBeGreaterThan(1000);
    expect(() => new Function(docsScript)).not.toThrow();
  });

  it('inserts no HTML and stores nothing', () => {
    for (const banned of [
      'innerHTML',
      'outerHTML',
      'insertAdjacentHTML',
      'document.write',
      'eval(',
      'localStorage',
      'sessionStorage',
      'indexedDB',
      'document.cookie',
    ]) {
      expect(docsScript).not.toContain(banned);
    }
  });

  it('fetches the document from this origin', () => {
    expect(docsScript).toContain("fetch('/openapi.json'");
  });

  const spec = {
    components: {
      schemas: {
        Node: {
          type: 'object',
          properties: {
            name: { type: 'string' },
            children: { type: 'array', items: { $ref: '#/components/schemas/Node' } },
            parent: { anyOf: [{ $ref: '#/components/schemas/Node' }, { type: 'null' }] },
          },
        },
        Loop: { $ref: '#/components/schemas/Loop' },
        Widget: {
          type: 'object',
          properties: {
            kind: { type: 'string', enum: ['a', 'b'] },
            size: { type: 'integer', minimum: 1, default: 5 },
            label: { type: ['string', 'null'] },
            status: { type: 'string', const: 'ok' },
            id: { type: 'string', readOnly: true },
            on: { type: 'boolean' },
            tags: { type: 'array', items: { type: 'string' } },
            params: { type: 'object', additionalProperties: { type: 'string' } },
            nested: { type: 'object', properties: { n: { type: 'number' } } },
          },
        },
      },
    },
  };

  it('builds a body skeleton from a schema', () => {
    const { skeleton } = helpers(spec);
    expect(skeleton({ $ref: '#/components/schemas/Widget' }, [])).toEqual({
      kind: 'a',
      size: 5,
      label: '',
      status: 'ok',
      on: false,
      tags: [],
      params: {},
      nested: { n: 0 },
    });
  });

  it('terminates on recursive and self-referencing schemas', () => {
    const { skeleton, typeLabel, isSimple } = helpers(spec);
    expect(skeleton({ $ref: '#/components/schemas/Node' }, [])).toEqual({
      name: '',
      children: [],
      parent: null,
    });
    expect(skeleton({ $ref: '#/components/schemas/Loop' }, [])).toBeNull();
    expect(typeLabel({ $ref: '#/components/schemas/Loop' })).toBe('Loop');
    expect(isSimple({ $ref: '#/components/schemas/Loop' })).toBe(true);
    expect(skeleton({ $ref: '#/components/schemas/Missing' }, [])).toBeNull();
  });

  it('labels types readably', () => {
    const { typeLabel } = helpers(spec);
    expect(typeLabel({ anyOf: [{ type: 'string' }, { type: 'null' }] })).toBe('string | null');
    expect(typeLabel({ type: 'array', items: { $ref: '#/components/schemas/Node' } })).toBe('array of Node');
    expect(typeLabel({ type: 'object', additionalProperties: { type: 'string' } })).toBe(
      'map of string to string',
    );
    expect(typeLabel({ type: 'string', format: 'date-time' })).toBe('string (date-time)');
    expect(typeLabel({})).toBe('any');
  });
});

describe('served', () => {
  it('serves the page under its CSP and the script as JavaScript', async () => {
    const app = new Hono<AppEnv>();
    const pass: MiddlewareHandler<AppEnv> = async (_c, next) => next();
    mountOpenApiRoutes(new Router(app, { guards: { admin: pass, service: pass, none: pass } }));

    const page = await app.request('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toBe(docsPage);

    const script = await app.request('/docs/app.js');
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toBe(docsScript);

    const document = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths)).toContain('/docs');
    expect(helpers(document).typeLabel({ $ref: '#/paths/~1docs' })).toBe('/docs');
  });
});
