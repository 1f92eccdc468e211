import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePnpmLock } from '../../../src/core/deps/parse-pnpm-lock.js';
import { ids, parseFixture, pkg } from './lockfile-fixtures.js';

/** A pnpm 9 lockfile around the given importers and snapshots sections. */
function lock(body: string): string {
  return `lockfileVersion: '9.0'\n\nsettings:\n  autoInstallPeers: true\n  excludeLinksFromLockfile: false\n\n${body}`;
}

describe('parsePnpmLock on files pnpm wrote', () => {
  test('reads every snapshot, with the importer giving the direct ones', () => {
    const after = parseFixture('pnpm', 'minor-bump', 'after');
    assert.equal(after.format, 'pnpm');
    assert.equal(after.packages.length, 71);
    assert.deepEqual(pkg(after, 'express'), { name: 'express', version: '4.18.2', direct: true, via: [], line: 375 });
    assert.deepEqual(pkg(after, 'debug'), { name: 'debug', version: '2.6.9', direct: false, via: ['express'], line: 345 });
    assert.deepEqual(
      after.packages.filter((p) => p.name === 'ms').map((p) => `${p.version}@${p.line}`),
      ['2.0.0@492', '2.1.3@494'],
    );
  });

  test('reads the same packages as yarn for the same project', () => {
    for (const name of ['minor-bump', 'major-bump', 'transitive-only', 'added-removed']) {
      for (const state of ['before', 'after'] as const) {
        const pnpm = parseFixture('pnpm', name, state);
        const yarn = parseFixture('yarn-classic', name, state);
        assert.deepEqual(
          pnpm.packages.map(({ line: _, ...rest }) => rest),
          yarn.packages.map(({ line: _, ...rest }) => rest),
          `${name}/${state}`,
        );
      }
    }
  });

  test('devDependencies of the importer are direct', () => {
    const after = parseFixture('pnpm', 'added-removed', 'after');
    assert.deepEqual(
      after.packages.filter((p) => p.direct).map((p) => p.name),
      ['@types/ms', 'debug', 'escape-html'],
    );
  });

  test('with an env document first, the project is the last document and config dependencies are not its packages', () => {
    const withEnv = parseFixture('pnpm-env', 'minor-bump', 'after');
    const plain = parseFixture('pnpm', 'minor-bump', 'after');
    assert.deepEqual(
      withEnv.packages.map(({ line: _, ...rest }) => rest),
      plain.packages.map(({ line: _, ...rest }) => rest),
    );
    assert.equal(pkg(withEnv, 'express').line, 396);
    // escape-html is the config dependency of the env document, and also one of express's own dependencies
    assert.deepEqual(pkg(withEnv, 'escape-html').via, ['express']);
    const before = parseFixture('pnpm-env', 'minor-bump', 'before');
    assert.equal(before.packages.length, 52);
  });
});

describe('parsePnpmLock reads what pnpm writes for peers, aliases and workspaces', () => {
  test('peer variants of one version are one package; an alias resolves to the real entry; links are not packages', () => {
    const text = lock(`importers:

  .:
    dependencies:
      react:
        specifier: ^18.2.0
        version: 18.2.0
      ui-kit:
        specifier: ^1.0.0
        version: 1.0.0(react@18.2.0)
      legacy:
        specifier: npm:old-legacy@^2
        version: old-legacy@2.0.1
      shared:
        specifier: workspace:*
        version: link:../shared

  ../shared:
    devDependencies:
      '@scope/tool':
        specifier: 3.0.0
        version: 3.0.0

packages:

  '@scope/tool@3.0.0':
    resolution: {integrity: sha512-x}

snapshots:

  '@scope/tool@3.0.0': {}

  loose-envify@1.4.0: {}

  old-legacy@2.0.1: {}

  react@18.2.0:
    dependencies:
      loose-envify: 1.4.0

  ui-kit@1.0.0(react@18.2.0):
    dependencies:
      react: 18.2.0

  ui-kit@1.0.0(react@18.3.0): {}
`);
    const { lockfile, problems } = parsePnpmLock(text);
    assert.deepEqual(problems, []);
    assert.ok(lockfile);
    const at = (line: string): number => text.split('\n').indexOf(`  ${line}`) + 1;
    assert.deepEqual(
      lockfile.packages.map((p) => `${p.name}@${p.version}:${p.direct ? 'direct' : p.via.join()}:${p.line}`),
      [
        `@scope/tool@3.0.0:direct:${at("'@scope/tool@3.0.0': {}")}`,
        `loose-envify@1.4.0:react,ui-kit:${at('loose-envify@1.4.0: {}')}`,
        `old-legacy@2.0.1:direct:${at('old-legacy@2.0.1: {}')}`,
        `react@18.2.0:direct:${at('react@18.2.0:')}`,
        `ui-kit@1.0.0:direct:${at('ui-kit@1.0.0(react@18.2.0):')}`,
      ],
    );
  });
});

describe('parsePnpmLock problems', () => {
  test('a YAML error is reported at its position', () => {
    const { lockfile, problems } = parsePnpmLock("lockfileVersion: '9.0'\nimporters:\n  .:\n    dependencies: {ms: {version: 2.1.3}\n");
    assert.equal(lockfile, undefined);
    assert.deepEqual(problems, [{ message: 'YAML syntax error (BAD_INDENT): wrong indentation, or an unclosed [ or {', line: 5, column: 1 }]);
  });

  test('an older lockfileVersion asks to be regenerated, at the version', () => {
    const { problems } = parsePnpmLock("# old\nlockfileVersion: '6.0'\n\ndependencies:\n  ms:\n    specifier: 2.1.3\n    version: 2.1.3\n");
    assert.deepEqual(problems, [{ message: "pnpm lockfileVersion '6.0' is not supported: regenerate the lockfile with pnpm 9 or later", line: 2, column: 1 }]);
  });

  test('an empty file is a problem', () => {
    assert.deepEqual(parsePnpmLock('').problems, [{ message: 'the lockfile is empty', line: 1, column: 1 }]);
  });

  test('an importer dependency without a version is reported at its key', () => {
    const { lockfile, problems } = parsePnpmLock(lock('importers:\n\n  .:\n    dependencies:\n      ms:\n        specifier: ^2\n'));
    assert.deepEqual(problems, [{ message: 'importer .: dependencies.ms has no version', line: 11, column: 7 }]);
    assert.deepEqual(ids(lockfile ?? { format: 'pnpm', packages: [], tracesVia: true }), []);
  });

  test('a key repeated by a bad merge is reported at the repetition, with the first one', () => {
    const text = lock(
      'importers:\n\n  .:\n    dependencies:\n      ms:\n        specifier: ^2\n        version: 2.1.3\n\nsnapshots:\n\n  ms@2.1.3: {}\n\n  ms@2.1.3: {}\n',
    );
    assert.deepEqual(parsePnpmLock(text), {
      problems: [{ message: 'duplicate key ms@2.1.3 in snapshots (first at line 17)', line: 19, column: 3 }],
    });
  });
});
