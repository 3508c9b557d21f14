import { spawn } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type FakeDropboxContent, startFakeDropboxContent } from './fakes/dropbox-content.js';

/**
 * 1 GiB, generated on the fly, goes through the Dropbox uploader to the fake (which only hashes and
 * counts). Set SDK_MEMORY_REPORT=1 to print the numbers.
 *
 * The chunk is 32 MiB. Whatever the chunk, the runtime adds about 16 MiB of its own to resident
 * memory, the same for any file size: V8's heap grows with the garbage of every request fetch makes
 * (measured with 8 MiB chunks: +14.5 MiB after the first 64 MiB, +24.3 MiB at 1 GiB, while the heap
 * went from 11.5 to 18.5 MiB). With chunks well within Dropbox's 150 MB per request, that is less
 * than one chunk, and two chunks bound the whole.
 */

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const CHUNK = 32 * MiB;
const mib = (bytes: number) => bytes / MiB;
const report = (line: string) => {
  if (process.env.SDK_MEMORY_REPORT) process.stderr.write(`sdk-memory: ${line}\n`);
};

let fake: FakeDropboxContent;
beforeAll(async () => {
  fake = await startFakeDropboxContent({ tokens: ['token'] });
});
afterAll(() => fake.close());

interface ChildReport {
  result: { success: boolean; fileSize: number; errorMessage: string | null };
  baseline: number;
  peak: number;
  sha256: string;
  seconds: number;
  heldResult: { success: boolean; fileSize: number };
  held: number[];
  heldSha256: string;
}

/**
 * The uploads run in a process of its own, through the built SDK, so that what it measures is the
 * upload's alone: not the test runner's, not the fake server's (which receives the bytes here).
 */
function uploadInChild(bytes: number, chunk: number): Promise<ChildReport> {
  const child = spawn(
    process.execPath,
    ['--expose-gc', 'test/support/upload-memory-child.mjs', fake.url, String(bytes), String(chunk)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (err += d));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`upload child exited with ${code}: ${err}`));
      resolve(JSON.parse(out) as ChildReport);
    });
  });
}

let child: ChildReport;
beforeAll(async () => {
  child = await uploadInChild(GiB, CHUNK);
  report(
    `${child.seconds.toFixed(1)} s; rss ${mib(child.baseline).toFixed(1)} MiB before, ` +
      `peak +${mib(child.peak - child.baseline).toFixed(1)} MiB; ArrayBuffers held after each 128 MiB: ` +
      `${child.held.map((h) => mib(h).toFixed(1)).join(' ')} MiB`,
  );
}, 180_000);

it('uploads 1 GiB generated on the fly, every byte arriving', () => {
  expect(child.result).toMatchObject({ success: true, fileSize: GiB, errorMessage: null });
  expect(fake.files.get('/memory.bin')).toMatchObject({ size: GiB, sha256: child.sha256 });
  expect(child.heldResult).toMatchObject({ success: true, fileSize: GiB });
  expect(fake.files.get('/held.bin')).toMatchObject({ size: GiB, sha256: child.heldSha256 });
});

it('grows resident memory by less than two chunks', () => {
  expect(mib(child.peak - child.baseline), 'resident memory growth, MiB').toBeLessThan(mib(2 * CHUNK));
});

it('holds one chunk of bytes at a time, however much has been sent', () => {
  expect(child.held).toHaveLength(8);
  // The chunk, read again into the same memory each time, and socket buffers.
  expect(mib(Math.max(...child.held)), 'ArrayBuffers held over the baseline, MiB').toBeLessThan(
    mib(CHUNK) + 1,
  );
});
