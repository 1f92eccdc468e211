import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { parseGoMod } from '../../../src/core/deps/parse-go-mod.js';

describe('parseGoMod', () => {
  test('requires in blocks and on single lines, // indirect, replace by a version; located', () => {
    const text = [
      'module example.com/api',
      '',
      'go 1.22',
      '',
      'require (',
      '\tgoogle.golang.org/grpc v1.63.2',
      '\tgolang.org/x/net v0.24.0 // indirect',
      ')',
      'require github.com/pkg/errors v0.9.1 // a comment, not indirect',
      'replace github.com/pkg/errors => github.com/pkg/errors v0.9.2',
      'replace example.com/local => ../local',
      'exclude (',
      '\texample.com/bad v1.0.0',
      ')',
      '',
    ].join('\n');
    const { lockfile, problems } = parseGoMod(text);
    assert.deepEqual(problems, []);
    assert.deepEqual(
      lockfile!.packages.map((p) => [p.name, p.version, p.direct, p.line]),
      [
        ['github.com/pkg/errors', 'v0.9.2', true, 9],
        ['golang.org/x/net', 'v0.24.0', false, 7],
        ['google.golang.org/grpc', 'v1.63.2', true, 6],
      ],
    );
    assert.equal(lockfile!.tracesVia, false);
  });

  test('a require that is not module and version, and an unclosed block, are located problems', () => {
    assert.deepEqual(parseGoMod('module m\nrequire (\n\tbroken\n)\n').problems, [
      { message: 'expected a require of the form: module version', line: 3, column: 2 },
    ]);
    assert.deepEqual(parseGoMod('module m\nrequire (\n\ta v1.0.0\n').problems, [{ message: 'a require ( block is not closed', line: 4, column: 1 }]);
  });

  test('property: every require written, in a block or alone, indirect or not, reads back', () => {
    const module = fc.stringMatching(/^[a-z]{1,6}\.(com|org)\/[a-z]{1,6}(\/v[2-9])?$/);
    const version = fc.tuple(fc.nat({ max: 9 }), fc.nat({ max: 30 }), fc.nat({ max: 30 })).map(([a, b, c]) => `v${a}.${b}.${c}`);
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(module, version, fc.boolean(), fc.boolean()), { selector: ([m]) => m, maxLength: 12 }), (requires) => {
        const block = requires.filter(([, , , inBlock]) => inBlock);
        const single = requires.filter(([, , , inBlock]) => !inBlock);
        const line = ([m, v, indirect]: [string, string, boolean, boolean]) => `${m} ${v}${indirect ? ' // indirect' : ''}`;
        const text = [
          'module example.com/x',
          'go 1.22',
          ...(block.length ? ['require (', ...block.map((r) => `\t${line(r)}`), ')'] : []),
          ...single.map((r) => `require ${line(r)}`),
          '',
        ].join('\n');
        const { lockfile, problems } = parseGoMod(text);
        assert.deepEqual(problems, []);
        const read = new Map(lockfile!.packages.map((p) => [p.name, [p.version, !p.direct]]));
        assert.deepEqual(read, new Map(requires.map(([m, v, indirect]) => [m, [v, indirect]])));
      }),
    );
  });
});
