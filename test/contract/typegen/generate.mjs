// Prints the TypeScript types openapi-typescript generates from an OpenAPI
// file: `node test/contract/typegen/generate.mjs openapi.yaml`.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

register('./typescript-5.9-hooks.mjs', import.meta.url);
const { default: openapiTS, astToString } = await import('openapi-typescript');

const input = pathToFileURL(process.argv[2] ?? 'openapi.yaml');
// A property with a default is optional to send: openapi-typescript would make it required.
const ast = await openapiTS(input, { alphabetize: false, defaultNonNullable: false });
process.stdout.write(astToString(ast));
