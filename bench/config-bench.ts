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
    { name: 'check --env prod --from A --to B', ...measureCli(bin, checkArgs(fleet), fleet.dir, runs) },
    { name: 'drift', ...measureCli(bin, ['drift', '--json'], fleet.dir, runs) },
  ];
}

/**
 * check on the same fleet as it is — every service also reading a shared `.env` of 500 keys
 * with interpolation, a compose file and Kubernetes manifests — beside check on the plain fleet,
 * run in turn so that both see the same machine.
 */
export function benchFleetAsItIs(dir: string, bin: string, runs: number): { plain: ConfigMeasure; asItIs: ConfigMeasure } {
  const plain = generateFleet(`${dir}-plain`);
  const asItIs = generateFleet(`${dir}-as-it-is`, { asItIs: true });
  const p: Array<Omit<ConfigMeasure, 'name'>> = [];
  const a: Array<Omit<ConfigMeasure, 'name'>> = [];
  for (let i = 0; i < runs; i++) {
    p.push(measureCli(bin, checkArgs(plain), plain.dir, 1));
    a.push(measureCli(bin, checkArgs(asItIs), asItIs.dir, 1));
  }
  const median = (ms: Array<Omit<ConfigMeasure, 'name'>>, name: string): ConfigMeasure => {
    const seconds = ms.map((m) => m.seconds).sort((x, y) => x - y);
    return { name, seconds: seconds[Math.floor(seconds.length / 2)]!, peakMb: Math.max(...ms.map((m) => m.peakMb)) };
  };
  return { plain: median(p, 'plain'), asItIs: median(a, 'as it is') };
}

function checkArgs(fleet: { from: string; to: string }): string[] {
  return ['check', '--env', 'prod', '--from', fleet.from, '--to', fleet.to, '--json'];
}
