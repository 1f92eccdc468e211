import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { diffLockfiles } from '../../../src/core/deps/diff-lockfiles.js';
import { JS_TOOLS, parseFixture, summary, type FixtureTool } from './lockfile-fixtures.js';

function diffFixture(tool: FixtureTool, name: string, direct?: { before?: string[]; after?: string[] }): string[] {
  const before = direct ? parseFixture(tool, name, 'before', direct.before) : parseFixture(tool, name, 'before');
  const after = direct ? parseFixture(tool, name, 'after', direct.after) : parseFixture(tool, name, 'after');
  return diffLockfiles(before, after).map(summary);
}

/** yarn classic, yarn berry, pnpm 9 and pnpm 12 agree on this one; npm dedupes two packages differently. */
const EXPRESS_MINOR_BUMP = [
  'added async-function -→1.0.0 - via:express explained',
  'added async-generator-function -→1.0.0 - via:express explained',
  'changed body-parser 1.19.0→1.20.1 minor via:express explained',
  'changed bytes 3.1.0→3.1.2 patch via:express explained',
  'added call-bind-apply-helpers -→1.0.2 - via:express explained',
  'added call-bound -→1.0.4 - via:express explained',
  'changed content-disposition 0.5.3→0.5.4 patch via:express explained',
  'changed cookie 0.4.0→0.5.0 minor via:express explained',
  'changed depd 1.1.2→2.0.0 major via:express explained',
  'changed destroy 1.0.4→1.2.0 minor via:express explained',
  'added dunder-proto -→1.0.1 - via:express explained',
  'added es-define-property -→1.0.1 - via:express explained',
  'added es-errors -→1.3.0 - via:express explained',
  'added es-object-atoms -→1.1.2 - via:express explained',
  'changed express 4.17.1→4.18.2 minor direct explained',
  'changed finalhandler 1.1.2→1.2.0 minor via:express explained',
  'added function-bind -→1.1.2 - via:express explained',
  'added generator-function -→2.0.1 - via:express explained',
  'added get-intrinsic -→1.3.1 - via:express explained',
  'added get-proto -→1.0.1 - via:express explained',
  'added gopd -→1.2.0 - via:express explained',
  'added has-symbols -→1.1.0 - via:express explained',
  'added hasown -→2.0.4 - via:express explained',
  'removed http-errors 1.7.2→- - via:express explained',
  'changed http-errors 1.7.3→2.0.0 major via:express explained',
  'removed inherits 2.0.3→- - via:express explained',
  'added math-intrinsics -→1.1.0 - via:express explained',
  'changed ms 2.1.1→2.1.3 patch via:express explained',
  'added object-inspect -→1.14.0 - via:express explained',
  'changed on-finished 2.3.0→2.4.1 minor via:express explained',
  'changed qs 6.7.0→6.11.0 minor via:express explained',
  'changed raw-body 2.4.0→2.5.1 minor via:express explained',
  'changed safe-buffer 5.1.2→5.2.1 minor via:express explained',
  'changed send 0.17.1→0.18.0 minor via:express explained',
  'changed serve-static 1.14.1→1.15.0 minor via:express explained',
  'changed setprototypeof 1.1.1→1.2.0 minor via:express explained',
  'added side-channel -→1.1.1 - via:express explained',
  'added side-channel-list -→1.0.1 - via:express explained',
  'added side-channel-map -→1.0.1 - via:express explained',
  'added side-channel-weakmap -→1.0.2 - via:express explained',
  'changed statuses 1.5.0→2.0.1 major via:express explained',
  'changed toidentifier 1.0.0→1.0.1 patch via:express explained',
];

describe('diffLockfiles on the real lockfiles of each package manager', () => {
  for (const tool of JS_TOOLS) {
    describe(tool, () => {
      test('a minor bump of a direct dependency moves its transitive packages, all explained by it', () => {
        const expected =
          tool === 'npm'
            ? EXPRESS_MINOR_BUMP.filter((line) => !/ (http-errors|inherits) /.test(line)).concat([
                'changed http-errors 1.7.2→2.0.0 major via:express explained',
                'changed inherits 2.0.3→2.0.4 patch via:express explained',
              ])
            : EXPRESS_MINOR_BUMP;
        assert.deepEqual(diffFixture(tool, 'minor-bump').sort(), [...expected].sort());
      });

      test('a major bump is classed major; the dependencies it dropped are removed, explained', () => {
        assert.deepEqual(diffFixture(tool, 'major-bump'), [
          'removed ansi-styles 4.3.0→- - via:chalk explained',
          'changed chalk 4.1.2→5.3.0 major direct explained',
          'removed color-convert 2.0.1→- - via:chalk explained',
          'removed color-name 1.1.4→- - via:chalk explained',
          'removed has-flag 4.0.0→- - via:chalk explained',
          'removed supports-color 7.2.0→- - via:chalk explained',
        ]);
      });

      test('a transitive package re-resolved under an unchanged direct range is unexplained', () => {
        assert.deepEqual(diffFixture(tool, 'transitive-only'), ['changed ms 2.1.2→2.1.3 patch via:debug unexplained']);
      });

      test('added and removed direct dependencies, and the removed one takes its dependencies along', () => {
        assert.deepEqual(diffFixture(tool, 'added-removed'), [
          'added @types/ms -→0.7.34 - direct explained',
          'removed ansi-styles 4.3.0→- - via:chalk explained',
          'removed chalk 4.1.2→- - direct explained',
          'removed color-convert 2.0.1→- - via:chalk explained',
          'removed color-name 1.1.4→- - via:chalk explained',
          'added escape-html -→1.0.3 - direct explained',
          'removed has-flag 4.0.0→- - via:chalk explained',
          'removed supports-color 7.2.0→- - via:chalk explained',
        ]);
      });
    });
  }

  test('pnpm 12 with an env document diffs like pnpm 9, and npm lockfileVersion 2 like 3', () => {
    assert.deepEqual(diffFixture('pnpm-env', 'minor-bump'), EXPRESS_MINOR_BUMP);
    assert.deepEqual(diffFixture('npm-v2', 'minor-bump'), diffFixture('npm', 'minor-bump'));
  });

  test('changes carry the line of the package in the lockfile after (before, for a removal)', () => {
    const before = parseFixture('npm', 'major-bump', 'before');
    const after = parseFixture('npm', 'major-bump', 'after');
    const lines = diffLockfiles(before, after).map((change) => `${change.name}:${change.line}`);
    assert.deepEqual(lines, ['ansi-styles:15', 'chalk:15', 'color-convert:44', 'color-name:55', 'has-flag:76', 'supports-color:89']);
  });
});

describe('diffLockfiles on go.sum, Cargo.lock and requirements.txt', () => {
  test('go: a direct bump and a pseudo-version move; go.sum traces no via, so the direct bump explains the rest', () => {
    assert.deepEqual(diffFixture('go', 'minor-bump'), [
      'changed github.com/gin-gonic/gin v1.9.0→v1.9.1 patch direct explained',
      'changed github.com/go-playground/validator/v10 v10.11.2→v10.14.0 minor via: explained',
      'changed github.com/pelletier/go-toml/v2 v2.0.6→v2.0.8 patch via: explained',
      'changed github.com/ugorji/go/codec v1.2.9→v1.2.11 patch via: explained',
      'changed golang.org/x/crypto v0.5.0→v0.9.0 minor via: explained',
      'changed golang.org/x/exp v0.0.0-20230713183714-613f0c0eb8a1→v0.0.0-20231006140011-7918f672742d other direct explained',
      'changed golang.org/x/net v0.7.0→v0.10.0 minor via: explained',
      'changed golang.org/x/sys v0.5.0→v0.8.0 minor via: explained',
      'changed golang.org/x/text v0.7.0→v0.9.0 minor via: explained',
    ]);
  });

  test('go: an indirect module moving while no direct one does is unexplained', () => {
    assert.deepEqual(diffFixture('go', 'transitive-only'), ['changed golang.org/x/text v0.13.0→v0.14.0 minor via: unexplained']);
  });

  test('cargo: a minor bump of tokio explains what moved under it, including a crate other roots share', () => {
    assert.deepEqual(diffFixture('cargo', 'minor-bump'), [
      'changed libc 0.2.149→0.2.151 patch via:tokio explained',
      'changed mio 0.8.8→0.8.10 patch via:tokio explained',
      'changed proc-macro2 1.0.69→1.0.70 patch via:serde,serde_json,static_assertions_derive,tokio explained',
      'changed socket2 0.5.4→0.5.5 patch via:tokio explained',
      'changed syn 2.0.38→2.0.41 patch via:serde,serde_json,tokio explained',
      'changed tokio 1.33.0→1.35.1 minor direct explained',
      'changed tokio-macros 2.1.0→2.2.0 minor via:tokio explained',
    ]);
  });

  test('cargo: `cargo update -p` of a shared transitive crate is unexplained', () => {
    assert.deepEqual(diffFixture('cargo', 'transitive-only'), [
      'changed proc-macro2 1.0.70→1.0.71 patch via:serde,serde_json,static_assertions_derive,tokio unexplained',
    ]);
  });

  test('pip-compile: the flask major explains its own dependencies, not what moved under an unchanged requests', () => {
    assert.deepEqual(diffFixture('pip', 'compiled'), [
      'changed blinker 1.6.3→1.7.0 minor via:flask explained',
      'changed certifi 2023.7.22→2023.11.17 minor via:requests unexplained',
      'changed flask 2.3.3→3.0.0 major direct explained',
      'changed urllib3 2.0.6→2.0.7 patch via:requests unexplained',
      'changed werkzeug 2.3.7→3.0.1 major via:flask explained',
    ]);
  });

  test('a flat requirements.txt: a direct patch', () => {
    assert.deepEqual(diffFixture('pip', 'flat'), ['changed django 4.2.6→4.2.7 patch direct explained']);
  });
});
