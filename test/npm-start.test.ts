import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, symlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

/**
 * `npm start` as a container runtime runs it: npm is the process that gets
 * SIGTERM (and only npm, not its process group). The broker must hear it,
 * shut down and free its port: the script `exec`s node, so no shell sits
 * between npm and the broker to swallow the signal.
 *
 * It runs in a scratch folder holding the real package.json and tsconfigs,
 * with src, drizzle and node_modules linked: `npm start` builds into that
 * folder's dist, never over the dist/ other test files are running.
 */

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

const portOpen = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

it('SIGTERM to the npm start process stops the broker and closes its port', {
  timeout: 240_000,
}, async () => {
  const folder = mkdtempSync(join(tmpdir(), 'custodian-npm-start-'));
  for (const file of ['package.json', 'tsconfig.json', 'tsconfig.build.json']) {
    copyFileSync(join(repoRoot, file), join(folder, file));
  }
  for (const dir of ['src', 'drizzle', 'node_modules']) symlinkSync(join(repoRoot, dir), join(folder, dir));
  const npm = spawn('npm', ['start'], {
    cwd: folder,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      CUSTODIAN_PORT: '0',
      CUSTODIAN_DATA_DIR: join(folder, 'data'),
      CUSTODIAN_BACKGROUND_REFRESH: 'false',
    },
    // Its own process group, as PID 1 of a container: a signal to it reaches nobody else by accident.
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  npm.stdout.on('data', (d) => {
    stdout += d;
  });
  npm.stderr.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no listening line:\n${stdout}\n${stderr}`)), 200_000);
      npm.stdout.on('data', () => {
        const line = stdout.split('\n').find((l) => l.includes('"msg":"listening"'));
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line).url as string);
        }
      });
      void exited.then(() => reject(new Error(`npm start exited early:\n${stdout}\n${stderr}`)));
    });
    const port = Number(new URL(url).port);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);

    npm.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toContain('"msg":"shutdown complete"');
    expect(await portOpen(port)).toBe(false);
  } finally {
    // Whatever is left of the group (nothing, when the test passes), so no broker outlives a failure.
    try {
      if (npm.pid !== undefined) process.kill(-npm.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is gone, as it should be.
    }
  }
});
