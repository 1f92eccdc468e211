import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GitRepo } from '../support/git-repo.js';

/**
 * A fleet with one service per kind of config source, each setting NAME: `dot` (a dotenv file
 * over a YAML file), `cmp` (a compose service and its env_file), `k8s` (a directory of Kubernetes
 * manifests), `helm` (a Helm values file). For tests of what every reader does with hostile files.
 */
const schema = `      schema:
        NAME: { type: string, required: true }
`;
export const FORMATS_MANIFEST = `version: 1
name: formats
environments:
  dev: { driver: exec }
services:
  dot:
    path: services/dot
    exec: { deploy: [node, -e, ''] }
    config:
${schema}      sources:
        - file: config/base.yaml
        - dotenv: config/dev.env
  cmp:
    path: services/cmp
    exec: { deploy: [node, -e, ''] }
    config:
${schema}      sources:
        - compose: ../../compose.yaml
  k8s:
    path: services/k8s
    exec: { deploy: [node, -e, ''] }
    config:
${schema}      sources:
        - kubernetes: ../../k8s/dev
          workload: k8s
  helm:
    path: services/helm
    exec: { deploy: [node, -e, ''] }
    config:
${schema}      sources:
        - helm-values: ../../values.yaml
          keys: { NAME: name }
`;

export const FORMATS_FILES: Record<string, string> = {
  'tranche.yaml': FORMATS_MANIFEST,
  '.gitignore': '.tranche/\n',
  'services/dot/index.js': 'dot\n',
  'services/dot/config/dev.env': 'NAME=dot-inside\n',
  'services/dot/config/base.yaml': 'NAME: dot-base\n',
  'services/cmp/index.js': 'cmp\n',
  'services/k8s/index.js': 'k8s\n',
  'services/helm/index.js': 'helm\n',
  'shared/dev.env': 'NAME=shared-inside\n',
  'compose.yaml': 'services:\n  cmp:\n    image: cmp\n    env_file: cmp.env\n',
  'cmp.env': 'NAME=cmp-inside\n',
  'k8s/dev/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata: { name: k8s }
spec:
  template:
    spec:
      containers:
        - name: k8s
          image: k8s:1
          envFrom:
            - configMapRef: { name: k8s-config }
`,
  'k8s/dev/config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: k8s-config }\ndata: { NAME: k8s-inside }\n',
  'values.yaml': 'name: helm-inside\n',
};

/**
 * The fleet committed as v1 in a new repository (pushed to `repos` for disposal), then `change`
 * applied to its directory — files rewritten, links made — and left uncommitted or committed.
 */
export function formatsFleet(repos: GitRepo[], change: (dir: string) => void, state: 'uncommitted' | 'committed'): GitRepo {
  const repo = new GitRepo(FORMATS_FILES);
  repos.push(repo);
  repo.commit('v1');
  change(repo.dir);
  if (state === 'committed') repo.commit('changed');
  return repo;
}

/** A `change` that makes each path a symbolic link to its target (given the repository's directory). */
export function links(targets: (dir: string) => Record<string, string>): (dir: string) => void {
  return (dir) => {
    for (const [path, target] of Object.entries(targets(dir))) {
      rmSync(join(dir, path), { recursive: true, force: true });
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      symlinkSync(target, join(dir, path));
    }
  };
}
