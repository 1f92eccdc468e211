import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { dockerComposeConfig } from '../../support/compose-oracle.js';
import { evaluateTemplate, isTemplateError, parseTemplate, type Template } from '../../../src/core/config/template.js';

const vars: Record<string, string> = { CART_PORT: '7070', EMPTY: '', HOST: 'cart', B: 'inner' };
const lookup = (env: Record<string, string>) => (name: string) => (Object.hasOwn(env, name) ? { value: env[name]!, origin: name } : undefined);

interface Outcome {
  value?: string;
  undefined?: string[];
  errors?: string[];
  error?: string;
  offset?: number;
}

function run(text: string, env = vars, strict = true): Outcome {
  const template = parseTemplate(text, strict);
  if (template === undefined) return { value: text };
  if (isTemplateError(template)) return { error: template.message, offset: template.offset };
  const result = evaluateTemplate(template, lookup(env));
  return {
    value: result.value,
    ...(result.undefined.length ? { undefined: result.undefined.map((u) => u.name) } : {}),
    ...(result.errors.length ? { errors: result.errors.map((e) => e.message) } : {}),
  };
}

describe('templates with docker compose semantics', () => {
  const cases: [string, Outcome][] = [
    ['no reference', { value: 'no reference' }],
    ['cart:${CART_PORT}', { value: 'cart:7070' }],
    ['$HOST:$CART_PORT/x', { value: 'cart:7070/x' }],
    ['${MISSING:-dflt}', { value: 'dflt' }],
    ['${EMPTY:-dflt}', { value: 'dflt' }],
    ['${EMPTY-dflt}', { value: '' }],
    ['${MISSING-dflt}', { value: 'dflt' }],
    ['${CART_PORT:-a:b}', { value: '7070' }],
    ['${A-B-C}', { value: 'B-C' }],
    ['$$literal $${NOT}', { value: '$literal ${NOT}' }],
    ['a$$$CART_PORT', { value: 'a$7070' }],
    ['${MISSING:-${B:-z}}', { value: 'inner' }],
    ['${MISSING:-${ALSO_MISSING:-z}}!', { value: 'z!' }],
    ['${CART_PORT:+set}', { value: 'set' }],
    ['${EMPTY:+set}', { value: '' }],
    ['${EMPTY+set}', { value: 'set' }],
    ['${MISSING}', { value: '', undefined: ['MISSING'] }],
    ['${CART_PORT?missing}', { value: '7070' }],
    ['${MISSING?boom}', { value: '', errors: ['boom'] }],
    ['${EMPTY:?boom2}', { value: '', errors: ['boom2'] }],
    ['${MISSING:?}', { value: '', errors: ['MISSING is required'] }],
  ];
  for (const [text, expected] of cases) {
    test(`${text} → ${JSON.stringify(expected)}`, () => assert.deepEqual(run(text), expected));
  }

  test('strict (compose files): a "$" that starts no reference is an error, at its offset', () => {
    for (const [text, offset] of [
      ['a$ b', 1],
      ['a$1', 1],
      ['x${}', 1],
      ['x${A', 1],
      ['x$-', 1],
      ['${ A}', 0],
      ['${A }', 3],
      ['end$', 3],
    ] as const) {
      const result = run(text);
      assert.ok('error' in result, text);
      assert.equal(result.offset, offset, text);
    }
  });

  test('lenient (env files): such a "$" stays as written', () => {
    for (const text of ['a$ b', 'a$1', 'x${}', 'x${A', 'pa$$word', 'end$']) assert.equal(run(text, vars, false).value, text.replace('$$', '$'), text);
    assert.equal(run('p@ss$CART_PORT${EMPTY:-!}', vars, false).value, 'p@ss7070!');
  });

  test('it says which variables a value was built from, and from where', () => {
    const template = parseTemplate('${HOST}:${MISSING:-${CART_PORT}}', true) as Template;
    const result = evaluateTemplate(template, lookup(vars));
    assert.deepEqual(
      result.used.map((u) => [u.name, u.origin ?? null, u.offset]),
      [
        ['HOST', 'HOST', 0],
        ['MISSING', null, 8],
        ['CART_PORT', 'CART_PORT', 19],
      ],
    );
  });
});

// The oracle: docker-compose 1.29 resolving a compose file against its project .env, on the
// grammar both it and the specification share (no nesting, no :+ / +, no ? forms).
describe('templates against docker-compose config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tranche-compose-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const compose = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });

  test("docker-compose is installed (the oracle; .ci/run installs Debian's docker-compose)", () => {
    assert.equal(compose.status, 0, `docker-compose version failed: ${compose.error?.message ?? compose.stderr}`);
  });

  const NAMES = ['ALPHA', 'BETA', 'GAMMA', 'EMPTY_ONE', 'UNSET_ONE', 'UNSET_TWO'];
  const literal = fc.stringMatching(/^[a-z0-9:/._ -]{0,6}$/);
  const name = fc.constantFrom(...NAMES);
  const piece = fc.oneof(
    literal,
    name.map((n) => `\${${n}}`),
    name.map((n) => `$${n}`),
    fc.tuple(name, fc.constantFrom(':-', '-'), literal).map(([n, op, d]) => `\${${n}${op}${d}}`),
    fc.constant('$$'),
  );
  const value = fc.array(piece, { minLength: 1, maxLength: 5 }).map((p) => p.join(''));
  const envFile = fc.record({
    ALPHA: fc.stringMatching(/^[a-z0-9.:]{1,6}$/),
    BETA: fc.stringMatching(/^[a-z0-9.:]{1,6}$/),
    GAMMA: fc.stringMatching(/^[a-z0-9]{0,3}$/),
  });

  test('property: every value resolves as docker-compose config resolves it', () => {
    fc.assert(
      fc.property(envFile, fc.array(value, { minLength: 20, maxLength: 20 }), (env, values) => {
        // A name followed by a name character would be read as a longer name: keep them apart.
        const safe = values.map((v) => v.replace(/(\$[A-Z_]+)(?=[a-z0-9_])/g, '$1/'));
        const project = { ...env, EMPTY_ONE: '' };
        writeFileSync(
          join(dir, '.env'),
          `${Object.entries(project)
            .map(([k, v]) => `${k}=${v}`)
            .join('\n')}\n`,
        );
        const environment = Object.fromEntries(safe.map((v, i) => [`K${i}`, v]));
        writeFileSync(join(dir, 'docker-compose.yml'), JSON.stringify({ version: '3.8', services: { web: { image: 'x', environment } } }));
        const resolved = (dockerComposeConfig(dir) as { services: { web: { environment: Record<string, string> } } }).services.web.environment;
        safe.forEach((v, i) => {
          const ours = run(v, project);
          // docker-compose config writes a literal "$" as "$$".
          const theirs = String(resolved[`K${i}`] ?? '').replaceAll('$$', '$');
          assert.equal(ours.value, theirs, `${JSON.stringify(v)} with ${JSON.stringify(project)}`);
        });
      }),
      { numRuns: 12, examples: [[{ ALPHA: '080', BETA: '1.50', GAMMA: '' }, Array.from({ length: 20 }, (_, i) => (i % 2 ? '${ALPHA}' : '$BETA'))]] },
    );
  });
});
