import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { GitRepo } from '../support/git-repo.js';
import { deepBlockYaml, deepFlowList, deepJson, deepOpenApi, refChainOpenApi } from '../support/hostile-input.js';
import { runCli, runJson, type CliResult } from '../support/run-cli.js';
import { MARKET_FILES } from './contract-fleet.js';
import { SHOP_FILES } from './shop-fleet.js';

interface CheckJson {
  findings: { rule: string; severity: string; message: string; location?: { file: string; line?: number; column?: number } }[];
}

const TOO_DEEP = 'nested more than 256 levels deep (maps and lists inside one another)';
const dir = mkdtempSync(join(tmpdir(), 'tranche-bounded-'));
const repos: GitRepo[] = [];
after(() => {
  rmSync(dir, { recursive: true, force: true });
  repos.forEach((r) => r.dispose());
});

/** 1-based column where level n opens in a one-line text whose strings hold no brackets. */
function columnOfLevel(text: string, n: number): number {
  let level = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '{' || text[i] === '[') {
      if (++level === n) return i + 1;
    } else if (text[i] === '}' || text[i] === ']') level--;
  }
  throw new Error(`fewer than ${n} levels`);
}

function assertNoStackTrace(result: { stderr: string }): void {
  assert.doesNotMatch(result.stderr, /\n\s+at .+:\d+:\d+\)?\n|internal error|RangeError/);
}

/** A fleet committed as `files`, then changed by `change`: check --json from the first commit. */
function checkAfter(files: Record<string, string>, change: Record<string, string>): { code: number; json: CheckJson; stderr: string } {
  const repo = new GitRepo(files);
  repos.push(repo);
  const from = repo.commit('v1');
  repo.write(change).commit('v2');
  return runJson<CheckJson>(['check', '--env', 'prod', '--from', from], repo.dir);
}

describe('deep documents are refused at the place they get too deep, exit 2, no stack trace', () => {
  for (const levels of [2_000, 100_000]) {
    test(`contract diff: OpenAPI documents ${levels.toLocaleString('en-US')} levels deep, JSON and YAML`, () => {
      writeFileSync(join(dir, `deep-${levels}.json`), deepOpenApi(levels));
      writeFileSync(join(dir, `deep-${levels}.yaml`), `openapi: 3.0.3\ninfo: { title: deep, version: "1" }\npaths: {}\nx-deep: ${deepFlowList(levels)}\n`);
      writeFileSync(join(dir, 'small.json'), deepOpenApi(3));
      const json: CliResult = runCli(['contract', 'diff', 'small.json', `deep-${levels}.json`], dir);
      assert.equal(json.code, 2, json.stderr);
      assert.equal(json.stderr, `error: deep-${levels}.json:1:${columnOfLevel(deepOpenApi(levels), 257)}: ${TOO_DEEP}\n`);
      const yaml = runCli(['contract', 'diff', `deep-${levels}.yaml`, 'small.json'], dir);
      assert.equal(yaml.code, 2, yaml.stderr);
      // The root map is level 1, x-deep's outer list level 2 at column 9: level 257 is 255 further.
      assert.equal(yaml.stderr, `error: deep-${levels}.yaml:4:${9 + 255}: ${TOO_DEEP}\n`);
    });

    test(`check: a config file and tranche.yaml ${levels.toLocaleString('en-US')} levels deep`, () => {
      const config = checkAfter(SHOP_FILES, { 'services/payments/config/defaults.yaml': `PORT: 7001\nDEEP: ${deepJson(levels)}\n` });
      assert.equal(config.code, 2, config.stderr);
      assert.deepEqual(config.json.findings, [
        {
          rule: 'manifest/invalid',
          severity: 'error',
          message: TOO_DEEP,
          location: { file: 'services/payments/config/defaults.yaml', line: 2, column: 7 + 255 * 5 },
        },
      ]);
      const manifest = checkAfter(SHOP_FILES, { 'tranche.yaml': `${SHOP_FILES['tranche.yaml']}x-deep:\n${deepBlockYaml(Math.min(levels, 5_000), '  ')}` });
      assert.equal(manifest.code, 2, manifest.stderr);
      // The root map is level 1, x-deep's map level 2 (line 52): level 257 is 255 lines below.
      const lines = SHOP_FILES['tranche.yaml']!.split('\n').length;
      assert.deepEqual(manifest.json.findings, [
        { rule: 'manifest/invalid', severity: 'error', message: TOO_DEEP, location: { file: 'tranche.yaml', line: lines + 256, column: 258 } },
      ]);
      assertNoStackTrace(config);
      assertNoStackTrace(manifest);
    });

    test(`check: a provider's OpenAPI spec ${levels.toLocaleString('en-US')} levels deep is a finding at its place`, () => {
      const { code, json, stderr } = checkAfter(MARKET_FILES, { 'services/orders/api/openapi.yaml': deepOpenApi(levels) });
      assert.equal(code, 2, stderr);
      assert.deepEqual(
        json.findings.map((f) => [f.rule, f.message, f.location]),
        [['manifest/invalid', TOO_DEEP, { file: 'services/orders/api/openapi.yaml', line: 1, column: columnOfLevel(deepOpenApi(levels), 257) }]],
      );
    });
  }

  test('contract diff: a chain of $refs 3,000 schemas deep names both files', () => {
    writeFileSync(join(dir, 'chain-a.json'), refChainOpenApi(3_000, 'string'));
    writeFileSync(join(dir, 'chain-b.json'), refChainOpenApi(3_000, 'integer'));
    const result = runCli(['contract', 'diff', 'chain-a.json', 'chain-b.json'], dir);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, new RegExp(`^error: comparing chain-b\\.json with chain-a\\.json: ${TOO_DEEP.replace(/[()]/g, '\\$&')} at `));
    assertNoStackTrace(result);
  });
});

describe('a config file over the size tranche reads is refused, not read', () => {
  test('check --json on a 2 MiB dotenv file: exit 2, the file and the limit', () => {
    const lines = Array.from({ length: 200_000 }, (_, i) => `KEY_${i}=v\n`).join('');
    const { code, json, stderr } = checkAfter(SHOP_FILES, { '.gitignore': '', 'services/orders/deploy/prod.env': `API_TOKEN=prod-token-3\n${lines}` });
    assert.equal(code, 2, stderr);
    assert.equal(json.findings.length, 1);
    const [finding] = json.findings;
    assert.equal(finding!.rule, 'manifest/invalid');
    assert.deepEqual(finding!.location, { file: 'services/orders/deploy/prod.env' });
    assert.equal(
      finding!.message,
      `this config file is ${(22 + 1 + lines.length).toLocaleString('en-US')} bytes: tranche reads config files of up to 1,048,576 bytes (1 MiB)`,
    );
  });
});
