import { benchRepo } from './bench-repo.js';

export interface GeneratedFleet {
  dir: string;
  /** The deployed commit and the release commit. */
  from: string;
  to: string;
}

const ENVS = ['dev', 'staging', 'prod'];
const RESOURCES = 20;
const TYPES = ['string', 'int', 'boolean', 'duration', 'url', 'host', 'port', 'number'] as const;

function value(type: (typeof TYPES)[number], s: number, k: number): string {
  switch (type) {
    case 'string':
      return `value-${s}-${k}`;
    case 'int':
      return String(s * 100 + k);
    case 'boolean':
      return k % 2 ? 'true' : 'false';
    case 'duration':
      return `${(k % 9) + 1}s`;
    case 'url':
      return `http://svc-${(s + k) % 1000}.internal:8080/api`;
    case 'host':
      return `host-${k}.internal`;
    case 'port':
      return String(10000 + k);
    case 'number':
      return `${k}.5`;
  }
}

const SHARED_KEYS = 500;

/**
 * What a fleet as people have it adds: every service also reads a shared root `.env` of 500 keys
 * (a fifth of them built from others with `${VAR}`), its service in one `docker-compose.yml`
 * (values interpolated from that `.env`) and its own Kubernetes Deployment and ConfigMap.
 */
export interface FleetOptions {
  services?: number;
  keys?: number;
  /** The shared `.env`, compose file and Kubernetes manifests as further sources. */
  asItIs?: boolean;
}

/**
 * A fleet of `services` services × `keys` keys × 3 environments in a git repository with two
 * commits: a release that moves one database's prod port, edits a fifth of the services' config
 * and adds keys — with a handful of real mistakes, so that the rules have work to report. As it
 * is, the release also changes one shared variable (which reaches every key built from it) and
 * some services' compose values and ConfigMaps.
 */
export function generateFleet(dir: string, { services = 1000, keys = 40, asItIs = false }: FleetOptions = {}): GeneratedFleet {
  const { write, git } = benchRepo(dir);

  const manifest = (prodPort: number) => {
    const lines = ['version: 1', 'name: bench', 'environments:', ...ENVS.map((e) => `  ${e}: { driver: local }`), 'resources:'];
    for (let r = 0; r < RESOURCES; r++) {
      lines.push(`  db-${r}:`, '    kind: postgres', '    values:');
      for (const env of ENVS)
        lines.push(`      ${env}: { host: db-${r}.${env}.internal, port: ${r === 3 && env === 'prod' ? prodPort : 5432}, database: d${r} }`);
    }
    lines.push('services:');
    for (let s = 0; s < services; s++) {
      const db = `db-${s % RESOURCES}`;
      lines.push(`  svc-${s}:`, `    path: services/svc-${s}`, `    uses: [${db}]`);
      if (s > 0 && s % 10 !== 0) lines.push(`    depends_on: [svc-${s - (s % 10)}]`);
      lines.push('    config:', '      schema:');
      lines.push(`        DB_HOST: { type: host, required: true, bind: ${db}.host }`);
      lines.push(`        DB_PORT: { type: port, required: true, bind: ${db}.port }`);
      lines.push('        REPLICA_DB_PORT: { type: port }');
      for (let k = 2; k < keys; k++) {
        const type = TYPES[k % TYPES.length]!;
        lines.push(
          `        KEY_${k}: { type: ${type}${k % 5 === 0 ? ', required: true' : ''}${k % 7 === 0 ? `, default: ${JSON.stringify(value(type, s, k))}` : ''} }`,
        );
      }
      lines.push(
        '      sources:',
        '        - file: config/defaults.yaml',
        '        - file: config/{env}.yaml',
        '        - dotenv: deploy/{env}.env',
        '          optional: true',
      );
      if (asItIs) lines.push('        - dotenv: ../../.env', '        - compose: ../../docker-compose.yml', `        - kubernetes: ../../k8s/svc-${s}.yaml`);
      if (s % 10 === 0) lines.push('      env:', `        prod: { KEY_8: prod-${s} }`);
    }
    return `${lines.join('\n')}\n`;
  };

  const configFiles = (s: number, release: boolean) => {
    const files: Record<string, string> = {};
    const defaults: string[] = [];
    for (let k = 2; k < keys; k++) {
      if (k % 4 === 1) continue;
      const type = TYPES[k % TYPES.length]!;
      const changed = release && s % 5 === 0 && k === 9;
      defaults.push(`KEY_${k}: ${changed ? `${value(type, s, k)}0` : value(type, s, k)}`);
    }
    files[`services/svc-${s}/config/defaults.yaml`] = `# defaults of svc-${s}\n${defaults.join('\n')}\n`;
    for (const env of ENVS) {
      const lines = [];
      for (let k = 5; k < keys; k += 4) lines.push(`KEY_${k}: ${value(TYPES[k % TYPES.length]!, s, k)}`);
      if (release && env === 'prod' && s % 50 === 0) lines.push(`KEY_${keys}: added-in-release`);
      // A stale literal: a few services still hard-code the database's old prod port.
      if (env === 'prod' && s % RESOURCES === 3 && s % 200 === 3) lines.push('REPLICA_DB_PORT: 5432');
      files[`services/svc-${s}/config/${env}.yaml`] = `${lines.join('\n')}\n`;
    }
    // A few services pin the old port in their prod dotenv file.
    if (s % RESOURCES === 3 && s % 100 === 23) files[`services/svc-${s}/deploy/prod.env`] = 'DB_PORT=5432\n';
    return files;
  };

  const writeRevision = (release: boolean) => {
    write('tranche.yaml', manifest(release ? 6432 : 5432));
    for (let s = 0; s < services; s++) for (const [path, text] of Object.entries(configFiles(s, release))) write(path, text);
    if (!asItIs) return;
    write('.env', sharedEnv(release));
    write('docker-compose.yml', composeFile(services, release));
    for (let s = 0; s < services; s++) write(`k8s/svc-${s}.yaml`, kubernetesManifest(s, release));
  };

  writeRevision(false);
  git('add', '-A');
  git('commit', '-q', '-m', 'deployed');
  const from = git('rev-parse', 'HEAD');

  writeRevision(true);
  git('add', '-A');
  git('commit', '-q', '-m', 'release: move db-3 in prod');
  return { dir, from, to: git('rev-parse', 'HEAD') };
}

/** The shared `.env`: a fifth of its values built from the variable before them. */
function sharedEnv(release: boolean): string {
  const lines = ['# shared by every service'];
  for (let k = 0; k < SHARED_KEYS; k++) {
    if (k % 5 === 4) lines.push(`SHARED_${k}=\${SHARED_${k - 1}}-${k}`);
    else lines.push(`SHARED_${k}=${release && k === 3 ? 'moved' : `v${k}`}`);
  }
  return `${lines.join('\n')}\n`;
}

/** One compose file for the fleet: each service's string keys interpolated from the `.env`. */
function composeFile(services: number, release: boolean): string {
  const lines = ['services:'];
  for (let s = 0; s < services; s++) {
    lines.push(`  svc-${s}:`, `    image: registry.internal/svc-${s}`, '    environment:');
    lines.push(`      KEY_16: "\${SHARED_${s % SHARED_KEYS}}-${release && s % 7 === 0 ? 'c2' : 'c'}"`);
    lines.push(`      KEY_24: \${SHARED_${(s * 3 + 4) % SHARED_KEYS}:-none}`);
  }
  return `${lines.join('\n')}\n`;
}

/** A service's Deployment and ConfigMap: one value set inline, one from the ConfigMap. */
function kubernetesManifest(s: number, release: boolean): string {
  return [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: svc-${s}`,
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: app',
    `          image: registry.internal/svc-${s}`,
    '          env:',
    '            - name: KEY_32',
    `              value: "k8s-${s}"`,
    '            - name: KEY_8',
    '              valueFrom:',
    `                configMapKeyRef: { name: svc-${s}-config, key: KEY_8 }`,
    '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    `  name: svc-${s}-config`,
    'data:',
    `  KEY_8: "${release && s % 11 === 0 ? 'cm2' : 'cm'}-${s}"`,
    '',
  ].join('\n');
}
