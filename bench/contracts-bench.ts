import { stringify } from 'yaml';
import { benchRepo } from './bench-repo.js';
import { measureCli, type Measure } from './measure-cli.js';

export interface ContractsMeasure extends Measure {
  edges: number;
  findings: Record<string, number>;
  batches: number;
  generationSeconds: number;
}

const PROVIDERS = 300;
const OPERATIONS = 200;
const CONSUMERS = 700;
const EDGES = 2000;

/**
 * How much of each provider's spec the release touches: `some` — a few operations, as releases
 * do (a property removed, a type changed, descriptions edited on three more, a path added);
 * `every` — on top of that, a description edited in every schema, so that no operation can be
 * skipped as unchanged (the engine's worst case).
 */
export type SpecChurn = 'some' | 'every';

/**
 * One provider's OpenAPI document: OPERATIONS operations (a GET and a POST on each of
 * OPERATIONS / 2 paths), each with a component schema of eight properties. In the release every
 * provider changes (see `SpecChurn`), and gains a path (GET /extra) that new consumers call.
 */
function providerSpec(p: number, release: boolean, churn: SpecChurn): string {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (let i = 0; i < OPERATIONS / 2; i++) {
    const properties: Record<string, unknown> = {};
    const edited = release && (churn === 'every' || [3, 5, 7].some((d) => i === (p + d) % 50));
    for (let k = 0; k < 8; k++) properties[`field${k}`] = { type: k % 2 ? 'integer' : 'string', description: `field ${k} of r${i}${edited ? ' (v2)' : ''}` };
    if (release && i === p % 50) delete properties.field7;
    if (release && i === (p + 1) % 50) properties.field3 = { type: 'string', description: 'field 3, now a string' };
    schemas[`R${i}`] = { type: 'object', required: ['field0', 'field1'], properties };
    const ref = { $ref: `#/components/schemas/R${i}` };
    paths[`/r${i}/{id}`] = {
      get: {
        operationId: `getR${i}`,
        parameters: [
          { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'expand', in: 'query', schema: { type: 'boolean' } },
        ],
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: ref } } }, '404': { description: 'not found' } },
      },
      post: {
        operationId: `postR${i}`,
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: { 'application/json': { schema: ref } } },
        responses: { '201': { description: 'created', content: { 'application/json': { schema: ref } } } },
      },
    };
  }
  if (release) paths['/extra'] = { get: { operationId: 'extra', responses: { '200': { description: 'ok' } } } };
  return JSON.stringify({ openapi: '3.0.3', info: { title: `provider ${p}`, version: release ? '2' : '1' }, paths, components: { schemas } });
}

/** Consumer c's edges: EDGES spread over the consumers, each to a distinct provider. */
function consumerEdges(c: number): number[] {
  const count = Math.floor(EDGES / CONSUMERS) + (c < EDGES % CONSUMERS ? 1 : 0);
  return Array.from({ length: count }, (_, k) => (c * 7 + k * 101) % PROVIDERS);
}

function manifest(release: boolean, format: 'json' | 'yaml'): string {
  const lines = ['version: 1', 'name: contracts-bench', 'environments:', '  prod: { driver: local }', 'policy:', '  batch_size: 10', 'services:'];
  for (let p = 0; p < PROVIDERS; p++) {
    lines.push(`  provider-${p}:`, `    path: services/provider-${p}`, '    contracts:', '      provides:', `        http: openapi.${format}`);
  }
  for (let c = 0; c < CONSUMERS; c++) {
    lines.push(`  consumer-${c}:`, `    path: services/consumer-${c}`, '    contracts:', '      consumes:');
    for (const p of consumerEdges(c)) {
      // A third call everything; the rest name their operations, and the moving ones call the new one.
      const ops = [`GET /r${(c + p) % 50}/{id}`, `POST /r${(c + 2 * p) % 50}/{id}`, ...(release && c % 4 === 0 ? ['GET /extra'] : [])];
      lines.push(c % 3 === 0 ? `        provider-${p}: { http: true }` : `        provider-${p}: { http: true, operations: ${JSON.stringify(ops)} }`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `tranche plan` on 300 providers with 200-operation specs and 2,000 consumer → provider edges
 * (1,000 services), where every provider's spec and a quarter of the consumers change: the
 * whole mixed-version analysis of the plan, from reading the specs out of git to the findings.
 */
/** `format`: the specs as JSON (as generated specs often are) or as YAML (as written by hand). */
export function benchContracts(dir: string, bin: string, runs: number, churn: SpecChurn, format: 'json' | 'yaml' = 'json'): ContractsMeasure {
  const started = process.hrtime.bigint();
  const { write, commitAll } = benchRepo(dir);
  const revision = (release: boolean) => {
    write('tranche.yaml', manifest(release, format));
    for (let p = 0; p < PROVIDERS; p++) {
      const spec = providerSpec(p, release, churn);
      write(`services/provider-${p}/openapi.${format}`, format === 'json' ? spec : stringify(JSON.parse(spec)));
    }
    for (let c = 0; c < CONSUMERS; c++) write(`services/consumer-${c}/main.js`, `// consumer ${c}${release && c % 4 === 0 ? ' v2' : ''}\n`);
    return commitAll(release ? 'release' : 'deployed');
  };
  const from = revision(false);
  const to = revision(true);
  const generationSeconds = Number(process.hrtime.bigint() - started) / 1e9;

  const measure = measureCli(bin, ['plan', '--env', 'prod', '--from', from, '--to', to, '--intent', 'bench', '--json'], dir, runs);
  const plan = JSON.parse(measure.stdout) as { findings: { rule: string }[]; batches: unknown[] };
  const findings: Record<string, number> = {};
  for (const f of plan.findings) if (f.rule.startsWith('contract/')) findings[f.rule] = (findings[f.rule] ?? 0) + 1;
  const edges = Array.from({ length: CONSUMERS }, (_, c) => consumerEdges(c).length).reduce((a, b) => a + b, 0);
  return { ...measure, edges, findings, batches: plan.batches.length, generationSeconds };
}
