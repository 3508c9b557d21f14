import { z } from 'zod';
import type { Router } from '../http/router.js';
import { createDocsAssetReader, docsAssets, docsContentSecurityPolicy, docsPage } from './docs-page.js';
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
      description: 'The same text as `openapi.yaml` in the repository.',
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
      description: 'The document the reference page at `/docs` reads.',
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
      description:
        'Swagger UI, served by the broker itself. Authorize with the admin credential, or with a client id ' +
        'and secret for a service token, then try the operations.',
      tag: 'meta',
      auth: 'none',
      responses: { 200: { description: 'an HTML page', mediaType: 'text/html' } },
    },
    () =>
      new Response(docsPage, {
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': docsContentSecurityPolicy,
        },
      }),
  );
  const readAsset = createDocsAssetReader();
  router.add(
    {
      method: 'get',
      path: '/docs/{file}',
      operationId: 'getDocsAsset',
      summary: 'Scripts and styles of the reference page',
      tag: 'meta',
      auth: 'none',
      hidden: true,
      params: z.strictObject({ file: z.enum(Object.keys(docsAssets) as [string, ...string[]]) }),
      responses: { 200: { description: 'the file', mediaType: 'text/plain' } },
    },
    async (_c, { params }) =>
      new Response(await readAsset(params.file), {
        headers: { 'content-type': docsAssets[params.file]!, 'cache-control': 'public, max-age=3600' },
      }),
  );
}
