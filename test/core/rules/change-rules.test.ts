import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ChangeManifest, ServiceChanges } from '../../../src/core/changes/change-manifest.js';
import { checkChangeRules } from '../../../src/core/rules/change/check-change-rules.js';
import { checkRevertsDeployed } from '../../../src/core/rules/change/check-reverts.js';

const service = (fields: Partial<ServiceChanges>): ServiceChanges => ({
  service: 'b',
  from: { commit: 'a'.repeat(40), label: 'deployed (aaaaaaa)' },
  kinds: ['code'],
  files: [],
  commits: [],
  configKeys: [],
  deps: [],
  ...fields,
});
const changes = (...services: ServiceChanges[]): ChangeManifest => ({ env: 'prod', to: { commit: 'f'.repeat(40), label: 'HEAD' }, services, unowned: [] });

describe('change/unrelated', () => {
  test('over twenty thousand commits, the message names the first ones and counts the rest', () => {
    const commits = Array.from({ length: 20_000 }, (_, i) => ({
      sha: i.toString(16).padStart(40, '0'),
      author: 'Bo',
      date: '2026-12-01',
      subject: `fix ${i}`,
      files: [`services/b/f${i}.js`],
    }));
    const files = commits.map((c) => ({ path: c.files[0]!, status: 'M', kind: 'code' as const }));
    const [finding] = checkChangeRules({ changes: changes(service({ files, commits })), scope: ['config'], intent: 'x', allowDirty: false });
    assert.equal(finding?.rule, 'change/unrelated');
    assert.ok(finding!.message.length < 2_000, `${finding!.message.length} characters`);
    assert.match(finding!.message, /"fix 0" \(Bo\); .* and 19990 more; files services\/b\/f0\.js, .* and 19980 more$/);
  });

  test('a change no commit of the range explains still names its files, and says there is no commit', () => {
    const [finding] = checkChangeRules({
      changes: changes(service({ files: [{ path: 'services/b/server.js', status: 'M', kind: 'code' }] })),
      scope: ['config'],
      intent: 'x',
      allowDirty: false,
    });
    assert.match(finding!.message, /no commit of the range .*; files services\/b\/server\.js$/);
  });

  test('a new service is all of it', () => {
    const [finding] = checkChangeRules({
      changes: changes({ ...service({ kinds: ['config', 'code'] }), from: undefined }),
      scope: ['config'],
      intent: 'x',
      allowDirty: false,
    });
    assert.match(finding!.message, /changes the code of b: no commit .*; all of it: it is new here$/);
  });
});

describe('change/reverts-deployed', () => {
  const dropped = (files: string[]) => new Map([['a'.repeat(40), [{ sha: 'd'.repeat(40), author: 'Ana', date: '2026-12-01', subject: 'hotfix', files }]]]);

  test('fires when a dropped commit touched a file the release changes in the service', () => {
    const [finding] = checkRevertsDeployed(changes(service({ files: [{ path: 'services/b/x.js', status: 'M', kind: 'code' }] })), dropped(['services/b/x.js']));
    assert.equal(finding?.rule, 'change/reverts-deployed');
    assert.match(finding!.message, /would undo ddddddd "hotfix" \(Ana\) in services\/b\/x\.js/);
  });

  test('stays quiet when what the dropped commit changed reached the target another way (nothing of it differs)', () => {
    assert.deepEqual(
      checkRevertsDeployed(changes(service({ files: [{ path: 'services/b/other.js', status: 'M', kind: 'code' }] })), dropped(['services/b/x.js'])),
      [],
    );
  });
});
