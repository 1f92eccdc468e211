import { posix } from 'node:path';
import type { Service } from '../manifest/manifest.js';

/** The services that own a path: O(depth) lookups in an index of owned directories and files. */
export function ownerIndex(services: Service[]): (path: string) => string[] {
  const index = new Map<string, Set<string>>();
  const add = (prefix: string, name: string) => {
    let names = index.get(prefix);
    if (!names) index.set(prefix, (names = new Set()));
    names.add(name);
  };
  for (const service of services) for (const prefix of [service.path, ...service.watch]) if (prefix) add(prefix, service.name);
  return (path) => {
    const found = new Set<string>(index.get('.') ?? []);
    for (let p = path; p !== '.' && p !== '/' && p !== ''; p = posix.dirname(p)) for (const name of index.get(p) ?? []) found.add(name);
    return [...found];
  };
}
