import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseNpmLock } from '../../../src/core/deps/parse-npm-lock.js';
import { ids, lineOf, parseFixture, pkg } from './lockfile-fixtures.js';

/** A lockfileVersion 3 text with the given `packages` map, pretty-printed as npm writes it. */
function lock(packages: Record<string, unknown>): string {
  return JSON.stringify({ name: 'svc', version: '1.0.0', lockfileVersion: 3, requires: true, packages }, null, 2);
}

describe('parseNpmLock on files npm wrote', () => {
  test('reads every installed package of a lockfileVersion 3 file, with the direct one marked', () => {
    const after = parseFixture('npm', 'minor-bump', 'after');
    assert.equal(after.format, 'npm');
    assert.equal(after.packages.length, 71);
    assert.deepEqual(pkg(after, 'express'), { name: 'express', version: '4.18.2', direct: true, via: [], line: 228 });
    assert.deepEqual(pkg(after, 'debug'), { name: 'debug', version: '2.6.9', direct: false, via: ['express'], line: 137 });
    assert.equal(after.packages.filter((p) => p.direct).length, 1);
    assert.ok(after.packages.every((p) => p.direct || p.via.join() === 'express'));
  });

  test('keeps a package installed at two versions (top level and nested under send) as two entries', () => {
    const after = parseFixture('npm', 'minor-bump', 'after');
    assert.deepEqual(
      after.packages.filter((p) => p.name === 'ms').map((p) => `${p.version}:${p.via.join()}:${p.line}`),
      ['2.0.0:express:487', '2.1.3:express:634'],
    );
  });

  test('reads lockfileVersion 2 the same way as 3', () => {
    const v2 = parseFixture('npm-v2', 'minor-bump', 'before');
    const v3 = parseFixture('npm', 'minor-bump', 'before');
    assert.deepEqual(ids(v2), ids(v3));
    assert.deepEqual(
      v2.packages.map((p) => [p.direct, p.via]),
      v3.packages.map((p) => [p.direct, p.via]),
    );
  });

  test('counts devDependencies as direct', () => {
    const after = parseFixture('npm', 'added-removed', 'after');
    assert.deepEqual(ids(after), ['@types/ms@0.7.34', 'debug@4.3.4', 'escape-html@1.0.3', 'ms@2.1.2']);
    assert.equal(pkg(after, '@types/ms').direct, true);
    assert.deepEqual(pkg(after, 'ms').via, ['debug']);
  });

  test('a package that stopped being a direct dependency stays, as a transitive one', () => {
    const before = parseFixture('npm', 'transitive-only', 'before');
    assert.deepEqual(pkg(before, 'ms'), { name: 'ms', version: '2.1.2', direct: false, via: ['debug'], line: 22 });
  });
});

describe('parseNpmLock resolves install paths as Node does', () => {
  const text = lock({
    '': { name: 'svc', dependencies: { a: '^1', b: '^1' }, devDependencies: { tool: '^1' } },
    'node_modules/a': { version: '1.0.0', dependencies: { c: '^1' } },
    'node_modules/b': { version: '1.0.0', dependencies: { c: '^2', d: '^1' } },
    'node_modules/b/node_modules/c': { version: '2.0.0' },
    'node_modules/b/node_modules/d': { version: '1.0.0', dependencies: { c: '^2' } },
    'node_modules/c': { version: '1.0.0' },
    'node_modules/tool': { version: '1.0.0', dev: true, dependencies: { '@scope/util': '^3' } },
    'node_modules/@scope/util': { version: '3.1.0', dev: true },
    'node_modules/orphan': { version: '0.1.0', extraneous: true },
  });

  test('a nested package belongs to the direct dependency whose folder holds it', () => {
    const { lockfile, problems } = parseNpmLock(text);
    assert.deepEqual(problems, []);
    assert.ok(lockfile);
    assert.deepEqual(pkg(lockfile, 'c', '1.0.0').via, ['a']);
    assert.deepEqual(pkg(lockfile, 'c', '2.0.0').via, ['b']);
    assert.deepEqual(pkg(lockfile, 'd').via, ['b']);
    assert.deepEqual(pkg(lockfile, '@scope/util').via, ['tool']);
    const line = lineOf(text, '"node_modules/orphan"');
    assert.deepEqual(pkg(lockfile, 'orphan'), { name: 'orphan', version: '0.1.0', direct: false, via: [], line });
  });

  test('workspace folders are the project: their dependencies are direct, their links are not packages', () => {
    const { lockfile, problems } = parseNpmLock(
      lock({
        '': { name: 'root', workspaces: ['packages/*'], dependencies: { left: '^1' } },
        'node_modules/api': { resolved: 'packages/api', link: true },
        'node_modules/left': { version: '1.2.0' },
        'node_modules/right': { version: '2.0.0', dependencies: { left: '^1' } },
        'packages/api': { name: 'api', version: '0.0.1', dependencies: { left: '~1.0.0', right: '^2' } },
        'packages/api/node_modules/left': { version: '1.0.0' },
      }),
    );
    assert.deepEqual(problems, []);
    assert.deepEqual(
      lockfile?.packages.map((p) => `${p.name}@${p.version}:${p.direct ? 'direct' : p.via.join()}`),
      ['left@1.0.0:direct', 'left@1.2.0:direct', 'right@2.0.0:direct'],
    );
  });
});

describe('parseNpmLock problems', () => {
  test('invalid JSON is reported at its line and column', () => {
    const { lockfile, problems } = parseNpmLock('{\n  "lockfileVersion": 3,\n  "packages": {\n    "": {}\n    "node_modules/a": {}\n  }\n}\n');
    assert.equal(lockfile, undefined);
    assert.deepEqual(problems, [{ message: "invalid JSON: expected ',' or '}', found '\"'", line: 5, column: 5 }]);
  });

  test('a truncated file is reported at its end', () => {
    const { problems } = parseNpmLock('{\n  "lockfileVersion": 3,\n  "packages": {\n');
    assert.deepEqual(problems, [{ message: 'invalid JSON: expected a property name in double quotes, found the end of the file', line: 4, column: 1 }]);
  });

  test('a lockfileVersion 1 file asks to be regenerated, at the version', () => {
    const { problems } = parseNpmLock('{\n  "name": "svc",\n  "lockfileVersion": 1,\n  "dependencies": {}\n}\n');
    assert.deepEqual(problems, [{ message: 'lockfileVersion 1 has no "packages" map: regenerate the lockfile with npm 7 or later', line: 3, column: 3 }]);
  });

  test('an entry without a version is reported at its key and the rest is still read', () => {
    const text = lock({ '': { dependencies: { a: '1', b: '1' } }, 'node_modules/a': { version: '1.0.0' }, 'node_modules/b': { resolved: 'x' } });
    const { lockfile, problems } = parseNpmLock(text);
    assert.deepEqual(problems, [{ message: 'package entry "node_modules/b" has no version', line: lineOf(text, '"node_modules/b"'), column: 5 }]);
    assert.deepEqual(ids(lockfile ?? { format: 'npm', packages: [], tracesVia: true }), ['a@1.0.0']);
  });

  test('a top level that is not an object is a problem, not a throw', () => {
    assert.deepEqual(parseNpmLock('[1, 2]').problems, [{ message: 'expected a JSON object at the top level', line: 1, column: 1 }]);
    assert.deepEqual(parseNpmLock('').problems, [{ message: 'invalid JSON: expected a value, found the end of the file', line: 1, column: 1 }]);
  });
});
