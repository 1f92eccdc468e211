import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateFleet } from './generate-fleet.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/tranche');
const RSS_HOOK = join(ROOT, 'bench/measure-rss.cjs');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

interface Measure {
  name: string;
  seconds: number;
  peakMb: number;
  exit: number;
}

/** Runs the real CLI `RUNS` times; reports the median wall time and the largest peak RSS. */
function measure(name: string, args: string[], cwd: string): Measure {
  const times: number[] = [];
  let peak = 0;
  let exit = 0;
  for (let i = 0; i < RUNS; i++) {
    const rssFile = join(tmpdir(), `tranche-bench-rss-${process.pid}`);
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ['--require', RSS_HOOK, BIN, ...args], {
      cwd,
      env: { ...process.env, TRANCHE_BENCH_RSS_FILE: rssFile },
      maxBuffer: 1 << 30,
    });
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
    exit = result.status ?? -1;
    if (exit > 1) throw new Error(`${name} exited ${exit}: ${result.stderr.toString()}`);
    peak = Math.max(peak, Number(readFileSync(rssFile, 'utf8')) / 1024);
    rmSync(rssFile, { force: true });
  }
  times.sort((a, b) => a - b);
  return { name, seconds: times[Math.floor(times.length / 2)]!, peakMb: peak, exit };
}

const dir = mkdtempSync(join(tmpdir(), 'tranche-bench-'));
try {
  const started = Date.now();
  const fleet = generateFleet(join(dir, 'fleet'));
  console.log(`generated 1,000 services × 40 keys × 3 environments in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  const results = [
    measure('check --env prod --from A --to B', ['check', '--env', 'prod', '--from', fleet.from, '--to', fleet.to, '--json'], fleet.dir),
    measure('drift', ['drift', '--json'], fleet.dir),
  ];
  console.log(`\nmachine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown cpu'}, Node ${process.version}; median of ${RUNS} runs\n`);
  console.log('| command | wall time | peak RSS | target |');
  console.log('|---|---|---|---|');
  for (const r of results) console.log(`| \`tranche ${r.name}\` | ${r.seconds.toFixed(2)} s | ${r.peakMb.toFixed(0)} MB | < 3 s, < 400 MB |`);
  const failed = results.filter((r) => r.seconds >= 3 || r.peakMb >= 400);
  if (failed.length) console.log(`\nover target: ${failed.map((r) => r.name).join(', ')}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
