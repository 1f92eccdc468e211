import { benchRepo } from './bench-repo.js';
import { measureCli, type Measure } from './measure-cli.js';

export interface EnvironmentsMeasure {
  label: string;
  check: Measure;
  drift: Measure;
}

/**
 * A fleet of `services` services × 10 keys in `environments` environments (dev, staging, prod and
 * tenants), each service running in all of them or, with `each`, in dev, staging, prod and one
 * tenant: two commits, a fifth of the services changing a key. Each service reads its defaults
 * and an optional `config/{env}.yaml` (only prod's exists).
 */
function generateFleet(dir: string, services: number, environments: number, each?: number): { from: string; to: string } {
  const { write, git } = benchRepo(dir);
  const envs = ['dev', 'staging', 'prod', ...Array.from({ length: environments - 3 }, (_, i) => `tenant-${i}`)];
  const revision = (release: boolean) => {
    const lines = ['version: 1', 'name: tenants', 'environments:', ...envs.map((e) => `  ${e}: { driver: local }`), 'services:'];
    for (let s = 0; s < services; s++) {
      lines.push(`  svc-${s}:`, `    path: services/svc-${s}`);
      if (each !== undefined)
        lines.push(
          `    environments: [${[...envs.slice(0, 3), ...Array.from({ length: each - 3 }, (_, k) => envs[3 + ((s + k) % (environments - 3))])].join(', ')}]`,
        );
      lines.push('    config:', '      schema:');
      for (let k = 0; k < 10; k++) lines.push(`        KEY_${k}: { type: string${k === 0 ? ', required: true' : ''} }`);
      lines.push('      sources:', '        - file: config/defaults.yaml', '        - file: config/{env}.yaml', '          optional: true');
      const keys = Array.from({ length: 10 }, (_, k) => `KEY_${k}: v${k}${release && s % 5 === 0 && k === 3 ? '-release' : ''}`);
      write(`services/svc-${s}/config/defaults.yaml`, `${keys.join('\n')}\n`);
      write(`services/svc-${s}/config/prod.yaml`, `KEY_1: prod-${s}\n`);
    }
    write('tranche.yaml', `${lines.join('\n')}\n`);
  };
  revision(false);
  git('add', '-A');
  git('commit', '-q', '-m', 'deployed');
  const from = git('rev-parse', 'HEAD');
  revision(true);
  git('add', '-A');
  git('commit', '-q', '-m', 'release');
  return { from, to: git('rev-parse', 'HEAD') };
}

/**
 * check and drift on 2,000 services in 500 environments, each running in four of them (what they
 * cost must follow the environments services run in, not those declared), and on 2,000 services
 * all running in 100 environments.
 */
export function benchEnvironments(dir: string, bin: string, runs: number): EnvironmentsMeasure[] {
  const cases = [
    { label: '2,000 services, 500 environments, 4 each', services: 2000, environments: 500, each: 4 },
    { label: '2,000 services, 100 environments, all each', services: 2000, environments: 100 },
  ];
  return cases.map(({ label, services, environments, each }, i) => {
    const fleetDir = `${dir}-${i}`;
    const { from, to } = generateFleet(fleetDir, services, environments, each);
    return {
      label,
      check: measureCli(bin, ['check', '--env', 'prod', '--from', from, '--to', to, '--json'], fleetDir, runs),
      drift: measureCli(bin, ['drift', '--json'], fleetDir, runs),
    };
  });
}
