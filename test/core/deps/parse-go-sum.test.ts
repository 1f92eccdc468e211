import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseGoSum } from '../../../src/core/deps/parse-go-sum.js';
import { lineOf, parseFixture, pkg, readFixture } from './lockfile-fixtures.js';

describe('parseGoSum', () => {
  test('one package per module version with a code hash; /go.mod lines add none', () => {
    const after = parseFixture('go', 'minor-bump', 'after');
    const text = readFixture('go', 'minor-bump', 'after');
    assert.equal(after.format, 'go');
    assert.equal(after.tracesVia, false);
    assert.equal(text.trim().split('\n').length, 26 * 2 + 3);
    assert.equal(after.packages.length, 26);
    assert.deepEqual(pkg(after, 'github.com/gin-gonic/gin'), {
      name: 'github.com/gin-gonic/gin',
      version: 'v1.9.1',
      direct: true,
      via: [],
      line: lineOf(text, 'github.com/gin-gonic/gin v1.9.1 h1:'),
    });
  });

  test('a version seen only through its go.mod is not a package', () => {
    const after = parseFixture('go', 'minor-bump', 'after');
    assert.ok(!after.packages.some((p) => p.name === 'github.com/stretchr/testify'));
    assert.deepEqual(
      after.packages.filter((p) => p.name === 'golang.org/x/sys').map((p) => p.version),
      ['v0.8.0'],
    );
  });

  test("go.mod's direct requirements are direct; the rest is transitive with an unknown via", () => {
    const after = parseFixture('go', 'minor-bump', 'after');
    assert.deepEqual(
      after.packages.filter((p) => p.direct).map((p) => `${p.name}@${p.version}`),
      ['github.com/gin-gonic/gin@v1.9.1', 'github.com/google/uuid@v1.3.0', 'golang.org/x/exp@v0.0.0-20231006140011-7918f672742d'],
    );
    assert.deepEqual(pkg(after, 'golang.org/x/net'), {
      name: 'golang.org/x/net',
      version: 'v0.10.0',
      direct: false,
      via: [],
      line: pkg(after, 'golang.org/x/net').line,
    });
  });

  test('without the direct modules every module counts as direct', () => {
    const { lockfile } = parseGoSum(readFixture('go', 'transitive-only', 'after'));
    assert.deepEqual(
      lockfile?.packages.map((p) => p.direct),
      [true, true, true],
    );
  });

  test('malformed lines are reported at the field that is wrong, and the others are still read', () => {
    const text = [
      'golang.org/x/text v0.14.0 h1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=',
      'golang.org/x/net v0.17.0',
      'golang.org/x/sys 0.13.0 h1:Af8nKPmuFypiUBjVoU9V20FiaFXOcuZI21p0ycVYYGE=',
      'golang.org/x/mod v0.13.0 sha256:abc',
      '',
      'golang.org/x/tools v0.14.0 h1:jvNa2pY0M4r62jkRQ6RwEZZyPcymeL9XZMLBbV7U2nc= extra',
    ].join('\n');
    const { lockfile, problems } = parseGoSum(text);
    assert.deepEqual(problems, [
      { message: 'expected a line of the form: module version hash', line: 2, column: 1 },
      { message: 'expected a version starting with v, found 0.13.0', line: 3, column: 18 },
      { message: 'expected a hash of the form h1:<base64>', line: 4, column: 26 },
      { message: 'expected a line of the form: module version hash', line: 6, column: 1 },
    ]);
    assert.deepEqual(
      lockfile?.packages.map((p) => p.name),
      ['golang.org/x/text'],
    );
  });
});
