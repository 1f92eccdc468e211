import { benchRepo } from './bench-repo.js';
import { measureCli, type Measure } from './measure-cli.js';

export interface FindingsMeasure {
  findings: number;
  human: Measure;
  json: Measure;
}

const KEYS = 100_000;

/**
 * `tranche check` on a one-service fleet whose prod dotenv file sets 100,000 keys the service does
 * not declare (900 KB, under the 1 MiB a config file may have): 100,000 `config/unknown-key`
 * findings, grouped by service for the human view. The same command with `--json` (no grouping)
 * says what the grouping itself costs.
 */
export function benchFindingsGrouping(dir: string, bin: string, runs: number): FindingsMeasure {
  const { write, git } = benchRepo(dir);
  write(
    'tranche.yaml',
    [
      'version: 1',
      'name: noisy',
      'environments:',
      '  prod: { driver: local }',
      'services:',
      '  orders:',
      '    path: services/orders',
      '    config:',
      '      schema:',
      '        PORT: { type: port, required: true }',
      '      sources:',
      '        - dotenv: deploy/{env}.env',
      '',
    ].join('\n'),
  );
  write('services/orders/deploy/prod.env', `PORT=7001\n${Array.from({ length: KEYS }, (_, i) => `K_${i}=v\n`).join('')}`);
  git('add', '-A');
  git('commit', '-q', '-m', 'a noisy dotenv file');
  const from = git('rev-parse', 'HEAD');
  const args = ['check', '--env', 'prod', '--from', from, '--intent', 'bench'];
  const human = measureCli(bin, args, dir, runs);
  const json = measureCli(bin, [...args, '--json'], dir, runs);
  const findings = (JSON.parse(json.stdout) as { findings: unknown[] }).findings.length;
  return { findings, human, json };
}
