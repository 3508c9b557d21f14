import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { config, type Engine } from './config.js';

/** A scratch folder for the run (logs, SQLite files, profiles) and scratch Postgres databases, all removed at the end. */

export const scratchDir = mkdtempSync(join(tmpdir(), 'custodian-bench-'));
const createdDatabases: string[] = [];

export function scratchFolder(...parts: string[]): string {
  const path = join(scratchDir, ...parts);
  mkdirSync(path, { recursive: true });
  return path;
}

export function scratchPath(...parts: string[]): string {
  const path = join(scratchDir, ...parts);
  mkdirSync(join(path, '..'), { recursive: true });
  return path;
}

async function withAdmin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: config.postgresUrl, connectionTimeoutMillis: 5000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function postgresReachable(): Promise<boolean> {
  try {
    await withAdmin((c) => c.query('select 1'));
    return true;
  } catch {
    return false;
  }
}

/** A fresh, empty database URL for the engine. */
export async function scratchDatabase(engine: Engine, label: string): Promise<string> {
  if (engine === 'sqlite') return scratchPath(label, 'custodian.db');
  const name = `custodian_bench_${label.replace(/[^a-z0-9]/g, '_')}_${randomBytes(4).toString('hex')}`;
  await withAdmin((c) => c.query(`create database ${name}`));
  createdDatabases.push(name);
  const url = new URL(config.postgresUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function cleanUp(): Promise<void> {
  for (const name of createdDatabases.splice(0)) {
    await withAdmin((c) => c.query(`drop database if exists ${name} with (force)`)).catch((error: unknown) =>
      console.error(`could not drop scratch database ${name}:`, error),
    );
  }
  if (!config.keep) rmSync(scratchDir, { recursive: true, force: true });
}
