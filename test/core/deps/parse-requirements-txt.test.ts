import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequirementsTxt } from '../../../src/core/deps/parse-requirements-txt.js';
import { parseFixture, pkg } from './lockfile-fixtures.js';

describe('parseRequirementsTxt', () => {
  test("pip-compile's # via annotations give direct packages and via", () => {
    const after = parseFixture('pip', 'compiled', 'after');
    assert.equal(after.format, 'pip');
    assert.equal(after.tracesVia, true);
    assert.equal(after.packages.length, 14);
    assert.deepEqual(
      after.packages.filter((p) => p.direct).map((p) => p.name),
      ['flask', 'gunicorn', 'requests'],
    );
    assert.deepEqual(pkg(after, 'flask'), { name: 'flask', version: '3.0.0', direct: true, via: [], line: 15 });
    assert.deepEqual(pkg(after, 'urllib3'), { name: 'urllib3', version: '2.0.7', direct: false, via: ['requests'], line: 33 });
    // markupsafe is reached through jinja2 and werkzeug, both pulled in by flask
    assert.deepEqual(pkg(after, 'markupsafe').via, ['flask']);
    assert.deepEqual(pkg(after, 'packaging').via, ['gunicorn']);
  });

  test('a hand-kept file: options, comments, markers, extras and hash continuations are tolerated; unpinned lines skipped', () => {
    const after = parseFixture('pip', 'flat', 'after');
    assert.equal(after.tracesVia, false);
    assert.deepEqual(
      after.packages.map((p) => `${p.name}@${p.version}:${p.line}`),
      [
        'asgiref@3.7.2:9',
        'celery@5.3.4:13',
        'django@4.2.7:5',
        'django-environ@0.11.2:6',
        'psycopg2-binary@2.9.9:7',
        'sqlparse@0.4.4:8',
        'typing-extensions@4.8.0:12',
      ],
    );
    assert.ok(after.packages.every((p) => p.direct));
  });

  test('direct names, normalised, make the other pinned packages transitive', () => {
    const after = parseFixture('pip', 'flat', 'after', ['Django', 'Celery']);
    assert.deepEqual(
      after.packages.filter((p) => p.direct).map((p) => p.name),
      ['celery', 'django'],
    );
    assert.deepEqual(pkg(after, 'sqlparse').via, []);
  });

  test("pip-compile's one-line annotation style reads the same", () => {
    const text = [
      'flask==3.0.0  # via -r requirements.in',
      'jinja2==3.1.2  # via flask',
      'markupsafe==2.1.3  # via jinja2, werkzeug',
      'werkzeug==3.0.1  # via flask',
      'gunicorn==21.2.0  # via -r requirements.in',
    ].join('\n');
    const { lockfile } = parseRequirementsTxt(text);
    assert.equal(lockfile?.tracesVia, true);
    assert.deepEqual(
      lockfile?.packages.map((p) => `${p.name}:${p.direct ? 'direct' : p.via.join()}`),
      ['flask:direct', 'gunicorn:direct', 'jinja2:flask', 'markupsafe:flask', 'werkzeug:flask'],
    );
  });

  test('names are compared as PyPI does, and === pins too', () => {
    const { lockfile } = parseRequirementsTxt('Typing_Extensions===4.8.0\nzope.interface == 6.1\n');
    assert.deepEqual(
      lockfile?.packages.map((p) => `${p.name}@${p.version}`),
      ['typing-extensions@4.8.0', 'zope-interface@6.1'],
    );
  });

  test('bad lines are reported at their first character', () => {
    const { lockfile, problems } = parseRequirementsTxt('requests==2.31.0\n  ==1.0\nflask==\nurllib3==2.0.7\nurllib3==2.0.6\n');
    assert.deepEqual(problems, [
      { message: 'expected a requirement such as name==1.2.3', line: 2, column: 3 },
      { message: 'expected a single version after == for flask', line: 3, column: 1 },
      { message: 'urllib3 is pinned to 2.0.7 at line 4 and to 2.0.6 here', line: 5, column: 1 },
    ]);
    assert.deepEqual(
      lockfile?.packages.map((p) => `${p.name}@${p.version}`),
      ['requests@2.31.0', 'urllib3@2.0.7'],
    );
  });
});
