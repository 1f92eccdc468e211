import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isLockfileName, parseLockfile } from '../../../src/core/deps/parse-lockfile.js';
import { LOCKFILE_OF, readFixture, type FixtureTool } from './lockfile-fixtures.js';

describe('parseLockfile', () => {
  test('picks the parser by file name, wherever the file is', () => {
    const cases: Array<[string, string, string]> = [
      ['services/orders/package-lock.json', readFixture('npm', 'major-bump', 'after'), 'npm'],
      ['npm-shrinkwrap.json', readFixture('npm', 'major-bump', 'after'), 'npm'],
      ['services/web/yarn.lock', readFixture('yarn-classic', 'major-bump', 'after'), 'yarn-classic'],
      ['yarn.lock', readFixture('yarn-berry', 'major-bump', 'after'), 'yarn-berry'],
      ['pnpm-lock.yaml', readFixture('pnpm', 'major-bump', 'after'), 'pnpm'],
      ['pnpm-lock.yaml', readFixture('pnpm-env', 'minor-bump', 'after'), 'pnpm'],
      ['go.sum', readFixture('go', 'transitive-only', 'after'), 'go'],
      ['services\\billing\\Cargo.lock', readFixture('cargo', 'transitive-only', 'after'), 'cargo'],
      ['requirements.txt', readFixture('pip', 'flat', 'after'), 'pip'],
    ];
    for (const [path, text, format] of cases) {
      const { lockfile, problems } = parseLockfile(path, text);
      assert.deepEqual(problems, [], path);
      assert.equal(lockfile?.format, format, path);
    }
  });

  test('passes the direct dependencies to the formats that need them', () => {
    const { lockfile } = parseLockfile('yarn.lock', readFixture('yarn-classic', 'added-removed', 'after'), ['debug@4.3.4']);
    assert.deepEqual(
      lockfile?.packages.filter((p) => p.direct).map((p) => p.name),
      ['debug'],
    );
  });

  test('an unknown file name is one problem, not a throw', () => {
    assert.deepEqual(parseLockfile('services/orders/Gemfile.lock', 'GEM\n'), {
      problems: [
        {
          message:
            'Gemfile.lock is not a lockfile tranche reads (it reads package-lock.json, npm-shrinkwrap.json, yarn.lock, pnpm-lock.yaml, go.mod, go.sum, Cargo.lock, requirements.txt)',
          line: 1,
          column: 1,
        },
      ],
    });
  });

  test('isLockfileName knows the same names', () => {
    assert.equal(isLockfileName('a/b/pnpm-lock.yaml'), true);
    assert.equal(isLockfileName('package.json'), false);
    assert.equal(isLockfileName('toString'), false);
  });

  test('malformed input of every format gives located problems and never throws', () => {
    const cases: Array<[string, string]> = [
      ['package-lock.json', '{"lockfileVersion": 3, "packages": {"": {"dependencies": {"a": "1"}},}}'],
      ['package-lock.json', '\u0000\u0001'],
      ['yarn.lock', '# yarn lockfile v1\n\n"unterminated@^1:\n  version "1"\n'],
      ['yarn.lock', '__metadata:\n  version: 8\n  - list in a map\n'],
      ['pnpm-lock.yaml', "lockfileVersion: '9.0'\nimporters: [\n"],
      ['pnpm-lock.yaml', 'just a scalar\n'],
      ['go.sum', 'golang.org/x/text\n'],
      ['Cargo.lock', '[[package]]\nname = \n'],
      ['requirements.txt', '!!!\n'],
    ];
    for (const [name, text] of cases) {
      const { lockfile, problems } = parseLockfile(name, text);
      assert.ok(problems.length > 0, `${name}: ${JSON.stringify(text)}`);
      for (const problem of problems) {
        assert.ok(problem.line >= 1 && problem.column >= 1 && problem.message.length > 0, JSON.stringify(problem));
      }
      if (name !== 'go.sum' && name !== 'requirements.txt') assert.equal(lockfile, undefined, name);
    }
  });

  test('damaged copies of real lockfiles (cut short, a byte replaced, a span dropped) never throw', () => {
    const samples: Array<[FixtureTool, string]> = [
      ['npm', 'minor-bump'],
      ['yarn-classic', 'minor-bump'],
      ['yarn-berry', 'minor-bump'],
      ['pnpm-env', 'minor-bump'],
      ['go', 'minor-bump'],
      ['cargo', 'minor-bump'],
      ['pip', 'compiled'],
    ];
    const junk = ['{', '}', '[', ']', '"', "'", ':', ',', '\n', ' ', '#', '\\', '@', '(', '=', '\u0000'];
    let seed = 7;
    const random = (below: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return Math.floor((seed / 2147483648) * below);
    };
    for (const [tool, name] of samples) {
      const text = readFixture(tool, name, 'after');
      for (let i = 0; i < 24; i++) {
        const at = random(text.length);
        const damaged = [
          text.slice(0, at),
          text.slice(0, at) + (junk[random(junk.length)] ?? '') + text.slice(at + 1),
          text.slice(0, at) + text.slice(at + 1 + random(50)),
        ][i % 3] as string;
        const { lockfile, problems } = parseLockfile(LOCKFILE_OF[tool], damaged);
        assert.ok(lockfile !== undefined || problems.length > 0);
        for (const problem of problems) assert.ok(problem.line >= 1 && problem.column >= 1, JSON.stringify(problem));
      }
    }
  });
});
