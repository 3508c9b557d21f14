// Module resolution hooks (node:module register): openapi-typescript gets the
// TypeScript 5.9 installed beside this file; everything else keeps its own.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const typescript59 = pathToFileURL(createRequire(import.meta.url).resolve('typescript')).href;

export async function resolve(specifier, context, next) {
  if (specifier === 'typescript' && context.parentURL?.includes('/node_modules/openapi-typescript/')) {
    return { url: typescript59, shortCircuit: true, format: 'commonjs' };
  }
  return next(specifier, context);
}
