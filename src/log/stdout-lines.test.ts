import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

/** stdoutLines, in a process of its own (the built module): lines written together, none lost at exit. */

const module = fileURLToPath(new URL('../../dist/log/stdout-lines.js', import.meta.url));

const run = (script: string) =>
  spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });

it('writes the lines of one moment in one write, in order', () => {
  const { stdout, status } = run(`
    import { stdoutLines } from ${JSON.stringify(module)};
    const writes = [];
    const real = process.stdout.write.bind(process.stdout);
    process.stdout.write = (text) => { writes.push(text); return true; };
    const write = stdoutLines(5);
    for (let i = 0; i < 100; i++) write('line ' + i);
    setTimeout(() => { process.stdout.write = real; real(JSON.stringify(writes)); }, 50);
  `);
  expect(status).toBe(0);
  const writes = JSON.parse(stdout) as string[];
  expect(writes).toHaveLength(1);
  expect(writes[0]).toBe(`${Array.from({ length: 100 }, (_, i) => `line ${i}`).join('\n')}\n`);
});

it('writes what is pending when the process exits at once', () => {
  const { stdout, status } = run(`
    import { stdoutLines } from ${JSON.stringify(module)};
    const write = stdoutLines();
    write('first');
    write('last words');
    process.exit(3);
  `);
  expect(status).toBe(3);
  expect(stdout).toBe('first\nlast words\n');
});
