import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import pg from 'pg';
import type { CliResult } from './run-cli.js';

/** The machine's Postgres (trust), as the tests reach it. */
export const POSTGRES = 'postgres://postgres@127.0.0.1:5432/test';

/** A directory of the test's own, removed when it ends, pass or fail. */
export function tempDir(t: TestContext, prefix = 'tranche-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A Postgres database of the test's own, dropped when it ends: its name. */
export async function scratchDatabase(t: TestContext, prefix: string): Promise<string> {
  const database = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES });
  await admin.connect();
  t.after(async () => {
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  });
  await admin.query(`CREATE DATABASE ${database}`);
  return database;
}

/** `result`, once it is known to have exited 0 (else a failure quoting what it printed). */
export function expectOk(result: CliResult, what: string): CliResult {
  assert.equal(result.code, 0, `${what} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  return result;
}
