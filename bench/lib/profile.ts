import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Summarises the V8 CPU profiles written by `node --cpu-prof` (BENCH_PROFILE=1):
 * self time by function and by area (a package, a folder of dist/, node
 * internals, the garbage collector), idle time left out.
 */

interface CpuProfile {
  nodes: Array<{
    id: number;
    children?: number[];
    callFrame: { functionName: string; url: string; lineNumber: number };
  }>;
  samples: number[];
  timeDeltas: number[];
}

function area(url: string, name: string): string {
  if (url === '') return name.startsWith('(') ? name : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const dist = /\/dist\/(.+?)(?:\/[^/]+)?\.js$/.exec(url);
  if (dist) return `custodian ${dist[1]!.includes('/') ? dist[1] : url.replace(/.*\/dist\//, '')}`;
  if (url.startsWith('node:'))
    return url
      .replace(/^node:(internal\/)?/, 'node:')
      .split('/')
      .slice(0, 2)
      .join('/');
  return url;
}

const where = (url: string, line: number) =>
  `${url.replace(/^file:\/\/.*?\/(node_modules|dist)\//, '$1/')}:${line + 1}`;

export function summariseProfiles(dir: string, top = 25): string {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (files.length === 0) return `(no profile in ${dir})`;
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  // Inclusive: a sample counts once for every distinct broker function on its stack.
  const inclusive = new Map<string, number>();
  let busy = 0;
  let idle = 0;
  for (const file of files) {
    const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const parent = new Map<number, number>();
    for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
    const stackKeys = new Map<number, string[]>();
    const ownKeys = (id: number): string[] => {
      const known = stackKeys.get(id);
      if (known) return known;
      const { functionName, url, lineNumber } = nodes.get(id)!.callFrame;
      const above = parent.has(id) ? ownKeys(parent.get(id)!) : [];
      const key =
        url.includes('/dist/') && !url.includes('/node_modules/')
          ? `${functionName || '(anonymous)'}  ${where(url, lineNumber)}`
          : null;
      const keys = key && !above.includes(key) ? [...above, key] : above;
      stackKeys.set(id, keys);
      return keys;
    };
    for (let i = 0; i < profile.samples.length; i++) {
      const node = nodes.get(profile.samples[i]!)!;
      const dt = profile.timeDeltas[i] ?? 0;
      const { functionName, url, lineNumber } = node.callFrame;
      if (functionName === '(idle)') {
        idle += dt;
        continue;
      }
      busy += dt;
      const key = `${functionName || '(anonymous)'}  ${url ? where(url, lineNumber) : ''}`;
      byFunction.set(key, (byFunction.get(key) ?? 0) + dt);
      const a = area(url, functionName);
      byArea.set(a, (byArea.get(a) ?? 0) + dt);
      for (const k of ownKeys(node.id)) inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
    }
  }
  const pct = (v: number) => `${((v / busy) * 100).toFixed(1).padStart(5)}%`;
  const lines = [
    `busy ${(busy / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s; share of busy time:`,
    '  by area:',
    ...[...byArea]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 15)
      .map(([k, v]) => `    ${pct(v)}  ${k}`),
    '  by function (self time):',
    ...[...byFunction]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `    ${pct(v)}  ${k}`),
    '  broker functions (inclusive: with everything they call):',
    ...[...inclusive]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `    ${pct(v)}  ${k}`),
  ];
  return lines.join('\n');
}
