import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { GitRepo } from '../support/git-repo.js';
import { EXEC_MANIFEST, execFleet } from './exec-fleet.js';

const repos: GitRepo[] = [];
after(() => repos.forEach((r) => r.dispose()));

describe('an environment whose driver this tranche does not have', () => {
  test('is unusable input that names the environment and the driver; exit 2', () => {
    const fleet = execFleet(repos, {}, EXEC_MANIFEST.replace('prod: { driver: exec }', 'prod: { driver: kubernetes }'));
    const result = fleet.run(['apply', '--env', 'prod', '--yes']);
    assert.equal(result.code, 2, result.stderr);
    assert.ok(result.stderr.endsWith('\nerror: environment prod uses the kubernetes driver, which this version of tranche does not have yet\n'), result.stderr);
    assert.equal(fleet.run(['apply', '--env', 'dev', '--yes']).code, 0, 'the exec environment of the same fleet deploys');
  });
});

describe('exec.stop', () => {
  test('that is not an argument list is refused where it stands; exit 2', () => {
    const fleet = execFleet(repos, {}, EXEC_MANIFEST.replace('    exec:\n', '    exec:\n      stop: ./stop.sh\n'));
    const result = fleet.run(['validate']);
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, /^tranche\.yaml:11:13: services\.a\.exec\.stop must be a list, found the string "\.\/stop\.sh"$/m);
  });
});
