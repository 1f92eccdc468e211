import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parseDocument, visit } from 'yaml';

/**
 * docker-compose 1.29's `config` on a project directory: the oracle of the compose tests
 * (.ci/run installs Debian's docker-compose). It prints YAML 1.1 (PyYAML): a plain scalar it
 * leaves unquoted is a string there even where YAML 1.2 would read a number (080, 1.50), so
 * plain scalars are taken as written; a plain null is a key with no value.
 */
export function dockerComposeConfig(dir: string, files: readonly string[] = []): unknown {
  const args = [...files.flatMap((f) => ['-f', f]), 'config'];
  const out = spawnSync('docker-compose', args, { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
  assert.equal(out.status, 0, out.error?.message ?? out.stderr);
  const doc = parseDocument(out.stdout);
  visit(doc, {
    Scalar(_, node) {
      if (node.type === 'PLAIN' && node.value !== null && typeof node.value !== 'string') node.value = node.source;
    },
  });
  return doc.toJS();
}
