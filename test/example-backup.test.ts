import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { main, progressBar } from '../examples/backup-to-cloud.js';
import { ADMIN_TOKEN, allGrants, type TestClient } from '../src/test-support/app.js';
import { seedConnection } from '../src/test-support/connections.js';
import { type FakeDropboxContent, startFakeDropboxContent } from './fakes/dropbox-content.js';
import { type ServedBroker, serveBroker } from './support/serve-app.js';

/**
 * examples/backup-to-cloud.ts as a backup job runs it: the command, against the real broker over
 * HTTP (service token, hand-out) and the strict fake of Dropbox's content host (upload session).
 */

const ACCESS_TOKEN = 'example-access-token-0123456789';
const MiB = 1024 ** 2;

let broker: ServedBroker;
let dropbox: FakeDropboxContent;
let client: TestClient;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'custodian-example-'));
  dropbox = await startFakeDropboxContent({ tokens: [ACCESS_TOKEN] });
  broker = await serveBroker();
  const res = await fetch(`${broker.url}/v1/admin/providers`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ preset: 'dropbox', client_id: 'cid', client_secret: 'csecret' }),
  });
  expect(res.status).toBe(201);
  client = await broker.t.client(allGrants({ tenants: ['acme'] }));
  await seedConnection(broker.t.deps, {
    id: 'conn_backup',
    providerId: 'dropbox',
    endUser: 'brewer-42',
    accessToken: ACCESS_TOKEN,
    expiresAt: Date.now() + 3600_000,
  });
});

afterAll(async () => {
  await broker?.close();
  await dropbox?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the command with stdout and stderr captured. */
async function run(argv: string[], env: Record<string, string | undefined>) {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = process.stdout.write;
  const stderr = process.stderr.write;
  process.stdout.write = ((text: string) => out.push(text) > 0) as typeof process.stdout.write;
  process.stderr.write = ((text: string) => err.push(text) > 0) as typeof process.stderr.write;
  try {
    const code = await main(argv, env, { uploadEndpoints: { dropbox: { content: dropbox.url } } });
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    process.stdout.write = stdout;
    process.stderr.write = stderr;
  }
}

const envFor = () => ({
  CUSTODIAN_URL: broker.url,
  CUSTODIAN_CLIENT_ID: client.clientId,
  CUSTODIAN_CLIENT_SECRET: client.secret,
});

it('backs up a file larger than one chunk, showing its progress, and prints the result', async () => {
  const bytes = randomBytes(20 * MiB + 3);
  const file = join(dir, 'brew-log.bin');
  writeFileSync(file, bytes);
  const { code, stdout, stderr } = await run(['conn_backup', file], envFor());
  expect(code, stderr).toBe(0);
  const result = JSON.parse(stdout);
  expect(result).toMatchObject({
    success: true,
    remotePath: '/backups/brew-log.bin',
    fileSize: bytes.byteLength,
    errorMessage: null,
  });
  expect(dropbox.files.get('/backups/brew-log.bin')).toMatchObject({
    size: bytes.byteLength,
    sha256: createHash('sha256').update(bytes).digest('hex'),
  });
  // A bar redrawn in place at each confirmed step (one request up to Dropbox's 150 MB), the last one full.
  const bars = stderr.split('\r').filter(Boolean);
  expect(bars.length).toBeGreaterThanOrEqual(1);
  expect(bars.at(-1)).toMatch(/^\[#{30}\] 100% {2}\d+\.\d MB\/s\n$/);
  expect(stderr).not.toContain(ACCESS_TOKEN);
});

it('exits with 1 and the reason when the upload fails, and with 2 when called wrongly', async () => {
  const failed = await run(['conn_unknown', join(dir, 'brew-log.bin')], envFor());
  expect(failed.code).toBe(1);
  expect(failed.stderr).toMatch(/backup failed: .*connection/i);
  const usage = await run(['conn_backup'], envFor());
  expect(usage.code).toBe(2);
  expect(usage.stderr).toMatch(/^usage: /);
});

it('draws the progress bar', () => {
  expect(progressBar(0, 100, 0)).toBe(`[${'-'.repeat(30)}]   0%  0.0 MB/s`);
  expect(progressBar(50, 100, 1000, 10)).toBe('[#####-----]  50%  0.0 MB/s');
  expect(progressBar(4_000_000, 4_000_000, 2000, 4)).toBe('[####] 100%  2.0 MB/s');
  expect(progressBar(0, 0, 0, 4)).toBe('[####] 100%  0.0 MB/s');
});
