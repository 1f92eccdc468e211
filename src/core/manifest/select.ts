import { suggestion } from '../did-you-mean.js';
import { InputError } from '../input-error.js';
import type { Manifest, Service } from './manifest.js';

/** The environment a flag names; an InputError with a did-you-mean when it names none. */
export function selectEnv(manifest: Manifest, name: string | undefined, flag = '--env'): string {
  const names = manifest.environments.map((e) => e.name);
  if (name === undefined) throw new InputError(`${flag} is required: one of ${names.join(', ')}`);
  if (!names.includes(name)) throw new InputError(unknown('environment', name, names));
  return name;
}

/** Environments from a comma-separated flag (all of them when absent), each checked. */
export function selectEnvs(manifest: Manifest, list: string | undefined, flag = '--env'): string[] {
  if (list === undefined) return manifest.environments.map((e) => e.name);
  const envs = list
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  if (!envs.length) throw new InputError(`${flag} needs at least one environment`);
  return envs.map((env) => selectEnv(manifest, env, flag));
}

export function selectService(manifest: Manifest, name: string): Service {
  const service = manifest.services.get(name);
  if (!service) throw new InputError(unknown('service', name, [...manifest.services.keys()]));
  return service;
}

function unknown(what: string, name: string, known: string[]): string {
  return `unknown ${what} ${JSON.stringify(name)}${suggestion(name, known)}; the fleet has ${known.join(', ')}`;
}
