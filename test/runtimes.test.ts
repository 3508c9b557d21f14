import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The runtimes the project claims are the ones it is tested on: CI runs the suite on the machine's
 * Node and on the exact version pinned in .ci/node-version, which must be the major the Docker
 * image ships; `engines` names exactly those majors.
 */

const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(`${root}${path}`, 'utf8');
const pinned = read('.ci/node-version').trim();
const major = (version: string) => Number(/^v?(\d+)\./.exec(version)?.[1]);
const imageMajors = read('Dockerfile')
  .split('\n')
  .filter((line) => line.startsWith('FROM '))
  .map((line) => Number(/^FROM node:(\d+)/.exec(line)?.[1]));
const engines: string = JSON.parse(read('package.json')).engines.node;
const engineMajors = engines.split('||').map((range) => major(range.trim().replace(/^\^/, '')));

describe('tested runtimes', () => {
  it('pins one exact Node version for CI', () => {
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it("CI's pinned Node is the major the Docker image builds and runs on", () => {
    expect(imageMajors.length).toBeGreaterThan(0);
    for (const image of imageMajors) expect(image, 'Dockerfile FROM vs .ci/node-version').toBe(major(pinned));
  });

  it('engines names the tested majors, the image among them, and nothing untested', () => {
    expect(engines).toMatch(/^\^\d+\.\d+\.\d+( \|\| \^\d+\.\d+\.\d+)*$/);
    expect(engineMajors).toContain(major(pinned));
    // The only other tested runtime is the development machines' Node, on which CI's first half runs.
    expect(engineMajors.filter((m) => m !== major(pinned))).toHaveLength(1);
  });

  it('this run is on a runtime engines admits', () => {
    expect(engineMajors).toContain(major(process.version));
  });
});
