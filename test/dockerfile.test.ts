import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** No Docker engine runs here, so the Dockerfile is checked by reading it. */

const root = fileURLToPath(new URL('..', import.meta.url));
const dockerfile = readFileSync(`${root}Dockerfile`, 'utf8');
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((l) => l.trim())
  .filter((l) => l && !l.startsWith('#'));
const ignored = readFileSync(`${root}.dockerignore`, 'utf8').split('\n').filter(Boolean);

describe('Dockerfile', () => {
  it('copies only files that exist and are not excluded by .dockerignore', () => {
    const copies = instructions.filter((l) => l.startsWith('COPY ') && !l.includes('--from='));
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const sources = copy.split(/\s+/).slice(1, -1);
      for (const source of sources) {
        expect(existsSync(`${root}${source}`), `${source} exists`).toBe(true);
        expect(ignored, `${source} is not ignored`).not.toContain(source);
      }
    }
  });

  it('builds in one stage and runs from another, on an LTS (even) Node major', () => {
    const images = instructions.filter((l) => l.startsWith('FROM ')).map((l) => l.split(/\s+/)[1]!);
    expect(images).toHaveLength(2);
    for (const image of images) {
      const major = Number(/^node:(\d+)/.exec(image)?.[1]);
      expect(major % 2, image).toBe(0);
      expect(major).toBeGreaterThanOrEqual(24);
    }
  });

  it('runs as a non-root user, keeps data on a volume, and checks its health', () => {
    const user = instructions.filter((l) => l.startsWith('USER ')).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/root|\b0\b/);
    expect(instructions.some((l) => l.startsWith('VOLUME ') && l.includes('/data'))).toBe(true);
    expect(instructions.find((l) => l.startsWith('ENV '))).toContain('CUSTODIAN_DATA_DIR=/data');
    expect(instructions.some((l) => l.startsWith('HEALTHCHECK ') && l.includes('/healthz'))).toBe(true);
  });

  it('starts the built entry point in exec form, so SIGTERM reaches node', () => {
    const cmd = instructions.filter((l) => l.startsWith('CMD ')).at(-1);
    expect(cmd).toBe('CMD ["node", "--max-semi-space-size=8", "dist/main.js", "serve"]');
    const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));
    // `npm start` runs the broker as the image does.
    expect(pkg.scripts.start).toContain('node --max-semi-space-size=8 dist/main.js serve');
    expect(pkg.scripts.build).toContain('tsconfig.build.json');
    expect(JSON.parse(readFileSync(`${root}tsconfig.json`, 'utf8')).compilerOptions.outDir).toBe('dist');
  });

  it('ships the migrations the runtime reads', () => {
    expect(instructions).toContain('COPY drizzle ./drizzle');
    expect(existsSync(`${root}drizzle/sqlite/meta/_journal.json`)).toBe(true);
    expect(existsSync(`${root}drizzle/postgres/meta/_journal.json`)).toBe(true);
  });
});
