import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const RSS_HOOK = fileURLToPath(new URL('../../bench/measure-rss.cjs', import.meta.url));

export interface Measure {
  seconds: number;
  peakMb: number;
  /** What the last run printed on stdout. */
  stdout: string;
}

/**
 * Runs the real CLI `runs` times: the median wall time, the largest peak RSS of the tranche
 * process (written by the measure-rss hook), and the last output. An exit code not in `okExits`
 * (default 0 and 1: findings are a result, not a failure) stops the benchmark.
 */
export function measureCli(bin: string, args: string[], cwd: string, runs: number, okExits: readonly number[] = [0, 1]): Measure {
  const times: number[] = [];
  let peak = 0;
  let stdout = '';
  for (let i = 0; i < runs; i++) {
    const rssFile = join(tmpdir(), `tranche-bench-rss-${process.pid}`);
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, ['--require', RSS_HOOK, bin, ...args], {
      cwd,
      env: { ...process.env, TRANCHE_BENCH_RSS_FILE: rssFile },
      maxBuffer: 1 << 30,
    });
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
    if (!okExits.includes(result.status ?? -1)) throw new Error(`tranche ${args.join(' ')} exited ${result.status}: ${result.stderr.toString()}`);
    peak = Math.max(peak, Number(readFileSync(rssFile, 'utf8')) / 1024);
    rmSync(rssFile, { force: true });
    stdout = result.stdout.toString('utf8');
  }
  times.sort((a, b) => a - b);
  return { seconds: times[Math.floor(times.length / 2)]!, peakMb: peak, stdout };
}
