import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { LocalDriver, type LocalState } from '../../../src/adapters/drivers/local-driver.js';
import { ServiceDownError } from '../../../src/ports/driver.js';
import { ask, assertDriverError, driverContract, freePort, isRunning, killPid, TinyFleet, until, waitForAnswer } from './driver-contract.js';
import { driverPromises } from './driver-promises.js';

const NODE_SERVER = { run: { command: ['node', 'server.js'] } };

driverContract('local', () => ({
  driver: new LocalDriver({ env: process.env }),
  deploys: NODE_SERVER,
  fails: { run: { command: ['sh', '-c', 'echo "fatal: no database" >&2; exit 3'] } },
  keepsProcessOnRedeploy: true,
  exitsLater: { run: { command: ['node', '-e', 'console.log("up"); console.error("fatal: lost the ledger"); setTimeout(() => process.exit(3), 300)'] } },
}));

driverPromises('LocalDriver', () => {
  const fleet = new TinyFleet();
  return {
    driver: new LocalDriver({ env: process.env }),
    fleetRoot: fleet.root,
    service: fleet.service(NODE_SERVER),
    version: async (which) => {
      const config = await fleet.config();
      return { target: fleet.version(which, config), config };
    },
    dispose: () => fleet.dispose(),
  };
});

describe('LocalDriver', () => {
  let fleet: TinyFleet;
  const others: number[] = [];
  const driver = new LocalDriver({ env: process.env });
  before(() => {
    fleet = new TinyFleet();
  });
  after(() => {
    others.forEach(killPid);
    fleet?.dispose();
  });

  const runtime = (env: string, service = 'web') => join(fleet.root, '.tranche', 'runtime', env, service);
  const readState = (env: string) => JSON.parse(readFileSync(join(runtime(env), 'current.json'), 'utf8')) as LocalState;

  test('the service outlives the process that deployed it, and current.json says which process it is', async () => {
    const config = await fleet.config({ GREETING: 'still here' });
    const request = fleet.request('outlive', fleet.service(NODE_SERVER), fleet.version(1, config), config);
    const driverModule = new URL('../../../src/adapters/drivers/local-driver.js', import.meta.url).href;
    const script = `const { LocalDriver } = await import(${JSON.stringify(driverModule)});
      await new LocalDriver({ env: process.env }).deploy({ ...JSON.parse(process.argv[1]), log: () => {} });`;
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, JSON.stringify({ ...request, log: undefined })]);

    const answer = await waitForAnswer(Number(config.PORT), 'v1');
    assert.equal(answer.greeting, 'still here');
    const state = readState('outlive');
    const release = join(runtime('outlive'), fleet.v1);
    assert.equal(state.pid, answer.pid);
    assert.deepEqual([state.commit, state.contentId, state.configHash], [fleet.v1, request.target.contentId, request.target.configHash]);
    assert.equal(state.logFile, join(release, 'service.log'));
    assert.ok(!Number.isNaN(Date.parse(state.startedAt)));
    assert.ok(existsSync(join(release, 'libs/shared/banner.txt')), 'watched paths are extracted too');
    assert.deepEqual(await new LocalDriver({ env: process.env }).inspect('outlive', request.service, fleet.root), {
      running: true,
      commit: fleet.v1,
      configHash: request.target.configHash,
      pid: answer.pid,
      logFile: state.logFile,
    });
  });

  test("the service's environment is its config and PATH, nothing else of the operator's", async () => {
    process.env.TRANCHE_TEST_OPERATOR_ONLY = 'operator';
    try {
      const config = await fleet.config({ EXTRA: 'x' });
      await driver.deploy(fleet.request('env', fleet.service(NODE_SERVER), fleet.version(1, config), config));
      await waitForAnswer(Number(config.PORT), 'v1');
      const { keys } = await ask<{ keys: string[] }>(Number(config.PORT), '/env');
      assert.deepEqual([...keys].sort(), [...Object.keys(config), 'PATH'].sort());
    } finally {
      delete process.env.TRANCHE_TEST_OPERATOR_ONLY;
    }
  });

  test('builds each release directory once, and a rollback reuses it as it is', async () => {
    const builds = fleet.scratchPath('builds.txt');
    const web = fleet.service({
      run: { command: ['node', 'server.js'], build: ['node', '-e', 'require("fs").appendFileSync(process.argv[1], process.cwd() + "\\n")', builds] },
    });
    const a = await fleet.config({ GREETING: 'a' });
    const b = { ...a, GREETING: 'b' };
    await driver.deploy(fleet.request('build', web, fleet.version(1, a), a));
    await driver.deploy(fleet.request('build', web, fleet.version(1, b), b, { previous: fleet.version(1, a) }));
    assert.equal((await waitForAnswer(Number(a.PORT), 'v1')).greeting, 'b', 'a config change restarts without a build');
    await driver.deploy(fleet.request('build', web, fleet.version(2, b), b, { previous: fleet.version(1, b) }));
    await driver.deploy(fleet.request('build', web, fleet.version(1, a), a, { action: 'rollback', previous: fleet.version(2, b) }));
    assert.equal((await waitForAnswer(Number(a.PORT), 'v1')).greeting, 'a');
    const dirs = readFileSync(builds, 'utf8').trim().split('\n');
    assert.deepEqual(
      dirs,
      [fleet.v1, fleet.v2].map((commit) => join(runtime('build'), commit, 'services/web')),
    );
  });

  test('a failed build is a DriverError with its last output, leaves the running version alone, and is retried next time', async () => {
    const ready = fleet.scratchPath('generated');
    const build = [
      'node',
      '-e',
      'if (!require("fs").existsSync(process.argv[1])) { console.log("compiling"); console.error("error: generated code is missing"); process.exit(2) }',
      ready,
    ];
    const web = fleet.service({ run: { command: ['node', 'server.js'], build } });
    const config = await fleet.config();
    writeFileSync(ready, '');
    await driver.deploy(fleet.request('rebuild', web, fleet.version(1, config), config));
    const v1 = await waitForAnswer(Number(config.PORT), 'v1');
    rmSync(ready);
    const request = fleet.request('rebuild', web, fleet.version(2, config), config, { previous: fleet.version(1, config) });
    await assertDriverError(driver.deploy(request), 'web', 'rebuild', /exited with code 2/, /compiling/, /error: generated code is missing/);
    assert.equal((await waitForAnswer(Number(config.PORT), 'v1')).pid, v1.pid);
    assert.equal(existsSync(join(runtime('rebuild'), fleet.v2, '.tranche-built')), false);
    writeFileSync(ready, '');
    await driver.deploy(request);
    await waitForAnswer(Number(config.PORT), 'v2');
  });

  test('service.log holds the output and a start line with the config hash; no file holds a config value', async () => {
    const config = await fleet.config({ GREETING: `greeting-${process.pid}-${Date.now()}`, API_TOKEN: `s3cret-${Math.random()}` });
    const web = fleet.service(NODE_SERVER);
    const target = fleet.version(1, config);
    await driver.deploy(fleet.request('logs', web, target, config));
    await waitForAnswer(Number(config.PORT), 'v1');
    await driver.stop('logs', web, fleet.root);
    const log = readFileSync(join(runtime('logs'), fleet.v1, 'service.log'), 'utf8');
    const hash = target.configHash.replace(/[^\w:]/g, '\\$&');
    assert.match(log, new RegExp(`^--- started \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z \\(config ${hash}\\) ---\\nv1 listening\\nv1 stopping\\n$`));
    for (const file of filesUnder(join(fleet.root, '.tranche'))) {
      const text = readFileSync(file, 'utf8');
      for (const key of ['GREETING', 'API_TOKEN'] as const) assert.ok(!text.includes(config[key]!), `${file} holds the value of ${key}`);
    }
  });

  // Telling a reused pid from ours needs /proc (Linux, where tranche's CI runs); elsewhere a live pid is taken for ours.
  if (process.platform === 'linux')
    test('a recorded pid now held by another process is never signalled: the service is started anew', async () => {
      const stranger = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
      stranger.unref();
      others.push(stranger.pid!);
      const web = fleet.service(NODE_SERVER);
      // Two records of that pid: one with the command line it really has but another start time, one without a start time.
      const records: Record<string, Partial<LocalState>> = {
        'reused-1': { command: ['sleep', '30'], startTime: '1', bootId: readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() },
        'reused-2': { command: ['node', 'server.js'] },
      };
      for (const [env, identity] of Object.entries(records)) {
        const config = await fleet.config();
        const target = fleet.version(1, config);
        mkdirSync(runtime(env), { recursive: true });
        const state = { pid: stranger.pid!, ...identity, ...target, startedAt: new Date().toISOString(), logFile: 'x' };
        writeFileSync(join(runtime(env), 'current.json'), JSON.stringify(state));
        assert.equal((await driver.inspect(env, web, fleet.root))?.running, false);
        await driver.deploy(fleet.request(env, web, target, config));
        const answer = await waitForAnswer(Number(config.PORT), 'v1');
        assert.equal(readState(env).pid, answer.pid);
        assert.ok(isRunning(stranger.pid!), 'the stranger was left alone');
      }
    });

  test('a service that exits at once is a DriverError with the end of its log, and is not recorded', async () => {
    const web = fleet.service({ run: { command: ['node', '-e', 'console.log("starting"); console.error("fatal: PORT is not set"); process.exit(3)'] } });
    const config = await fleet.config();
    // With a port to watch, the driver waits for the process to listen there or to exit: however
    // long node takes to start on a loaded machine, the exit is seen.
    const address = `http://127.0.0.1:${config.PORT}`;
    const error = await assertDriverError(
      driver.deploy(fleet.request('crash', web, fleet.version(1, config), config, { address })),
      'web',
      'crash',
      /exited with code 3/,
      /starting\n.*fatal: PORT is not set/,
    );
    assert.ok(error instanceof ServiceDownError && error.down.state === 'exited' && error.down.code === 3, 'reported as check/exited');
    assert.equal(existsSync(join(runtime('crash'), 'current.json')), false);
    assert.deepEqual(await driver.inspect('crash', web, fleet.root), { running: false });
  });

  test('a service with a port to watch is deployed once it listens there, however long it takes to start', async () => {
    const slow = 'setTimeout(() => require("http").createServer((q, r) => r.end("{}")).listen(Number(process.env.PORT), "127.0.0.1"), 400)';
    const web = fleet.service({ run: { command: ['node', '-e', slow] } });
    const config = await fleet.config();
    const address = `http://127.0.0.1:${config.PORT}`;
    await driver.deploy(fleet.request('listens', web, fleet.version(1, config), config, { address }));
    assert.equal((await driver.liveness('listens', web, fleet.root, address)).state, 'up', 'listening when the deploy returns');
    await driver.stop('listens', web, fleet.root);
  });

  test('a service path missing at the commit is a DriverError and leaves no release directory', async () => {
    const web = fleet.service(NODE_SERVER, 'ghost', 'services/ghost');
    const config = await fleet.config();
    await assertDriverError(
      driver.deploy(fleet.request('missing', web, fleet.version(1, config), config)),
      'ghost',
      'missing',
      /services\/ghost does not exist/,
    );
    assert.deepEqual(readdirSync(runtime('missing', 'ghost')), []);
  });

  test('a service that ignores SIGTERM is killed once the grace period is over', async () => {
    const stubborn =
      'process.on("SIGTERM", () => console.log("ignoring SIGTERM")); require("fs").appendFileSync(process.env.PID_LOG, process.pid + "\\n"); setInterval(() => {}, 1000)';
    const web = fleet.service({ run: { command: ['node', '-e', stubborn] } });
    const quick = new LocalDriver({ env: process.env, stopTimeoutMs: 300 });
    const config = await fleet.config();
    await quick.deploy(fleet.request('stubborn', web, fleet.version(1, config), config));
    const { pid } = readState('stubborn');
    const started = Date.now();
    await quick.stop('stubborn', web, fleet.root);
    assert.equal(isRunning(pid), false);
    assert.ok(Date.now() - started < 3000);
  });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(dir, entry))
    .filter((path) => statSync(path).isFile());
}

// Telling which process listens on a port needs /proc (Linux, where tranche's CI runs); elsewhere liveness is whether the process is alive.
if (process.platform === 'linux')
  describe('LocalDriver liveness', () => {
    let fleet: TinyFleet;
    const driver = new LocalDriver({ env: process.env });
    before(() => {
      fleet = new TinyFleet();
    });
    after(() => fleet?.dispose());

    const web = () => fleet.service(NODE_SERVER);

    async function deployed(env: string, service = web()): Promise<{ config: Record<string, string>; address: string; pid: number }> {
      const config = await fleet.config();
      await driver.deploy(fleet.request(env, service, fleet.version(1, config), config));
      const { pid } = await waitForAnswer(Number(config.PORT), 'v1');
      return { config, address: `http://127.0.0.1:${config.PORT}`, pid };
    }

    test('a process an earlier run started, since killed: exited, its pid and the end of its log, the signal known only to the driver that started it', async () => {
      const { address, pid } = await deployed('gone');
      process.kill(pid, 'SIGKILL');
      const seen = await until(
        () => driver.liveness('gone', web(), fleet.root, address),
        (l) => l.state === 'exited',
      );
      assert.deepEqual({ ...seen, logFile: undefined }, { state: 'exited', pid, signal: 'SIGKILL', lastLines: ['v1 listening'], logFile: undefined });
      const later = await new LocalDriver({ env: process.env }).liveness('gone', web(), fleet.root, address);
      assert.deepEqual({ ...later, logFile: undefined }, { state: 'exited', pid, lastLines: ['v1 listening'], logFile: undefined });
    });

    test('alive, but not listening on the port of its address: not-listening', async () => {
      const { pid } = await deployed('elsewhere');
      const other = await freePort();
      assert.deepEqual(await driver.liveness('elsewhere', web(), fleet.root, `http://127.0.0.1:${other}/`), { state: 'not-listening', pid, port: other });
    });

    test("another process listening where its address also leads (localhost as ::1): port-in-use naming that process and the service's own", async () => {
      const { config, pid } = await deployed('beside');
      const port = Number(config.PORT);
      const other = createServer();
      await new Promise<void>((resolve) => other.listen(port, '::1', resolve));
      try {
        const seen = await driver.liveness('beside', web(), fleet.root, `http://localhost:${port}`);
        assert.deepEqual({ ...seen, holderName: undefined }, { state: 'port-in-use', port, pid, holder: process.pid, holderName: undefined });
        // Its own address (127.0.0.1) is not reached by the other listener: there the service is up.
        assert.deepEqual(await driver.liveness('beside', web(), fleet.root, `http://127.0.0.1:${port}`), { state: 'up', pid, port });
      } finally {
        await new Promise((resolve) => other.close(resolve));
      }
    });

    test('a process the service started holds the port (as `npm start` does): the service is up', async () => {
      const launcher = fleet.service({
        run: { command: ['node', '-e', 'require("child_process").spawn(process.execPath, ["server.js"], { stdio: "inherit" })'] },
      });
      const { address, pid: child } = await deployed('launcher', launcher);
      const seen = await driver.liveness('launcher', launcher, fleet.root, address);
      assert.equal(seen.state, 'up');
      assert.ok(seen.state === 'up' && seen.pid !== child, 'the recorded process is the launcher, not the server it started');
    });

    test('a service whose address is another host: only whether its process is alive', async () => {
      const { pid } = await deployed('remote');
      assert.deepEqual(await driver.liveness('remote', web(), fleet.root, 'http://192.0.2.1:80/'), { state: 'up', pid });
    });
  });
