import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';
import dotenv from 'dotenv';
import { ExecDriver } from '../../../src/adapters/drivers/exec-driver.js';
import { formatDotenv, UnwritableValueError } from '../../../src/adapters/drivers/format-dotenv.js';
import { assertDriverError, driverContract, hashConfig, isRunning, killPid, TinyFleet } from './driver-contract.js';
import { formsIn } from '../../support/secret-forms.js';

/** Deploys the tiny service as of $TRANCHE_COMMIT (one instance per environment), as a real deploy script would. */
const DEPLOY_SCRIPT = `import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const { TRANCHE_ENV: env, TRANCHE_COMMIT: commit, TRANCHE_CONFIG_FILE: configFile } = process.env;
const alive = (pid) => {
  try { process.kill(pid, 0); } catch { return false; }
  try { return !/\\) Z /.test(readFileSync('/proc/' + pid + '/stat', 'utf8')); } catch { return process.platform !== 'linux'; }
};
const pidFile = 'server-' + env + '.pid';
if (existsSync(pidFile)) {
  const old = Number(readFileSync(pidFile, 'utf8'));
  if (alive(old)) process.kill(old, 'SIGTERM');
  for (let i = 0; alive(old); i++) { if (i > 100) throw new Error('pid ' + old + ' does not stop'); await sleep(50); }
  rmSync(pidFile);
}
const release = 'release-' + env + '-' + commit;
mkdirSync(release, { recursive: true });
writeFileSync(release + '/server.js', execFileSync('git', ['show', commit + ':services/web/server.js']));
const logFile = 'server-' + env + '.log';
const out = openSync(logFile, 'w');
const child = spawn(process.execPath, ['--env-file=' + configFile, release + '/server.js'], { detached: true, stdio: ['ignore', out, out] });
writeFileSync(pidFile, String(child.pid));
child.unref();
for (let i = 0; !readFileSync(logFile, 'utf8').includes('listening'); i++) {
  if (i > 100) { console.error(readFileSync(logFile, 'utf8')); process.exit(1); }
  await sleep(50);
}
console.log('deployed ' + commit + ' as pid ' + child.pid);
`;

/** Stops what DEPLOY_SCRIPT started in $TRANCHE_ENV, and waits until it is gone; nothing to do when nothing runs. */
const STOP_SCRIPT = `import { existsSync, readFileSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

const alive = (pid) => {
  try { process.kill(pid, 0); } catch { return false; }
  try { return !/\\) Z /.test(readFileSync('/proc/' + pid + '/stat', 'utf8')); } catch { return process.platform !== 'linux'; }
};
const pidFile = 'server-' + process.env.TRANCHE_ENV + '.pid';
if (existsSync(pidFile)) {
  const pid = Number(readFileSync(pidFile, 'utf8'));
  if (alive(pid)) process.kill(pid, 'SIGTERM');
  for (let i = 0; alive(pid); i++) { if (i > 100) throw new Error('pid ' + pid + ' does not stop'); await sleep(50); }
  rmSync(pidFile);
}
console.log('stopped ' + process.env.TRANCHE_SERVICE + ' at ' + process.env.TRANCHE_COMMIT);
`;

/** Reports what it was given (to the file named by its first argument) and prints two lines. */
const PROBE_SCRIPT = `import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
const file = process.env.TRANCHE_CONFIG_FILE;
const vars = Object.fromEntries(Object.entries(process.env).filter(([key]) => key.startsWith('TRANCHE_')));
writeFileSync(process.argv[2], JSON.stringify({
  vars, cwd: process.cwd(), operator: process.env.TRANCHE_TEST_OPERATOR, args: process.argv.slice(3),
  fileMode: statSync(file).mode & 0o777, dirMode: statSync(dirname(file)).mode & 0o777, content: readFileSync(file, 'utf8'),
  forms: ['TRANCHE_CONFIG_SH', 'TRANCHE_CONFIG_JSON'].map((name) => ({ mode: statSync(process.env[name]).mode & 0o777, content: readFileSync(process.env[name], 'utf8') })),
}));
console.log('probe ran');
console.error('second line');
`;

/** Starts two children that would outlive it, records every pid, and waits for ever. */
const TREE_SCRIPT = `import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
const children = [1, 2].map(() => spawn('sleep', ['60'], { stdio: 'ignore' }).pid);
writeFileSync(process.argv[2], JSON.stringify([process.pid, ...children]));
setInterval(() => {}, 1000);
`;

const FAIL_SCRIPT = 'echo "deploying..."\necho "cannot reach the cluster" >&2\nexit 1\n';

driverContract('exec', () => ({
  driver: new ExecDriver({ env: process.env }),
  files: { 'services/web/deploy.mjs': DEPLOY_SCRIPT, 'services/web/stop.mjs': STOP_SCRIPT, 'services/web/fail.sh': FAIL_SCRIPT },
  deploys: { exec: { deploy: ['node', 'deploy.mjs'], stop: ['node', 'stop.mjs'] } },
  fails: { exec: { deploy: ['sh', 'fail.sh'] } },
  keepsProcessOnRedeploy: false,
  livenessUnknown: "the exec driver runs a command: which process serves the service is that command's business",
}));

interface Report {
  vars: Record<string, string>;
  cwd: string;
  operator?: string;
  args: string[];
  fileMode: number;
  dirMode: number;
  content: string;
  /** TRANCHE_CONFIG_SH's and TRANCHE_CONFIG_JSON's. */
  forms: { mode: number; content: string }[];
}

describe('ExecDriver', () => {
  let fleet: TinyFleet;
  const others: number[] = [];
  const driver = new ExecDriver({ env: process.env });
  before(() => {
    fleet = new TinyFleet({ 'services/web/probe.mjs': PROBE_SCRIPT, 'services/web/tree.mjs': TREE_SCRIPT, 'services/web/fail.sh': FAIL_SCRIPT });
  });
  after(() => {
    others.forEach(killPid);
    fleet?.dispose();
  });
  const probe = (report: string, ...args: string[]) => ['node', 'probe.mjs', report, ...args];
  const readReport = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Report;

  test('the command gets the TRANCHE_* variables, the operator environment and the config as 0600 dotenv, shell and JSON files, deleted afterwards', async () => {
    const report = fleet.scratchPath('vars.json');
    const web = fleet.service({ exec: { deploy: probe(report) } });
    const config = {
      PLAIN: 'x',
      SPACES: '  padded  ',
      QUOTES: `it's "quoted"`,
      HASH: 'a #not a comment',
      MULTILINE: 'one\ntwo',
      BACKSLASH: 'C:\\new\\table',
      DOLLAR: '$HOME ${PATH}',
      EMPTY: '',
      CR: 'a\rb',
      UNICODE: 'héllo ✓',
    };
    process.env.TRANCHE_TEST_OPERATOR = 'operator value';
    const request = fleet.request('vars', web, fleet.version(1, config), config);
    try {
      await driver.deploy(request);
    } finally {
      delete process.env.TRANCHE_TEST_OPERATOR;
    }
    const got = readReport(report);
    const file = got.vars.TRANCHE_CONFIG_FILE!;
    assert.deepEqual(
      Object.fromEntries(['TRANCHE_ACTION', 'TRANCHE_SERVICE', 'TRANCHE_ENV', 'TRANCHE_COMMIT', 'TRANCHE_PREVIOUS_COMMIT'].map((key) => [key, got.vars[key]])),
      { TRANCHE_ACTION: 'deploy', TRANCHE_SERVICE: 'web', TRANCHE_ENV: 'vars', TRANCHE_COMMIT: fleet.v1, TRANCHE_PREVIOUS_COMMIT: '' },
    );
    assert.equal(got.operator, 'operator value');
    assert.equal(realpathSync(got.cwd), realpathSync(join(fleet.root, 'services/web')));
    assert.equal(got.fileMode, 0o600);
    assert.equal(got.dirMode, 0o700);
    assert.deepEqual(dotenv.parse(got.content), config);
    const [sh, json] = got.forms;
    assert.deepEqual([sh!.mode, json!.mode], [0o600, 0o600]);
    assert.deepEqual(JSON.parse(json!.content), config);
    const script = fleet.scratchPath('config.sh');
    writeFileSync(script, sh!.content);
    const keys = Object.keys(config);
    const sourced = execFileSync('bash', ['-c', `. "$1" && ${keys.map((k) => `printf '%s\\0' "$${k}"`).join('; ')}`, 'bash', script], {
      encoding: 'utf8',
    }).split('\0');
    assert.deepEqual(Object.fromEntries(keys.map((k, i) => [k, sourced[i]])), config);
    for (const name of ['TRANCHE_CONFIG_SH', 'TRANCHE_CONFIG_JSON']) assert.equal(existsSync(got.vars[name]!), false);
    assert.equal(existsSync(file), false);
    assert.equal(existsSync(dirname(file)), false);
    assert.deepEqual(request.lines.slice(1), ['probe ran', 'second line']);
    assert.deepEqual(await driver.inspect('vars', web, fleet.root), { running: true, commit: fleet.v1, configHash: hashConfig(config) });
  });

  test('a rollback runs exec.rollback when the service has one, with the previous commit', async () => {
    const report = fleet.scratchPath('rollback.json');
    const web = fleet.service({ exec: { deploy: probe(report, 'deploy'), rollback: probe(report, 'rollback') } });
    const config = { A: '1' };
    await driver.deploy(fleet.request('back', web, fleet.version(1, config), config, { action: 'rollback', previous: fleet.version(2, config) }));
    const got = readReport(report);
    assert.deepEqual(got.args, ['rollback']);
    assert.deepEqual([got.vars.TRANCHE_ACTION, got.vars.TRANCHE_COMMIT, got.vars.TRANCHE_PREVIOUS_COMMIT], ['rollback', fleet.v1, fleet.v2]);
    const deployOnly = fleet.service({ exec: { deploy: probe(report, 'deploy') } });
    await driver.deploy(fleet.request('back', deployOnly, fleet.version(1, config), config, { action: 'rollback', previous: fleet.version(2, config) }));
    assert.deepEqual([readReport(report).args, readReport(report).vars.TRANCHE_ACTION], [['deploy'], 'rollback']);
  });

  test('a failing command is a DriverError with its exit code and last lines, and inspect keeps the last success', async () => {
    const config = { A: '1' };
    await driver.deploy(fleet.request('fails', fleet.service({ exec: { deploy: probe(fleet.scratchPath('ok.json')) } }), fleet.version(1, config), config));
    const failing = fleet.service({ exec: { deploy: ['sh', 'fail.sh'] } });
    const request = fleet.request('fails', failing, fleet.version(2, config), config);
    await assertDriverError(driver.deploy(request), 'web', 'fails', /exited with code 1/, /deploying\.\.\.\n.*cannot reach the cluster/);
    assert.deepEqual(request.lines.slice(1), ['deploying...', 'cannot reach the cluster']);
    assert.equal((await driver.inspect('fails', failing, fleet.root))?.commit, fleet.v1);
  });

  test("the command's lines are cleared of the secrets, in any form, before a long one is cut or a failure quotes them", async () => {
    const secret = 'p@ss:w/rd+"ü-0123456789';
    const script = `const v = ${JSON.stringify(secret)};
console.log('x'.repeat(490) + v + ' tail');
console.log('encoded ' + encodeURIComponent(v) + ' ' + Buffer.from('u:' + v).toString('base64'));
process.exit(1);
`;
    fleet.repo.write({ 'services/web/echo-secret.cjs': script });
    const web = fleet.service({ exec: { deploy: ['node', 'echo-secret.cjs'] } });
    const config = { TOKEN: secret };
    const request = fleet.request('secret', web, fleet.version(1, config), config, { secrets: [secret] });
    const error = await assertDriverError(driver.deploy(request), 'web', 'secret', /exited with code 1/);
    for (const text of [error.message, ...request.lines]) {
      assert.deepEqual(formsIn(text, secret), [], text);
      // Cut at 500 characters, the first line would otherwise end in the first 10 characters of the secret.
      assert.ok(!text.includes(secret.slice(0, 8)), text);
    }
    assert.match(error.message, /x{490}\[secret\] t/);
  });

  test('aborting stops the command and every process it started', async () => {
    const pidsFile = fleet.scratchPath('tree.json');
    const web = fleet.service({ exec: { deploy: ['node', 'tree.mjs', pidsFile] } });
    const controller = new AbortController();
    const config = { A: '1' };
    const deploying = driver.deploy(fleet.request('abort', web, fleet.version(1, config), config, { signal: controller.signal }));
    // Handled at once: a failed assertion below must leave neither the script running nor a rejection unhandled.
    deploying.catch(() => undefined);
    let pids: number[] = [];
    try {
      for (let i = 0; !pids.length; i++) {
        assert.ok(i < 200, 'the script started');
        if (existsSync(pidsFile)) pids = JSON.parse(readFileSync(pidsFile, 'utf8') || '[]') as number[];
        await sleep(25);
      }
      others.push(...pids);
    } finally {
      controller.abort();
    }
    await assertDriverError(deploying, 'web', 'abort', /aborted/);
    for (const pid of pids) assert.equal(isRunning(pid), false, `pid ${pid} is gone`);
    assert.deepEqual(await driver.inspect('abort', web, fleet.root), { running: false });
  });

  test('a config value no dotenv file can hold is a DriverError naming its key, not its value, and nothing runs', async () => {
    const report = fleet.scratchPath('never.json');
    const web = fleet.service({ exec: { deploy: probe(report) } });
    const value = `s3cr3t'"\`\n#`;
    const error = await assertDriverError(
      driver.deploy(fleet.request('unwritable', web, fleet.version(1, { BAD: value }), { BAD: value })),
      'web',
      'unwritable',
      /BAD/,
    );
    assert.ok(!error.message.includes('s3cr3t'));
    assert.equal(existsSync(report), false);
  });

  test('stop runs exec.stop with the TRANCHE_* variables of what was deployed, no config, and forgets the deploy', async () => {
    const report = fleet.scratchPath('stop.json');
    const recordVars = [
      'node',
      '-e',
      "const vars = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('TRANCHE_'))); require('fs').writeFileSync(process.argv[1], JSON.stringify({ vars, cwd: process.cwd() }))",
      report,
    ];
    const web = fleet.service({ exec: { deploy: probe(fleet.scratchPath('deployed.json')), stop: recordVars } });
    await driver.deploy(fleet.request('s1', web, fleet.version(1, {}), {}));
    await driver.stop('s1', web, fleet.root);
    const got = JSON.parse(readFileSync(report, 'utf8')) as { vars: Record<string, string>; cwd: string };
    assert.deepEqual(got.vars, { TRANCHE_ACTION: 'stop', TRANCHE_SERVICE: 'web', TRANCHE_ENV: 's1', TRANCHE_COMMIT: fleet.v1 });
    assert.equal(realpathSync(got.cwd), realpathSync(join(fleet.root, 'services/web')));
    assert.deepEqual(await driver.inspect('s1', web, fleet.root), { running: false });
    // Stopping again runs the command again (it may clean up after a deploy that failed half-way), with no commit to name.
    await driver.stop('s1', web, fleet.root);
    assert.equal((JSON.parse(readFileSync(report, 'utf8')) as { vars: Record<string, string> }).vars.TRANCHE_COMMIT, '');
  });

  test('without exec.stop, stopping what the driver deployed is a DriverError that says tranche cannot, and the deploy stays recorded', async () => {
    const web = fleet.service({ exec: { deploy: probe(fleet.scratchPath('no-stop.json')) } });
    await driver.stop('s2', web, fleet.root);
    await driver.deploy(fleet.request('s2', web, fleet.version(1, {}), {}));
    await assertDriverError(driver.stop('s2', web, fleet.root), 'web', 's2', /has no exec\.stop command, so tranche cannot stop what exec\.deploy started/);
    assert.equal((await driver.inspect('s2', web, fleet.root))?.commit, fleet.v1);
  });

  test('a failing stop command is a DriverError with its exit code and last lines, and the deploy stays recorded', async () => {
    const web = fleet.service({ exec: { deploy: probe(fleet.scratchPath('stop-fails.json')), stop: ['sh', 'fail.sh'] } });
    await driver.deploy(fleet.request('s3', web, fleet.version(1, {}), {}));
    const error = await assertDriverError(driver.stop('s3', web, fleet.root), 'web', 's3', /exited with code 1/, /cannot reach the cluster/);
    assert.match(error.message, /^stop of web in s3 failed/);
    assert.equal((await driver.inspect('s3', web, fleet.root))?.commit, fleet.v1);
  });

  test('a command that cannot be started is a DriverError', async () => {
    const web = fleet.service({ exec: { deploy: ['./no-such-command'] } });
    await assertDriverError(driver.deploy(fleet.request('enoent', web, fleet.version(1, {}), {})), 'web', 'enoent', /cannot run .*ENOENT/);
  });

  test('every value formatDotenv writes reads back the same through dotenv, or is refused by key', () => {
    const alphabet = ["'", '"', '`', '#', '\\', 'n', 'r', '\n', '\r', ' ', '=', '$', 'a', 'é', '\t', 'K=', 'export '];
    let random = 42;
    const next = (n: number) => {
      random = (random * 1103515245 + 12345) % 2 ** 31;
      return random % n;
    };
    let written = 0;
    for (let i = 0; i < 5000; i++) {
      const value = Array.from({ length: next(12) }, () => alphabet[next(alphabet.length)]).join('');
      let text: string;
      try {
        text = formatDotenv({ KEY: value, AFTER: 'after' });
      } catch (error) {
        assert.ok(error instanceof UnwritableValueError && error.key === 'KEY');
        continue;
      }
      assert.deepEqual(dotenv.parse(text), { KEY: value, AFTER: 'after' }, JSON.stringify(value));
      written++;
    }
    assert.ok(written > 4000, `only ${written} of 5000 values written`);
  });
});
