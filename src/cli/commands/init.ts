import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { draftManifest } from '../../core/init/draft-manifest.js';
import { renderDraft } from '../../core/init/render-draft.js';
import { InputError } from '../../core/input-error.js';
import { MANIFEST_FILE } from '../../core/manifest/parse-manifest.js';
import { scanRepo } from '../../engine/scan-repo.js';
import type { Command } from '../command.js';
import { withWorkingTree } from '../open-fleet.js';
import { EXIT } from '../io.js';
import { writeJson } from '../views/json.js';

/** tranche's JSON Schema, for the editor modeline. */
const SCHEMA = fileURLToPath(new URL('../../../../schema/tranche.schema.json', import.meta.url));

export const initCommand: Command = {
  name: 'init',
  usage: 'init [--fleet DIR] [--force]',
  details: `
Scans the repository (files git does not ignore): docker compose files, Kubernetes manifests,
Helm charts, kustomizations, .env files, Dockerfiles and package manifests. The services are
what the repository builds and deploys — compose services with a build:, Kubernetes workloads
whose code is in the repository — each with the source its values come from, a schema of every
key seen there (typed by its values, secrets by their names), and depends_on from compose and
from values that name another service's host. Writes tranche.yaml in DIR (default: here),
with an editor modeline for tranche's JSON Schema and comments on what to review; adds .tranche/
to .gitignore; prints what it could not infer. Refuses to replace a tranche.yaml unless --force.

Exit codes: 0 written; 2 unusable input (not a git repository, tranche.yaml exists).`,
  options: { force: { type: 'boolean', description: 'replace an existing tranche.yaml' } },
  positionals: [],
  async run(args, io) {
    const dir = resolve(io.cwd, args.fleet ?? '.');
    if (!existsSync(dir)) throw new InputError(`init: ${dir} does not exist`);
    const target = join(dir, MANIFEST_FILE);
    const scan = await withWorkingTree(dir, io, async (tree) => {
      if (existsSync(target) && args.values.force !== true) throw new InputError(`init: ${target} exists; pass --force to replace it`);
      return scanRepo(tree);
    });
    const draft = draftManifest(basename(dir), scan);
    if (scan.skipped) draft.notes.push(`${scan.skipped} YAML or .env files were not read (more than 5000): describe what they hold by hand`);
    const schemaRef = relative(dir, SCHEMA).split(sep).join('/');
    const text = renderDraft(draft, schemaRef);
    // Written whole or not at all.
    try {
      writeFileSync(`${target}.tmp`, text);
      renameSync(`${target}.tmp`, target);
    } catch (error) {
      rmSync(`${target}.tmp`, { force: true });
      throw new InputError(`cannot write ${target}: ${(error as Error).message}`);
    }
    const gitignore = addToGitignore(dir);

    if (args.json) {
      writeJson(io.stdout, {
        file: target,
        env: draft.env,
        services: draft.services.map((s) => ({ name: s.name, path: s.path, keys: s.keys.size, dependsOn: s.dependsOn })),
        gitignore,
        notes: draft.notes,
      });
      return EXIT.ok;
    }
    const names = draft.services.map((s) => s.name);
    io.stdout.write(
      `wrote ${MANIFEST_FILE}: ${names.length} service${names.length === 1 ? '' : 's'}${names.length ? ` (${names.join(', ')})` : ''} in environment ${draft.env}\n`,
    );
    if (gitignore === 'added') io.stdout.write('added .tranche/ to .gitignore\n');
    if (draft.notes.length) io.stdout.write(`not inferred:\n${draft.notes.map((n) => `  - ${n}\n`).join('')}`);
    io.stdout.write(
      `next: review ${MANIFEST_FILE}, commit it with .gitignore (tranche reads the fleet from git), then tranche validate and tranche check --env ${draft.env}\n`,
    );
    return EXIT.ok;
  },
};

/** Adds `.tranche/` (tranche's state and runtime) to DIR's .gitignore unless a line already ignores it. */
function addToGitignore(dir: string): 'added' | 'present' {
  const path = join(dir, '.gitignore');
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  if (text.split('\n').some((line) => /^\/?\.tranche\/?\s*$/.test(line))) return 'present';
  writeFileSync(path, `${text}${text && !text.endsWith('\n') ? '\n' : ''}.tranche/\n`);
  return 'added';
}
