/**
 * A backup job: uploads one file to the cloud account behind a connection,
 * with a progress bar, the way a service would use the SDK.
 *
 *   CUSTODIAN_URL=https://custodian.internal CUSTODIAN_CLIENT_ID=svc_… CUSTODIAN_CLIENT_SECRET=cs_… \
 *     npm run example:backup -- <connection id> <file> [remote path]
 *
 * Applications import the SDK as `custodian/sdk`; this example sits in the
 * repository, so it imports the source directly.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Custodian, type CustodianOptions, type UploadResult } from '../src/sdk/index.js';

export async function backupFile(
  custodian: Custodian,
  connectionId: string,
  file: string,
  remotePath: string,
  out: { write(text: string): unknown } = process.stderr,
): Promise<UploadResult> {
  const { size } = await stat(file);
  const started = Date.now();
  const result = await custodian.upload(connectionId, {
    path: remotePath,
    body: createReadStream(file, { highWaterMark: 1024 * 1024 }),
    size,
    onProgress: ({ bytesUploaded }) =>
      out.write(`\r${progressBar(bytesUploaded, size, Date.now() - started)}`),
  });
  out.write('\n');
  return result;
}

/** `[##########----------]  50%  12.3 MB/s` */
export function progressBar(done: number, total: number, elapsedMs: number, width = 30): string {
  const fraction = total === 0 ? 1 : Math.min(1, done / total);
  const filled = Math.round(fraction * width);
  const rate = elapsedMs > 0 ? done / 1e6 / (elapsedMs / 1000) : 0;
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${String(Math.floor(fraction * 100)).padStart(3)}%  ${rate.toFixed(1)} MB/s`;
}

/** The command: 0 when the file was uploaded, 1 when the upload failed, 2 for a wrong call. */
export async function main(
  argv: string[],
  env: Record<string, string | undefined> = process.env,
  options: Pick<CustodianOptions, 'fetch' | 'uploadEndpoints'> = {},
): Promise<number> {
  const [connectionId, file, remote] = argv;
  const { CUSTODIAN_URL, CUSTODIAN_CLIENT_ID, CUSTODIAN_CLIENT_SECRET } = env;
  if (!connectionId || !file || !CUSTODIAN_URL || !CUSTODIAN_CLIENT_ID || !CUSTODIAN_CLIENT_SECRET) {
    process.stderr.write(
      'usage: CUSTODIAN_URL=… CUSTODIAN_CLIENT_ID=… CUSTODIAN_CLIENT_SECRET=… backup-to-cloud <connection id> <file> [remote path]\n',
    );
    return 2;
  }
  const custodian = new Custodian({
    baseUrl: CUSTODIAN_URL,
    clientId: CUSTODIAN_CLIENT_ID,
    clientSecret: CUSTODIAN_CLIENT_SECRET,
    ...options,
  });
  const result = await backupFile(custodian, connectionId, file, remote ?? `/backups/${basename(file)}`);
  if (!result.success) {
    process.stderr.write(`backup failed: ${result.errorMessage}\n`);
    return 1;
  }
  process.stdout.write(`${JSON.stringify(result)}\n`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
