import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateFleet } from './generate-fleet.js';

const RSS_HOOK = fileURLToPath(new URL('../../bench/measure-rss.cjs', import.meta.url));

export interface Measure {
  name: string;
  seconds: number;
  peakMb: number;
}

/** Runs the real CLI `runs` times; reports the median wall time and the largest peak RSS. */
function measure(bin: string, name: string, args: string[], cwd: string, runs: number): Measure {
  const times: number[] = [];
  let peak = 0;
  for (let i = 0; i < runs; i++) {
    const rssFile = join(tmpdir(), `tranche-bench-rss-${process.pid}`);
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ['--require', RSS_HOOK, bin, ...args], {
      cwd,
      env: { ...process.env, TRANCHE_BENCH_RSS_FILE: rssFile },
      maxBuffer: 1 << 30,
    });
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
    if ((result.status ?? 2) > 1) throw new Error(`${name} exited ${result.status}: ${result.stderr.toString()}`);
    peak = Math.max(peak, Number(readFileSync(rssFile, 'utf8')) / 1024);
    rmSync(rssFile, { force: true });
  }
  times.sort((a, b) => a - b);
  return { name, seconds: times[Math.floor(times.length / 2)]!, peakMb: peak };
}

/** check and drift on a generated 1,000-service fleet with two commits. */
export function benchConfig(dir: string, bin: string, runs: number): Measure[] {
  const fleet = generateFleet(dir);
  return [
    measure(bin, 'check --env prod --from A --to B', ['check', '--env', 'prod', '--from', fleet.from, '--to', fleet.to, '--json'], fleet.dir, runs),
    measure(bin, 'drift', ['drift', '--json'], fleet.dir, runs),
  ];
}
