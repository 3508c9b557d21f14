import { z } from 'zod';
import type { Router } from '../http/router.js';
import { docsPage, docsScript } from './docs-page.js';
import { buildOpenApiDocument } from './document.js';
import { toYaml } from './yaml.js';

export const documentInfo = {
  title: 'Custodian',
  version: '0.1.0',
  description:
    'An OAuth broker: admins register providers, end users connect accounts, and internal services get ' +
    'short-lived access tokens. Errors are RFC 9457 problem+json with a stable `code`.',
};

/** Serves the spec of the routes registered so far, built once on first request. */
export function mountOpenApiRoutes(router: Router): void {
  let cached: { json: string; yaml: string } | undefined;
  const spec = () => {
    if (!cached) {
      const document = buildOpenApiDocument(router.definitions, documentInfo);
      cached = { json: JSON.stringify(document), yaml: toYaml(document) };
    }
    return cached;
  };
  const text = (body: string, type: string) =>
    new Response(body, { headers: { 'content-type': type, 'cache-control': 'no-cache' } });

  router.add(
    {
      method: 'get',
      path: '/openapi.yaml',
      operationId: 'getOpenApiYaml',
      summary: 'This OpenAPI 3.1 document, as YAML',
      tag: 'meta',
      auth: 'none',
      responses: { 200: { description: 'the document', mediaType: 'application/yaml' } },
    },
    () => text(spec().yaml, 'application/yaml; charset=utf-8'),
  );
  router.add(
    {
      method: 'get',
      path: '/openapi.json',
      operationId: 'getOpenApiJson',
      summary: 'This OpenAPI 3.1 document, as JSON',
      tag: 'meta',
      auth: 'none',
      responses: { 200: { description: 'the document', schema: z.record(z.string(), z.unknown()) } },
    },
    () => text(spec().json, 'application/json'),
  );
  router.add(
    {
      method: 'get',
      path: '/docs',
      operationId: 'getDocs',
      summary: 'An interactive reference page for this API',
      tag: 'meta',
      auth: 'none',
      responses: { 200: { description: 'an HTML page', mediaType: 'text/html' } },
    },
    () =>
      new Response(docsPage, {
        headers: {
          'content-type': 'text/html; charset=utf-8',
          // The page runs only its own script and talks only to this origin.
          'content-security-policy':
            "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; " +
            "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        },
      }),
  );
  router.add(
    {
      method: 'get',
      path: '/docs/app.js',
      operationId: 'getDocsScript',
      summary: 'Script of the reference page',
      tag: 'meta',
      auth: 'none',
      hidden: true,
      responses: { 200: { description: 'JavaScript', mediaType: 'text/javascript' } },
    },
    () => text(docsScript, 'text/javascript; charset=utf-8'),
  );
}
