import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const SERVICES = 12;
const START_DELAY_MS = 300;

/** One measured deploy with a given bake. */
interface RolloutRun {
  bakeMs: number;
  rolloutMs: number;
  boundMs: number;
  cliMs: number;
}

export interface RolloutFigures {
  startMs: number;
  batches: number;
  runs: RolloutRun[];
  recoveryMs: number;
}

/** A service that takes ~300 ms to become healthy, whose sanity check fails when BROKEN. */
const server = (version: string, broken: boolean) => `const http = require('node:http');
const server = http.createServer((req, res) => {
  if (req.url === '/health') return res.end('ok');
  if (req.url === '/work') { res.statusCode = ${broken ? 500 : 200}; return res.end('${version}'); }
  res.end('${version}');
});
setTimeout(() => server.listen(Number(process.env.PORT), '127.0.0.1'), ${START_DELAY_MS});
process.on('SIGTERM', () => process.exit(0));
`;

async function freePorts(n: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    ports.push(
      await new Promise<number>((resolve) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const { port } = probe.address() as { port: number };
          probe.close(() => resolve(port));
        });
      }),
    );
  }
  return ports;
}

async function get(port: number, path: string): Promise<string | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(500) });
    return await response.text();
  } catch {
    return undefined;
  }
}

/** Time from spawning one service to its health answering: the physical start of a service. */
async function measureStart(dir: string, port: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const started = performance.now();
    const child = spawn(process.execPath, ['server.js'], { cwd: dir, env: { PORT: String(port) }, stdio: 'ignore' });
    while ((await get(port, '/health')) !== 'ok') await new Promise((r) => setTimeout(r, 2));
    times.push(performance.now() - started);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
  return times.sort((a, b) => a - b)[1]!;
}

/**
 * 12 services that each take ~300 ms to become healthy, in batches of 3: the rollout's time
 * against the physical bound (batches × one service's start + the gates' own check time), and
 * the time from a failed gate to the previous version answering again.
 */
export async function benchRollout(root: string, bin: string): Promise<RolloutFigures> {
  const ports = await freePorts(SERVICES + 1);
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@x' },
    });
  const names = Array.from({ length: SERVICES }, (_, i) => `s${String(i).padStart(2, '0')}`);
  const write = (version: string, broken: string | undefined) => {
    for (const name of names) {
      mkdirSync(join(root, 'services', name), { recursive: true });
      writeFileSync(join(root, 'services', name, 'server.js'), server(version, name === broken));
    }
  };
  mkdirSync(root, { recursive: true });
  git('init', '-q', '-b', 'main');
  const manifest = [
    'version: 1',
    'name: bench',
    'environments:',
    '  dev: { driver: local }',
    'policy:',
    '  batch_size: 3',
    '  bake: BAKE',
    '  on_failure: rollback-batch',
    'services:',
  ];
  names.forEach((name, i) => {
    manifest.push(
      `  ${name}:`,
      `    path: services/${name}`,
      '    run: { command: [node, server.js] }',
      '    address: { dev: "http://127.0.0.1:${PORT}" }',
      `    config: { schema: { PORT: { type: port, default: ${ports[i]} } } }`,
      '    checks:',
      '      health: { http: { path: /health } }',
      '      sanity: [{ name: work, http: { path: /work } }]',
    );
  });
  const writeManifest = (bake: string) => writeFileSync(join(root, 'tranche.yaml'), `${manifest.join('\n').replace('BAKE', bake)}\n`);
  writeManifest('0s');
  writeFileSync(join(root, '.gitignore'), '.tranche/\n');
  write('v1', undefined);
  git('add', '-A');
  git('commit', '-q', '-m', 'v1');
  const startMs = await measureStart(join(root, 'services', names[0]!), ports[SERVICES]!);
  const tranche = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  // Asynchronous, so that the poller below keeps running while tranche works.
  const apply = () =>
    new Promise<{ ms: number; result: { status: number | null; stdout: string; stderr: string } }>((resolve) => {
      const started = performance.now();
      const child = spawn(process.execPath, [bin, 'apply', '--env', 'dev', '--yes', '--json'], { cwd: root });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('close', (status) => resolve({ ms: performance.now() - started, result: { status, stdout, stderr } }));
    });
  try {
    if ((await apply()).result.status !== 0) throw new Error('the first deploy failed');

    const runs: RolloutRun[] = [];
    let batches = 0;
    for (const [version, bake] of [
      ['v2', '0s'],
      ['v3', '5s'],
    ] as const) {
      write(version, undefined);
      writeManifest(bake);
      git('commit', '-q', '-am', `${version}, bake ${bake}`);
      const measured = await apply();
      if (measured.result.status !== 0) throw new Error(`the measured deploy failed: ${measured.result.stderr}`);
      const { releaseId } = JSON.parse(measured.result.stdout) as { releaseId: string };
      const shown = JSON.parse(tranche('show', releaseId, '--json').stdout) as {
        release: { startedAt: string; finishedAt: string; plan: { batches: unknown[]; policy: { bake: number } } };
        checks: { batch: number; gate: string; durationMs: number }[];
      };
      batches = shown.release.plan.batches.length;
      const bakeMs = shown.release.plan.policy.bake;
      // The gates' own time: per batch, the slowest sanity check, then the bake.
      const gateMs = Array.from(
        { length: batches },
        (_, b) => Math.max(0, ...shown.checks.filter((c) => c.batch === b + 1 && c.gate === 'sanity').map((c) => c.durationMs)) + bakeMs,
      ).reduce((a, b) => a + b, 0);
      runs.push({
        bakeMs,
        rolloutMs: Date.parse(shown.release.finishedAt) - Date.parse(shown.release.startedAt),
        boundMs: batches * startMs + gateMs,
        cliMs: measured.ms,
      });
    }
    writeManifest('0s');

    // A release whose first batch fails its sanity check: how soon does the previous version answer again?
    write('v4', names[0]);
    git('commit', '-q', '-am', 'v4, broken');
    const answers: { at: number; body: string | undefined }[] = [];
    let polling = true;
    const poll = (async () => {
      while (polling) {
        answers.push({ at: Date.now(), body: await get(ports[0]!, '/work') });
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const third = await apply();
    // tranche answers once the previous version is healthy; keep watching a little past that.
    await new Promise((r) => setTimeout(r, 200));
    polling = false;
    await poll;
    if (third.result.status !== 1) throw new Error(`the failing deploy should exit 1, got ${third.result.status}`);
    const failedRelease = (JSON.parse(third.result.stdout) as { releaseId: string }).releaseId;
    const checks = (JSON.parse(tranche('show', failedRelease, '--json').stdout) as { checks: { ok: boolean; at: string }[] }).checks;
    const failedAt = Date.parse(checks.find((c) => !c.ok)!.at);
    const back = answers.find((a) => a.at > failedAt && a.body === 'v3');
    if (!back) throw new Error('the previous version never answered again');
    return { startMs, batches, runs, recoveryMs: back.at - failedAt };
  } finally {
    tranche('down', '--env', 'dev');
  }
}
