import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { GitRepo } from '../support/git-repo.js';
import type { CliResult } from '../support/run-cli.js';
import { formsIn } from '../support/secret-forms.js';
import { execFleet, type ExecFleet } from './exec-fleet.js';

/**
 * The secret-leak sweep: secrets seeded everywhere a value can travel — secret config values, a
 * check's URL path and query, its headers and body, a check URL's credentials, a command check's
 * arguments, a deploy command that prints its config files and environment, a dotenv line that
 * does not parse — through real commands (check, plan, apply, status, show, history, config,
 * drift, changes, validate, rollback, with and without --json). Then every stdout and stderr,
 * every file tranche left in the fleet and in its temp dir, the saved plan, and every row of the
 * state store (SQLite, then Postgres) is searched for each secret in every form (see
 * secret-forms.ts). The exec driver's TRANCHE_CONFIG_FILE/SH/JSON carry the config to the deploy
 * command, secrets included, by design: they are not searched while they exist, but the deploy
 * command reports their mode (0600), and they must be gone from the temp dir once it exits.
 */

const PG_URL = 'postgres://postgres@127.0.0.1:5432';
const repos: GitRepo[] = [];
const cleanups: (() => void | Promise<void>)[] = [];
after(async () => {
  repos.forEach((r) => r.dispose());
  for (const cleanup of cleanups.reverse()) await cleanup();
});

const tag = () => randomBytes(4).toString('hex');
/** Declared secret: used in a check's path, query, header and body, a command check's argument; holds @ : / + = % " \ and non-ASCII. */
const TOKEN = `tok@en:pl+us=eq%25"qu\\ote/sl-ü日-${tag()}`;
/** Declared secret: also in a check URL's credentials (so no / \ ? #). */
const DB_PASSWORD = `pw@d:+=%"é漢 x-${tag()}`;
/** Declared secret: in request headers, whose values must be bytes (no character past U+00FF). */
const API_KEY = `k@y:+=%"\\/ ~${tag()}`;
/** A dotenv line that is no assignment and may be a passphrase: no part of it may be shown. */
const PASSPHRASE_WORD = `staple${tag()}`;
const PASSPHRASE = `correct horse ${PASSPHRASE_WORD} battery`;

/** A node HTTP server in its own process: /health answers 200; /echo and /creds answer with everything they were sent, 500 while `failFlag` exists. */
async function echoServer(dir: string, failFlag: string): Promise<{ port: number; received: string }> {
  const received = join(dir, 'received.log');
  const script = `
    const http = require('node:http'); const fs = require('node:fs');
    const [failFlag, received] = process.argv.slice(1);
    http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        const url = new URL(req.url, 'http://x');
        const auth = String(req.headers.authorization ?? '');
        const page = [
          'url ' + req.url, 'path ' + decodeURIComponent(url.pathname), 'auth ' + auth, 'x-key ' + req.headers['x-key'], 'body ' + body,
          'query ' + JSON.stringify(Object.fromEntries(url.searchParams)), 'b64 ' + Buffer.from(body).toString('base64'),
        ].join('\\n');
        fs.appendFileSync(received, page + '\\n');
        const failing = req.url !== '/health' && fs.existsSync(failFlag);
        res.writeHead(failing ? 500 : 200, { 'content-type': 'text/plain' });
        res.end(page);
      });
    }).listen(0, '127.0.0.1', function () { console.log(this.address().port); });
  `;
  const child: ChildProcess = spawn(process.execPath, ['-e', script, failFlag, received], { stdio: ['ignore', 'pipe', 'inherit'] });
  cleanups.push(() => void child.kill());
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`the echo server exited with ${code}`)));
  });
  return { port, received };
}

function manifest(port: number, phase: { logLevel: string; credentialsCheck?: boolean }): string {
  const creds = phase.credentialsCheck
    ? `\n        - name: creds\n          http: { url: "http://sweep:\${DB_PASSWORD}@127.0.0.1:${port}/creds/\${TOKEN}" }`
    : '';
  return `version: 1
name: sweep
environments:
  dev: { driver: exec }
policy: { batch_size: 1, bake: 0s, on_failure: rollback-release }
services:
  a:
    path: services/a
    address: { dev: "http://127.0.0.1:${port}" }
    exec:
      deploy: [node, deploy.js]
    config:
      schema:
        TOKEN: { type: string, secret: true, required: true }
        DB_PASSWORD: { type: string, secret: true, required: true }
        API_KEY: { type: string, secret: true, required: true }
        LOG_LEVEL: { type: string, default: info }
      sources:
        - dotenv: deploy/{env}.env
      env:
        dev: { LOG_LEVEL: ${phase.logLevel} }
    checks:
      health: { http: { path: /health } }
      sanity:
        - name: echo
          http:
            path: "/echo/\${TOKEN}?token=\${TOKEN}&db=\${DB_PASSWORD}"
            method: POST
            headers: { Authorization: "Bearer \${API_KEY}", X-Key: "\${API_KEY}" }
            body: "token=\${TOKEN}&db=\${DB_PASSWORD}&key=\${API_KEY}"
        - name: cmd
          command: [node, check.js, "\${TOKEN}", "\${DB_PASSWORD}", "\${API_KEY}"]${creds}
`;
}

/** The deploy command: reports its config files' modes, prints them whole, its secrets in several forms, and its environment; fails at LOG_LEVEL error. */
const DEPLOY_JS = `const fs = require('node:fs');
const files = ['TRANCHE_CONFIG_FILE', 'TRANCHE_CONFIG_SH', 'TRANCHE_CONFIG_JSON'].map((k) => process.env[k]);
console.log('config files: ' + files.map((f) => (fs.statSync(f).mode & 0o777).toString(8)).join(' '));
for (const f of files) console.log(fs.readFileSync(f, 'utf8'));
const config = JSON.parse(fs.readFileSync(process.env.TRANCHE_CONFIG_JSON, 'utf8'));
for (const v of [config.TOKEN, config.DB_PASSWORD, config.API_KEY]) {
  console.log([v, encodeURIComponent(v), Buffer.from(v).toString('base64'), JSON.stringify(v), Buffer.from('deploy:' + v).toString('base64')].join(' | '));
}
console.error(JSON.stringify({ ...process.env, ...config }));
process.exit(config.LOG_LEVEL === 'error' ? 1 : 0);
`;

/** The command check: prints its arguments in several forms; fails while `failFlag` exists. */
const checkJs = (failFlag: string) => `const fs = require('node:fs');
for (const v of process.argv.slice(2)) console.log([v, encodeURIComponent(v), Buffer.from('user:' + v).toString('base64'), JSON.stringify(v)].join(' '));
process.exit(fs.existsSync(${JSON.stringify(failFlag)}) ? 1 : 0);
`;

interface Seen {
  where: string;
  text: string;
}

/** Every file under `dir` (but `skip`), as text. */
function filesUnder(dir: string, skip: (path: string) => boolean): Seen[] {
  const seen: Seen[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (skip(path)) continue;
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) seen.push({ where: path, text: readFileSync(path).toString('utf8') });
    }
  };
  walk(dir);
  return seen;
}

function sqliteRows(file: string): Seen[] {
  const db = new Database(file, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all() as string[];
    return tables.flatMap((table) =>
      (db.prepare(`SELECT * FROM "${table}"`).all() as Record<string, unknown>[]).map((row, i) => ({
        where: `state.db ${table} row ${i + 1}`,
        text: Object.values(row).map(String).join('\u0000'),
      })),
    );
  } finally {
    db.close();
  }
}

async function postgresRows(url: string): Promise<Seen[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const tables = (await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")).rows.map(
      (r) => r.table_name,
    );
    const seen: Seen[] = [];
    for (const table of tables) {
      const rows = (await client.query<{ row: string }>(`SELECT row_to_json(t)::text AS row FROM "${table}" t`)).rows;
      // As JSON text the values are escaped once more: the forms are searched in the values themselves too.
      rows.forEach(({ row }, i) =>
        seen.push({
          where: `postgres ${table} row ${i + 1}`,
          text: `${row}\u0000${Object.values(JSON.parse(row) as Record<string, unknown>)
            .map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
            .join('\u0000')}`,
        }),
      );
    }
    return seen;
  } finally {
    await client.end();
  }
}

async function freshPostgres(): Promise<string> {
  const name = `tranche_sweep_${tag()}`;
  const admin = new pg.Client({ connectionString: `${PG_URL}/test` });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  cleanups.push(async () => {
    const client = new pg.Client({ connectionString: `${PG_URL}/test` });
    await client.connect();
    await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await client.end();
  });
  return `${PG_URL}/${name}`;
}

describe('the secret-leak sweep', () => {
  for (const store of ['sqlite', 'postgres'] as const) {
    test(`no secret leaves in any form, through any command, output, file or ${store} row`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'tranche-sweep-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const temp = mkdtempSync(join(dir, 'tmp-'));
      const flags = { checkFails: join(dir, 'check-fails') };
      const server = await echoServer(dir, flags.checkFails);
      const stateUrl = store === 'postgres' ? await freshPostgres() : undefined;
      const env: NodeJS.ProcessEnv = { TMPDIR: temp, ...(stateUrl ? { TRANCHE_STATE: stateUrl } : {}) };

      const files = {
        '.gitignore': '.tranche/\nservices/a/deploy/\n',
        'services/a/deploy.js': DEPLOY_JS,
        'services/a/check.js': checkJs(flags.checkFails),
      };
      const fleet: ExecFleet = execFleet(repos, files, manifest(server.port, { logLevel: 'info' }));
      const dotenv = `TOKEN='${TOKEN}'\nDB_PASSWORD='${DB_PASSWORD}'\nAPI_KEY='${API_KEY}'\n`;
      fleet.repo.write({ 'services/a/deploy/dev.env': dotenv });
      const planFile = join(dir, 'plan.json');

      const outputs: Seen[] = [];
      const run = (args: string[], expect?: number[]): CliResult => {
        const result = fleet.run(args, env);
        outputs.push({ where: `tranche ${args.join(' ')} (exit ${result.code})`, text: `${result.stdout}\n${result.stderr}` });
        if (expect) assert.ok(expect.includes(result.code), `tranche ${args.join(' ')} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
        return result;
      };
      const both = (args: string[], expect?: number[]) => [run(args, expect), run([...args, '--json'], expect)] as const;
      const describeAll = () => {
        both(['validate'], [0]);
        both(['config', 'a', '--env', 'dev'], [0]);
        both(['config', 'a', '--env', 'dev', '--explain', 'TOKEN'], [0]);
        both(['drift', '--values'], [0]);
        both(['check', '--env', 'dev'], [0, 1]);
        both(['changes', '--env', 'dev'], [0, 1]);
        both(['plan', '--env', 'dev', '-o', planFile], [0, 1]);
      };
      const lookBack = () => {
        both(['status', '--env', 'dev'], [0]);
        const history = fleet.json<{ releases: { id: string }[] }>(['history'], env);
        outputs.push({ where: 'tranche history --json', text: history.stdout + history.stderr });
        run(['history'], [0]);
        for (const { id } of history.json.releases.slice(0, 2)) both(['show', id], [0]);
      };
      const phase = (logLevel: string, extra: { credentialsCheck?: boolean } = {}) => {
        fleet.commit(`log level ${logLevel}`, { 'tranche.yaml': manifest(server.port, { logLevel, ...extra }) });
      };

      // 1. A release that succeeds: the checks pass (the command check's output is kept all the same).
      describeAll();
      const first = run(['apply', '--env', 'dev', '--yes', '--json'], [0]);
      assert.match(first.stdout, /config files: 600 600 600/, 'the exec driver wrote its config files 0600');
      lookBack();

      // 2. A check URL with credentials, run before deploying: refused, its error quoting the URL.
      phase('debug', { credentialsCheck: true });
      describeAll();
      both(['apply', '--env', 'dev', '--yes'], [1]);

      // 3. The checks fail on the deployed service: an error page and a command's output echo the secrets;
      // rolled back, and the restored version fails the same checks (the endpoint fails for any
      // version): the rollback pauses. Once the endpoint answers again, resume completes it.
      writeFileSync(flags.checkFails, '');
      phase('warn');
      const failed = run(['apply', '--env', 'dev', '--yes'], [3]);
      assert.match(failed.stdout + failed.stderr, /\[secret\]/, 'the failed checks quoted the secrets, masked');
      run(['apply', '--env', 'dev', '--yes', '--json'], [0, 1]);
      lookBack();
      rmSync(flags.checkFails);
      run(['resume', '--env', 'dev', '--yes'], [1]);

      // 4. The deploy command fails, having printed its config and environment; rolled back. Then a
      // release that succeeds, rolled back on request.
      phase('error');
      both(['apply', '--env', 'dev', '--yes'], [1]);
      lookBack();
      phase('trace');
      run(['apply', '--env', 'dev', '--yes'], [0]);
      both(['rollback', '--env', 'dev', '--yes'], [0, 1]);
      lookBack();

      // 5. A dotenv file with a line that is no assignment: a declared secret key with its value, and a passphrase.
      fleet.repo.write({ 'services/a/deploy/dev.env': `${dotenv}TOKEN ${TOKEN}\n${PASSPHRASE}\n` });
      for (const args of [
        ['validate'],
        ['check', '--env', 'dev'],
        ['plan', '--env', 'dev'],
        ['config', 'a', '--env', 'dev'],
        ['apply', '--env', 'dev', '--yes'],
      ]) {
        const [human] = both(args, [2]);
        assert.match(human.stderr, /services\/a\/deploy\/dev\.env:4:1: expected "=" after key TOKEN/);
        assert.match(human.stderr, /services\/a\/deploy\/dev\.env:5:1: expected "=" after the first word/);
      }
      fleet.repo.write({ 'services/a/deploy/dev.env': dotenv });

      // The values did reach the endpoints, the check and the deploy command: there was something to leak.
      const received = readFileSync(server.received, 'utf8');
      assert.ok(
        [TOKEN, DB_PASSWORD, API_KEY].every((s) => received.includes(s)),
        'the echo endpoint never saw the secrets',
      );

      const everything: Seen[] = [
        ...outputs,
        ...filesUnder(fleet.repo.dir, (path) => path === join(fleet.repo.dir, '.git') || path === join(fleet.repo.dir, 'services/a/deploy')),
        { where: 'the saved plan', text: readFileSync(planFile, 'utf8') },
        ...filesUnder(temp, () => false),
        ...(stateUrl ? await postgresRows(stateUrl) : sqliteRows(join(fleet.repo.dir, '.tranche', 'state.db'))),
      ];
      const leftovers = readdirSync(temp).filter((name) => name.startsWith('tranche-exec-'));
      assert.deepEqual(leftovers, [], 'the exec driver left its config files behind');
      const rows = everything.filter((s) => s.where.startsWith('state.db') || s.where.startsWith('postgres'));
      assert.ok(
        rows.some((r) => r.text.includes('[secret]')),
        'no stored row quoted a masked secret: the sweep exercised nothing',
      );
      assert.ok(existsSync(planFile) && statSync(planFile).size > 0);

      const leaks: string[] = [];
      for (const { where, text } of everything) {
        for (const [name, secret] of [
          ['TOKEN', TOKEN],
          ['DB_PASSWORD', DB_PASSWORD],
          ['API_KEY', API_KEY],
        ] as const) {
          const forms = formsIn(text, secret);
          if (forms.length) leaks.push(`${relative(dir, where) || where}: ${name} ${forms.join(', ')}`);
        }
        if (text.includes(PASSPHRASE_WORD)) leaks.push(`${where}: the passphrase line`);
      }
      assert.deepEqual(leaks, []);
    });
  }

  test('a service that prints its secrets as it dies: its failure quotes them masked, in every output and row', () => {
    const secret = `s3cr@t:+=%"ü/${tag()}`;
    const manifestText = `version: 1
name: dies
environments:
  dev: { driver: local }
services:
  l:
    path: services/l
    run:
      command: [node, dies.js]
    config:
      schema:
        TOKEN: { type: string, secret: true, required: true }
      sources:
        - dotenv: deploy/{env}.env
`;
    const dies = `const v = process.env.TOKEN;
console.log('starting with', v, encodeURIComponent(v), JSON.stringify({ v }), Buffer.from('u:' + v).toString('base64'));
process.exit(3);
`;
    const fleet = execFleet(repos, { '.gitignore': '.tranche/\nservices/l/deploy/\n', 'services/l/dies.js': dies }, manifestText);
    fleet.repo.write({ 'services/l/deploy/dev.env': `TOKEN='${secret}'\n` });
    const outputs = [
      fleet.run(['apply', '--env', 'dev', '--yes']),
      fleet.run(['apply', '--env', 'dev', '--yes', '--json']),
      fleet.run(['show', fleet.json<{ releases: { id: string }[] }>(['history']).json.releases[0]!.id, '--json']),
    ];
    assert.equal(outputs[0]!.code, 1, outputs[0]!.stderr);
    const seen: Seen[] = [
      ...outputs.map((o, i) => ({ where: `command ${i + 1}`, text: o.stdout + o.stderr })),
      ...sqliteRows(join(fleet.repo.dir, '.tranche', 'state.db')),
      // The service's own log holds what it printed itself, as the service wrote it: tranche only quotes it.
      ...filesUnder(join(fleet.repo.dir, '.tranche'), (path) => path.endsWith('service.log')),
    ];
    assert.ok(
      seen.some((s) => s.where.startsWith('command') && s.text.includes('[secret]')),
      "no output quoted the service's last words",
    );
    assert.ok(
      seen.some((s) => s.where.startsWith('state.db') && s.text.includes('[secret]')),
      "no row quoted the service's last words",
    );
    const leaks = seen.flatMap(({ where, text }) => formsIn(text, secret).map((form) => `${where}: ${form}`));
    assert.deepEqual(leaks, []);
  });
});
