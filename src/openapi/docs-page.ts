import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/**
 * The reference page at /docs: Swagger UI, served from the installed
 * swagger-ui-dist package (nothing from a CDN), reading /openapi.json.
 * The page has no inline script, so the CSP below can stay strict.
 */

export const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Custodian API reference</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="docs"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/start.js"></script>
</body>
</html>
`;

/**
 * Starts Swagger UI. No validator badge (it would send the document to an
 * outside validator); "try it out" on, so an operation can be sent at once.
 * The Authorize dialog gets a service token from /oauth/token (client
 * credentials) for the serviceToken scheme; the token lives in the page only.
 */
export const docsScript = `'use strict';
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#docs',
  validatorUrl: null,
  tryItOutEnabled: true,
  deepLinking: true,
  persistAuthorization: false,
  displayOperationId: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

/** The page's script: start.js (ours) and the Swagger UI files it loads. */
export const docsAssets: Record<string, string> = {
  'start.js': 'text/javascript; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
};

/** The Swagger UI file `name`, read once from the installed package. */
export function createDocsAssetReader(): (name: string) => Promise<string> {
  const folder = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const read = new Map<string, Promise<string>>();
  return (name) => {
    if (name === 'start.js') return Promise.resolve(docsScript);
    let text = read.get(name);
    if (!text) {
      text = readFile(join(folder, name), 'utf8');
      read.set(name, text);
    }
    return text;
  };
}

/** Same origin only; inline styles because Swagger UI sets style attributes. */
export const docsContentSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; connect-src 'self'; " +
  "img-src 'self' data:; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
