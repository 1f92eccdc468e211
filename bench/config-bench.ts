import { generateFleet } from './generate-fleet.js';
import { measureCli } from './measure-cli.js';


export interface ConfigMeasure {
  name: string;
  seconds: number;
  peakMb: number;
}

/** check and drift on a generated 1,000-service fleet with two commits. */
export function benchConfig(dir: string, bin: string, runs: number): ConfigMeasure[] {
  const fleet = generateFleet(dir);
  return [
    { name: 'check --env prod --from A --to B', ...measureCli(bin, ['check', '--env', 'prod', '--from', fleet.from, '--to', fleet.to, '--json'], fleet.dir, runs) },
    { name: 'drift', ...measureCli(bin, ['drift', '--json'], fleet.dir, runs) },
  ];
}
