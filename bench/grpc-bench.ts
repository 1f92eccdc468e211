import { benchRepo } from './bench-repo.js';
import { type Measure, measureCli } from './measure-cli.js';
import { protoOf } from './protobuf-bench.js';

const PROVIDERS = 300;
const METHODS = 30;
const CONSUMERS = 700;
const EDGES = 2000;

export interface GrpcMeasure extends Measure {
  edges: number;
  findings: Record<string, number>;
  /** `tranche version`, measured in the same run: the CLI's start-up. */
  floor: Measure;
}

/** Consumer c's edges: EDGES spread over the consumers, each to a distinct provider. */
function consumerEdges(c: number): number[] {
  const count = Math.floor(EDGES / CONSUMERS) + (c < EDGES % CONSUMERS ? 1 : 0);
  return Array.from({ length: count }, (_, k) => (c * 7 + k * 101) % PROVIDERS);
}

function manifest(): string {
  const lines = ['version: 1', 'name: grpc-bench', 'environments:', '  prod: { driver: local }', 'policy:', '  batch_size: 10', 'services:'];
  for (let p = 0; p < PROVIDERS; p++)
    lines.push(`  provider-${p}:`, `    path: services/provider-${p}`, '    contracts:', '      provides:', '        grpc: protos');
  for (let c = 0; c < CONSUMERS; c++) {
    lines.push(`  consumer-${c}:`, `    path: services/consumer-${c}`, '    contracts:', '      consumes:');
    for (const p of consumerEdges(c)) {
      // A third call every method; the rest name two, with and without the package.
      const methods = [`Svc${p}/Call${(c + p) % METHODS}`, `fleet.svc${p}.v1.Svc${p}/Call${(c + 2 * p) % METHODS}`];
      lines.push(c % 3 === 0 ? `        provider-${p}: { grpc: true }` : `        provider-${p}: { grpc: true, methods: [${methods.join(', ')}] }`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `tranche plan` on 300 providers of one .proto each (30 messages × 20 fields, a service of 30
 * methods) and 2,000 consumer → provider edges (1,000 services): in the release every provider's
 * file changes (every tenth deletes a field, changes a type and adds one; the others only a
 * comment, so that every tree is read, parsed and compared) and a quarter of the consumers move.
 * The whole mixed-version analysis, from reading the .proto files out of git to the findings.
 */
export function benchGrpc(dir: string, bin: string, runs: number): GrpcMeasure {
  const { write, commitAll } = benchRepo(dir);
  write('tranche.yaml', manifest());
  const revision = (release: boolean) => {
    for (let p = 0; p < PROVIDERS; p++) write(`services/provider-${p}/protos/svc.proto`, `${protoOf(p, release)}${release ? '// v2\n' : ''}`);
    for (let c = 0; c < CONSUMERS; c++) write(`services/consumer-${c}/main.js`, `// consumer ${c}${release && c % 4 === 0 ? ' v2' : ''}\n`);
    return commitAll(release ? 'release' : 'deployed');
  };
  const from = revision(false);
  const to = revision(true);
  const floor = measureCli(bin, ['version'], dir, runs);
  const measure = measureCli(bin, ['plan', '--env', 'prod', '--from', from, '--to', to, '--intent', 'bench', '--json'], dir, runs);
  const plan = JSON.parse(measure.stdout) as { findings: { rule: string }[] };
  const findings: Record<string, number> = {};
  for (const f of plan.findings) if (f.rule.startsWith('contract/') || f.rule === 'manifest/invalid') findings[f.rule] = (findings[f.rule] ?? 0) + 1;
  const edges = Array.from({ length: CONSUMERS }, (_, c) => consumerEdges(c).length).reduce((a, b) => a + b, 0);
  return { ...measure, edges, findings, floor };
}
