import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, allGrants } from '../../src/test-support/app.js';
import { type ServedBroker, serveBroker } from '../support/serve-app.js';
import { driveBroker } from './drive-broker.js';

/**
 * A client generated from openapi.yaml by openapi-typescript (openapi-types.ts,
 * checked in and compared with a fresh generation) drives the running broker
 * through openapi-fetch (drive-broker.ts, type-checked with the strictest
 * options of tsconfig.json here): a spec that promised other shapes would not
 * compile, and the broker checks each answer against the spec as it sends it.
 */

const run = promisify(execFile);
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const root = here('../../');

let broker: ServedBroker;

beforeAll(async () => {
  broker = await serveBroker();
});
afterAll(async () => {
  await broker.close();
});

describe('the generated client', () => {
  it('is what openapi-typescript generates from openapi.yaml now (run `npm run openapi`)', async () => {
    const { stdout } = await run(process.execPath, [here('typegen/generate.mjs'), `${root}openapi.yaml`], {
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(stdout).toBe(readFileSync(here('openapi-types.ts'), 'utf8'));
  }, 60_000);

  it('type-checks strictly with the project’s tsc', async () => {
    const tsc = `${root}node_modules/typescript/bin/tsc`;
    const result = await run(process.execPath, [tsc, '-p', here('tsconfig.json')]).catch(
      (error: { stdout: string; stderr: string }) => error,
    );
    expect(`${result.stdout}${result.stderr}`).toBe('');
  }, 120_000);

  it('drives the broker: providers, a client, tokens both ways, connect, connections, audit', async () => {
    await driveBroker(
      broker.url,
      ADMIN_TOKEN,
      allGrants({ return_to_origins: ['https://app.example.test'] }),
    );
  }, 60_000);
});
