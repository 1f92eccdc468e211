import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { BIN } from '../support/paths.js';
import { contractFindings, fleetAtV1, type PlanJson } from '../support/plan-json.js';

const PROVIDERS = 70;

/** A fleet with enough providers for the contract workers to be started before the specs are read, whose specs are too small to be split among them. */
function files(release: boolean): Record<string, string> {
  const lines = ['version: 1', 'name: many', 'environments:', '  prod: { driver: local }', 'services:'];
  const out: Record<string, string> = {};
  for (let p = 0; p < PROVIDERS; p++) {
    lines.push(`  p${p}:`, `    path: services/p${p}`, '    contracts:', '      provides:', '        http: openapi.yaml');
    // The release makes p7's id a number, which its consumer reads as a string.
    const id = release && p === 7 ? 'integer' : 'string';
    out[`services/p${p}/openapi.yaml`] =
      `openapi: 3.0.3\ninfo: { title: p${p}, version: "1" }\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n` +
      `          content: { application/json: { schema: { type: object, required: [id], properties: { id: { type: ${id} } } } } }\n`;
  }
  lines.push('  c:', '    path: services/c', '    contracts:', '      consumes:', '        p7: { http: true }', '        p8: { http: true }');
  out['services/c/main.js'] = release ? '// v2\n' : '// v1\n';
  return { 'tranche.yaml': `${lines.join('\n')}\n`, ...out };
}

test('a plan whose contract workers were started for nothing ends, with what one thread finds', () => {
  const { repo, v1 } = fleetAtV1(files(false));
  repo.write(files(true));
  repo.commit('v2');
  // A worker left waiting for a share would keep the process alive: the timeout tells.
  const run = spawnSync(process.execPath, [BIN, 'plan', '--env', 'prod', '--from', v1, '--json'], { cwd: repo.dir, encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.error, undefined, 'tranche plan ended');
  assert.equal(run.status, 1, run.stderr);
  const plan = JSON.parse(run.stdout) as PlanJson;
  // c changes too: each order pairs a c with a p7 whose id it does not read.
  assert.deepEqual(contractFindings(plan.findings), ['contract/no-safe-order p7']);
});
