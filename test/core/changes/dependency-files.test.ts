import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { isDependencyEdit } from '../../../src/core/changes/dependency-files.js';

const pkg = (fields: Record<string, unknown>) => `${JSON.stringify({ name: 'svc', version: '1.0.0', ...fields }, null, 2)}\n`;

describe('isDependencyEdit', () => {
  test('a lockfile is always a dependency edit; an unknown file never', () => {
    for (const path of ['svc/package-lock.json', 'yarn.lock', 'svc/go.sum', 'Cargo.lock', 'svc/requirements.txt', 'poetry.lock', 'Gemfile.lock']) {
      assert.equal(isDependencyEdit(path, 'a', 'b'), true, path);
    }
    assert.equal(isDependencyEdit('svc/server.js', 'a', 'b'), false);
    assert.equal(isDependencyEdit('svc/pom.xml', 'a', 'b'), false, 'a build file tranche cannot split is code');
  });

  test('package.json: dependency fields alone are deps; scripts, main, engines are code; added, removed or broken is code', () => {
    const before = pkg({ scripts: { start: 'node .' }, dependencies: { ms: '2.1.2' } });
    assert.equal(
      isDependencyEdit(
        'a/package.json',
        before,
        pkg({ scripts: { start: 'node .' }, dependencies: { ms: '2.1.3' }, devDependencies: { tap: '1' }, overrides: { x: '1' } }),
      ),
      true,
    );
    assert.equal(isDependencyEdit('a/package.json', before, pkg({ scripts: { start: 'node --inspect .' }, dependencies: { ms: '2.1.2' } })), false);
    assert.equal(
      isDependencyEdit('a/package.json', before, pkg({ scripts: { start: 'node .' }, dependencies: { ms: '2.1.2' }, engines: { node: '>=22' } })),
      false,
    );
    assert.equal(isDependencyEdit('a/package.json', undefined, before), false);
    assert.equal(isDependencyEdit('a/package.json', before, undefined), false);
    assert.equal(isDependencyEdit('a/package.json', before, '{ "name": '), false);
  });

  test('go.mod: require, replace and exclude are deps, in blocks or not; module, go and toolchain are code', () => {
    const before = 'module example.com/svc\n\ngo 1.22\n\nrequire example.com/x v1.0.0\n';
    assert.equal(
      isDependencyEdit(
        'go.mod',
        before,
        'module example.com/svc\n\ngo 1.22\n\nrequire (\n\texample.com/x v1.2.0\n\texample.com/y v0.3.0 // indirect\n)\n\nreplace example.com/x => ../x\n',
      ),
      true,
    );
    assert.equal(isDependencyEdit('go.mod', before, before.replace('go 1.22', 'go 1.23')), false);
    assert.equal(isDependencyEdit('go.mod', before, before.replace('example.com/svc', 'example.com/svc/v2')), false);
    assert.equal(isDependencyEdit('go.mod', before, `${before}\ntoolchain go1.23.1\n`), false);
  });

  test('Cargo.toml, pyproject.toml and Pipfile: dependency tables are deps, the rest is code', () => {
    const cargo = '[package]\nname = "svc"\nversion = "0.1.0"\n\n[dependencies]\nserde = "1.0"\n';
    assert.equal(
      isDependencyEdit(
        'Cargo.toml',
        cargo,
        cargo.replace('serde = "1.0"', 'serde = "1.1"\ntokio = { version = "1", features = ["full"] }\n\n[target.\'cfg(unix)\'.dependencies]\nlibc = "0.2"'),
      ),
      true,
    );
    assert.equal(isDependencyEdit('Cargo.toml', cargo, cargo.replace('version = "0.1.0"', 'version = "0.2.0"')), false);
    assert.equal(isDependencyEdit('Cargo.toml', cargo, '[package'), false);
    const py = '[project]\nname = "svc"\ndependencies = ["requests>=2"]\n\n[tool.ruff]\nline-length = 100\n';
    assert.equal(isDependencyEdit('pyproject.toml', py, py.replace('requests>=2', 'requests>=2.31", "httpx')), true);
    assert.equal(isDependencyEdit('pyproject.toml', py, py.replace('line-length = 100', 'line-length = 120')), false);
    const pipfile = '[packages]\nflask = "*"\n\n[requires]\npython_version = "3.11"\n';
    assert.equal(isDependencyEdit('Pipfile', pipfile, pipfile.replace('flask = "*"', 'flask = "==3.0.0"')), true);
    assert.equal(isDependencyEdit('Pipfile', pipfile, pipfile.replace('3.11', '3.12')), false);
  });

  test('property: any dependency versions, any layout and key order, is deps; any other field changed is code', () => {
    const name = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
    const deps = fc.dictionary(name, fc.stringMatching(/^\^?\d{1,2}\.\d{1,2}\.\d{1,2}$/), { maxKeys: 6 });
    const other = fc.dictionary(fc.constantFrom('main', 'type', 'license', 'description'), fc.string({ maxLength: 10 }), { maxKeys: 3 });
    fc.assert(
      fc.property(other, deps, deps, fc.integer({ min: 0, max: 4 }), (fields, before, after, indent) => {
        const a = JSON.stringify({ ...fields, dependencies: before }, null, 2);
        // The same fields written in another order and layout, with other dependencies.
        const reordered = Object.fromEntries(Object.entries({ ...fields, devDependencies: after, dependencies: after }).reverse());
        assert.equal(isDependencyEdit('package.json', a, JSON.stringify(reordered, null, indent)), true);
        assert.equal(isDependencyEdit('package.json', a, JSON.stringify({ ...fields, dependencies: before, scripts: { build: 'tsc' } })), false);
      }),
    );
  });

  test('property: go.mod comments, blank lines and block layout of require never make code; a go directive change always does', () => {
    const module = fc.stringMatching(/^example\.com\/[a-z]{1,8}$/);
    const version = fc.stringMatching(/^v\d\.\d{1,2}\.\d{1,2}$/);
    const requires = fc.array(fc.tuple(module, version), { maxLength: 5 });
    fc.assert(
      fc.property(requires, requires, fc.boolean(), fc.constantFrom('1.21', '1.22', '1.23'), (before, after, block, go) => {
        const text = (reqs: [string, string][], asBlock: boolean, goVersion: string) =>
          `// the service\nmodule example.com/svc\n\ngo ${goVersion} // language version\n\n` +
          (asBlock ? `require (\n${reqs.map(([m, v]) => `\t${m} ${v} // indirect`).join('\n')}\n)\n` : reqs.map(([m, v]) => `require ${m} ${v}\n`).join(''));
        assert.equal(isDependencyEdit('go.mod', text(before, !block, '1.22'), text(after, block, '1.22')), true);
        assert.equal(isDependencyEdit('go.mod', text(before, block, '1.20'), text(before, block, go)), false);
      }),
    );
  });
});
