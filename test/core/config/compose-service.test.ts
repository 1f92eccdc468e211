import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { dockerComposeConfig } from '../../support/compose-oracle.js';
import { stringify } from 'yaml';
import { composeEntries, readComposeService, type ReadFile } from '../../../src/core/config/compose-service.js';

const file = (path: string, text: string, tracked = true): ReadFile => ({ path, text, tracked });

/** The environment compose gives `service`: the last entry per key wins, as in a SourceFile. */
function environment(files: ReadFile[], projectEnv: ReadFile | undefined, service: string, envFiles: ReadFile[] = []) {
  const read = readComposeService(files, projectEnv, service);
  const { entries, findings } = composeEntries(read, new Map(envFiles.map((f) => [f.path, f])));
  const values: Record<string, string> = {};
  for (const e of entries) values[e.key] = String(e.value);
  return { values, entries, findings: [...read.findings, ...findings] };
}

describe('compose services', () => {
  test('environment (map and list) over env files, interpolated against the project .env, each value located', () => {
    const compose = file(
      'deploy/docker-compose.yml',
      'services:\n  cart:\n    env_file: [common.env, ./cart.env]\n    environment:\n      PORT: ${CART_PORT}\n      DEBUG: false\n      FROM_SHELL:\n  front:\n    environment:\n      - CART_ADDR=cart:${CART_PORT:-80}\n      - LONE\n',
    );
    const env = file('deploy/.env', 'CART_PORT=7070\n');
    const cart = environment([compose], env, 'cart', [
      file('deploy/common.env', 'LOG_LEVEL=info\nPORT=1\n'),
      file('deploy/cart.env', "GREETING='${NOT_A_REF}'\n", false),
    ]);
    assert.deepEqual(cart.findings, []);
    assert.deepEqual(cart.values, { LOG_LEVEL: 'info', PORT: '7070', GREETING: '${NOT_A_REF}', DEBUG: 'false' });
    const port = cart.entries.filter((e) => e.key === 'PORT').at(-1)!;
    assert.deepEqual([port.file, port.line, port.column], ['deploy/docker-compose.yml', 5, 7]);
    assert.deepEqual(
      port.resolved?.refs.map((r) => [r.name, r.from?.location.file, r.from?.location.line]),
      [['CART_PORT', 'deploy/.env', 1]],
    );
    const greeting = cart.entries.find((e) => e.key === 'GREETING')!;
    assert.deepEqual([greeting.file, greeting.tracked], ['deploy/cart.env', false]);
    assert.deepEqual(environment([compose], env, 'front').values, { CART_ADDR: 'cart:7070' }, 'a key with no value is left to the shell: not set');
  });

  test('several compose files merge in order: environment by key, env_file appended, paths from the project directory', () => {
    const base = file('docker-compose.yml', 'services:\n  cart:\n    env_file: a.env\n    environment: { A: base, B: base }\n');
    const override = file('ops/override.yml', 'services:\n  cart:\n    env_file: [b.env]\n    environment: [B=override, C=override]\n');
    const result = environment([base, override], undefined, 'cart', [file('a.env', 'E=a\nF=a\n'), file('b.env', 'F=b\n')]);
    assert.deepEqual(result.values, { E: 'a', F: 'b', A: 'base', B: 'override', C: 'override' });
  });

  test('what compose refuses is a located problem: a malformed reference, a missing service, a required env file that is not there', () => {
    const bad = environment([file('c.yml', 'services:\n  cart:\n    environment:\n      PORT: "$1"\n')], undefined, 'cart');
    assert.deepEqual(
      bad.findings.map((f) => [f.location?.file, f.location?.line]),
      [['c.yml', 4]],
    );
    assert.match(bad.findings[0]!.message, /^compose: a "\$" must start a variable/);
    const missing = environment([file('c.yml', 'services:\n  web: {}\n')], undefined, 'cart');
    assert.match(missing.findings[0]!.message, /the compose service cart is in none of c\.yml/);
    const envFile = environment(
      [file('c.yml', 'services:\n  cart:\n    env_file: [{ path: gone.env, required: true }, { path: optional.env, required: false }]\n')],
      undefined,
      'cart',
    );
    assert.deepEqual(
      envFile.findings.map((f) => [f.message, f.location?.line]),
      [['the env file gone.env of this compose service does not exist', 3]],
    );
  });
});

// The oracle: docker-compose 1.29 (`docker-compose config`) on generated projects: a base file
// and an override, environment in map and list form, env files, a project .env. 1.29 reads only
// the short env_file form and no references inside env files: the generator keeps to that.
describe('compose services against docker-compose config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tranche-compose-svc-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const KEYS = ['PORT', 'HOST', 'MODE', 'DEBUG', 'URL'];
  const literal = fc.stringMatching(/^[a-z0-9:/.-]{0,8}$/);
  const reference = fc.constantFrom('${ALPHA}', '$BETA', '${EMPTY:-d}', '${UNSET-x}', '${ALPHA:-y}');
  const value = fc.array(fc.oneof(literal, reference), { minLength: 1, maxLength: 3 }).map((p) => p.join('/'));
  const env = fc.dictionary(fc.constantFrom(...KEYS), value, { maxKeys: 4 });
  const envFile = fc.dictionary(fc.constantFrom(...KEYS), fc.stringMatching(/^[a-z0-9]{1,6}$/), { maxKeys: 3 });

  test('property: the environment a compose service gets is what docker-compose config gives it', () => {
    fc.assert(
      fc.property(
        env,
        env,
        fc.boolean(),
        fc.array(envFile, { maxLength: 2 }),
        fc.stringMatching(/^[a-z0-9.]{1,5}$/),
        (baseEnv, overrideEnv, asList, envFiles, alpha) => {
          const envFileNames = envFiles.map((_, i) => `e${i}.env`);
          const environmentOf = (values: Record<string, string>) => (asList ? Object.entries(values).map(([k, v]) => `${k}=${v}`) : values);
          const base = {
            version: '3.8',
            services: { svc: { image: 'x', ...(envFileNames.length ? { env_file: envFileNames } : {}), environment: environmentOf(baseEnv) } },
          };
          const override = { services: { svc: { environment: overrideEnv } } };
          const texts: Record<string, string> = {
            'docker-compose.yml': stringify(base),
            'override.yml': stringify(override),
            '.env': `ALPHA=${alpha}\nBETA=b\nEMPTY=\n`,
          };
          envFiles.forEach(
            (values, i) =>
              (texts[envFileNames[i]!] = Object.entries(values)
                .map(([k, v]) => `${k}=${v}\n`)
                .join('')),
          );
          for (const [path, text] of Object.entries(texts)) writeFileSync(join(dir, path), text);
          const theirs =
            (dockerComposeConfig(dir, ['docker-compose.yml', 'override.yml']) as { services: { svc: { environment?: Record<string, string | null> } } })
              .services.svc.environment ?? {};
          const expected = Object.fromEntries(
            Object.entries(theirs)
              .filter(([, v]) => v !== null)
              .map(([k, v]) => [k, String(v).replaceAll('$$', '$')]),
          );
          const ours = environment(
            [file('docker-compose.yml', texts['docker-compose.yml']!), file('override.yml', texts['override.yml']!)],
            file('.env', texts['.env']!),
            'svc',
            envFileNames.map((p) => file(p, texts[p]!)),
          );
          assert.deepEqual(ours.findings, []);
          assert.deepEqual(ours.values, expected, JSON.stringify(texts));
        },
      ),
      // 080 is a string to docker-compose (YAML 1.1) and a number to YAML 1.2: a case once missed.
      { numRuns: 12, examples: [[{}, {}, false, [{ PORT: '080' }], '1.50']] },
    );
  });
});
