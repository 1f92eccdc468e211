import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchChanges } from './changes-bench.js';
import { benchConfig, benchFleetAsItIs } from './config-bench.js';
import { benchContracts } from './contracts-bench.js';
import { benchEnvironments } from './environments-bench.js';
import { benchFindingsGrouping } from './findings-bench.js';
import { benchGrpc } from './grpc-bench.js';
import { measureCli } from './measure-cli.js';
import { benchProtobuf } from './protobuf-bench.js';
import { benchRollout } from './rollout-bench.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin/tranche');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const dir = mkdtempSync(join(tmpdir(), 'tranche-bench-'));
try {
  console.log(`machine: ${cpus().length} cores, ${cpus()[0]?.model ?? 'unknown cpu'}, Node ${process.version}\n`);
  console.log(`## Config checks on 1,000 services × 40 keys × 3 environments (median of ${RUNS} runs)\n`);
  console.log('| command | wall time | peak RSS | target |');
  console.log('|---|---|---|---|');
  for (const r of benchConfig(join(dir, 'fleet'), BIN, RUNS)) {
    console.log(`| \`tranche ${r.name}\` | ${r.seconds.toFixed(2)} s | ${r.peakMb.toFixed(0)} MB | < 3 s, < 400 MB |`);
  }

  console.log(
    `\n## The same fleet as it is: + a shared .env of 500 keys with \${VAR}, a compose file, Kubernetes manifests (median of ${RUNS} runs, in turn)\n`,
  );
  const f = benchFleetAsItIs(join(dir, 'fleet'), BIN, RUNS);
  console.log('| `tranche check --env prod --from A --to B` | wall time | peak RSS | target |');
  console.log('|---|---|---|---|');
  console.log(`| plain fleet | ${f.plain.seconds.toFixed(2)} s | ${f.plain.peakMb.toFixed(0)} MB | |`);
  console.log(`| fleet as it is | ${f.asItIs.seconds.toFixed(2)} s | ${f.asItIs.peakMb.toFixed(0)} MB | |`);
  console.log(
    `| ratio | ×${(f.asItIs.seconds / f.plain.seconds).toFixed(2)} | ×${(f.asItIs.peakMb / f.plain.peakMb).toFixed(2)} | ≤ ×1.5 time, ≤ ×1.2 memory |`,
  );

  console.log('\n## Rollout of 12 services (~300 ms start each) in batches of 3\n');
  const r = await benchRollout(join(dir, 'rollout'), BIN);
  console.log('| measure | value | target |');
  console.log('|---|---|---|');
  console.log(`| one service's start (spawn → healthy) | ${r.startMs.toFixed(0)} ms | |`);
  for (const run of r.runs) {
    const bake = `bake ${run.bakeMs / 1000}s`;
    console.log(`| ${bake}: physical bound (${r.batches} batches × (start + gates)) | ${run.boundMs.toFixed(0)} ms | |`);
    console.log(`| ${bake}: rollout, release start → end | ${run.rolloutMs.toFixed(0)} ms | |`);
    console.log(`| ${bake}: rollout ÷ bound | ${(run.rolloutMs / run.boundMs).toFixed(2)} | ≤ 1.10 |`);
    console.log(`| ${bake}: whole \`tranche apply\` command ÷ bound | ${(run.cliMs / run.boundMs).toFixed(2)} | |`);
  }
  console.log(`| failed gate → previous version answers | ${r.recoveryMs.toFixed(0)} ms | < start + 1 s = ${(r.startMs + 1000).toFixed(0)} ms |`);

  console.log(`\n## What changed: 1,000 services × 1,500-package lockfiles, 5,000 commits (median of ${RUNS} runs, in turn)\n`);
  const c = benchChanges(join(dir, 'changes'), BIN, RUNS);
  const row = (label: string, m: { seconds: number; peakMb: number }, floor: number, target: string) =>
    console.log(
      `| ${label} | ${m.seconds.toFixed(2)} s | ${m.peakMb.toFixed(0)} MB | ${floor.toFixed(2)} s (×${(m.seconds / floor).toFixed(1)}) | ${target} |`,
    );
  console.log('| `tranche changes --env prod --from A --to B --json` | wall time | peak RSS | floor (ratio) | target |');
  console.log('|---|---|---|---|---|');
  row('--no-cache', c.uncached, c.coldFloor, '< 5 s, < 500 MB');
  row('cold: an empty parse cache, filled by the run', c.cold, c.coldFloor, '≤ 2.5 s, ≤ 300 MB (#18)');
  row('warm: the cache a previous run filled', c.warm, c.warmFloor, '≤ 1.2 s (#18)');
  console.log(
    '\nfloors: cold = git log + git diff of the range + cat-file of every changed package-lock.json and package.json pair; warm = git log + git diff + the CLI start (`tranche version`)',
  );
  console.log(
    `\nfound ${c.services} changed services, ${c.commits} service commits, ${c.depChanges} dependency changes (the repository took ${c.generationSeconds.toFixed(0)} s to write)`,
  );

  console.log(`\n## Services × environments: what a command costs follows the environments services run in (median of ${RUNS} runs)\n`);
  console.log('| fleet | `check --env prod --json` | `drift --json` | target |');
  console.log('|---|---|---|---|');
  for (const e of benchEnvironments(join(dir, 'environments'), BIN, RUNS)) {
    console.log(
      `| ${e.label} | ${e.check.seconds.toFixed(2)} s, ${e.check.peakMb.toFixed(0)} MB | ${e.drift.seconds.toFixed(2)} s, ${e.drift.peakMb.toFixed(0)} MB | < 1 GB |`,
    );
  }

  console.log(`\n## 100,000 findings: check on a dotenv file of 100,000 undeclared keys (median of ${RUNS} runs)\n`);
  const g = benchFindingsGrouping(join(dir, 'findings'), BIN, RUNS);
  console.log('| `tranche check --env prod --from A` | wall time | peak RSS | target |');
  console.log('|---|---|---|---|');
  console.log(`| human view (findings grouped by service) | ${g.human.seconds.toFixed(2)} s | ${g.human.peakMb.toFixed(0)} MB | within 1.5 × --json |`);
  console.log(`| --json | ${g.json.seconds.toFixed(2)} s | ${g.json.peakMb.toFixed(0)} MB | |`);
  console.log(`\n${g.findings} findings`);

  console.log(`\n## Contracts: 300 providers × 200 operations, 2,000 consumer → provider edges (median of ${RUNS} runs)\n`);
  console.log('| `tranche plan` with every pairing of the rollout and its rollbacks | wall time | peak RSS | target |');
  console.log('|---|---|---|---|');
  const found: string[] = [];
  const releases = [
    ['some', 'json', 'JSON specs, each changing in a few operations'],
    ['some', 'yaml', 'the same as YAML'],
    ['every', 'json', 'JSON specs, a description changing in every schema (worst case)'],
  ] as const;
  for (const [churn, format, label] of releases) {
    const k = benchContracts(join(dir, `contracts-${churn}-${format}`), BIN, RUNS, churn, format);
    const target = format === 'yaml' ? '≤ 3 s, ≤ 500 MB (issue #15)' : churn === 'some' ? '< 5 s' : '';
    console.log(`| ${label} | ${k.seconds.toFixed(2)} s | ${k.peakMb.toFixed(0)} MB | ${target} |`);
    found.push(
      `${churn}, ${format}: ${k.edges} edges, ${k.batches} batches, ${Object.entries(k.findings)
        .map(([rule, n]) => `${n} ${rule}`)
        .join(', ')}`,
    );
  }
  console.log(`\n${found.join('\n')}`);

  console.log(`\n## Protobuf: two trees of 300 files × 30 messages × 20 fields (median of ${RUNS} runs)\n`);
  const p = benchProtobuf(join(dir, 'protobuf'), BIN, RUNS);
  console.log('| `tranche contract diff previous current --kind protobuf --category WIRE_JSON --json` | wall time | peak RSS | target |');
  console.log('|---|---|---|---|');
  console.log(
    `| ${(p.bytes / 1e6).toFixed(1)} MB of .proto, ${p.changes} changes found | ${p.seconds.toFixed(2)} s | ${p.peakMb.toFixed(0)} MB | well under 1 s |`,
  );
  // The CLI's start-up, in the same run: what no command can go below.
  const floor = measureCli(BIN, ['version'], dir, RUNS);
  console.log(`| floor: \`tranche version\` | ${floor.seconds.toFixed(2)} s | ${floor.peakMb.toFixed(0)} MB | |`);

  console.log(`\n## gRPC: 300 providers × 30 messages × 20 fields, 2,000 consumer → provider edges (median of ${RUNS} runs)\n`);
  const g2 = benchGrpc(join(dir, 'grpc'), BIN, RUNS);
  console.log('| command | wall time | peak RSS | target |');
  console.log('|---|---|---|---|');
  console.log(
    `| \`tranche plan\` with every pairing of the rollout and its rollbacks (${g2.edges} edges) | ${g2.seconds.toFixed(2)} s | ${g2.peakMb.toFixed(0)} MB | ≤ 2 s |`,
  );
  console.log(`| floor: \`tranche version\` | ${g2.floor.seconds.toFixed(2)} s | ${g2.floor.peakMb.toFixed(0)} MB | |`);
  console.log(`\nfindings: ${JSON.stringify(g2.findings)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
