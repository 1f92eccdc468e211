import { stringify } from 'yaml';
import { readSourceFile, type SourceFile } from '../../src/core/config/source-file.js';
import type { FleetRevision } from '../../src/core/fleet-revision.js';
import { parseManifest } from '../../src/core/manifest/parse-manifest.js';

/** A small two-environment fleet with one service, `orders`, using one database: the base most tests vary. */
export function baseFleet(): Record<string, any> {
  return {
    version: 1,
    name: 'shop',
    environments: { dev: { driver: 'local' }, prod: { driver: 'local' } },
    resources: {
      'orders-db': {
        kind: 'postgres',
        values: {
          dev: { host: '127.0.0.1', port: 5432, database: 'orders' },
          prod: { host: '127.0.0.1', port: 5432, database: 'orders' },
        },
      },
    },
    services: {
      orders: {
        path: 'services/orders',
        uses: ['orders-db'],
        config: {
          schema: {
            PORT: { type: 'port', required: true },
            DB_HOST: { type: 'host', required: true, bind: 'orders-db.host' },
            DB_PORT: { type: 'port', required: true, bind: 'orders-db.port' },
            LOG_LEVEL: { type: 'enum', values: ['debug', 'info', 'warn'], default: 'info' },
          },
          sources: [{ file: 'config/defaults.yaml' }, { file: 'config/{env}.yaml', optional: true }, { dotenv: 'deploy/{env}.env', optional: true }],
        },
      },
    },
  };
}

/** YAML text of a manifest object. */
export function manifestYaml(manifest: object): string {
  return stringify(manifest);
}

/**
 * A fleet revision built in memory (no git): the manifest and the given files. Files ending in
 * `.env` are read as dotenv, others as YAML. `untracked` lists files git would not track.
 */
export function revision(manifest: object | string, files: Record<string, string> = {}, untracked: string[] = [], label = 'test'): FleetRevision {
  const parsed = parseManifest(typeof manifest === 'string' ? manifest : manifestYaml(manifest));
  if (!parsed.manifest || parsed.findings.length) throw new Error(`test manifest is invalid: ${parsed.findings.map((f) => f.message).join('; ')}`);
  const sources = new Map<string, SourceFile>();
  for (const [path, text] of Object.entries(files)) {
    const read = readSourceFile(path, path.endsWith('.env') ? 'dotenv' : 'yaml', text, !untracked.includes(path));
    if (read.findings.length) throw new Error(`test file ${path} is invalid: ${read.findings[0]!.message}`);
    sources.set(path, read.file);
  }
  return { label, manifest: parsed.manifest, files: sources, manifestTracked: true };
}

/** A deep copy to vary a base fleet without touching it. */
export function clone<T>(value: T): T {
  return structuredClone(value);
}
