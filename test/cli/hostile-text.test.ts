import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import type { GitRepo } from '../support/git-repo.js';
import { runCli } from '../support/run-cli.js';
import { FORMATS_MANIFEST, formatsFleet } from './formats-fleet.js';

const repos: GitRepo[] = [];
after(() => repos.forEach((r) => r.dispose()));

/** Writes `before`, one Latin-1 byte (é as 0xE9), then `after` to `path`: not UTF-8 from that byte on. */
const latin1 = (path: string, before: string, after: string) => (dir: string) =>
  writeFileSync(join(dir, path), Buffer.concat([Buffer.from(before), Buffer.from([0xe9]), Buffer.from(after)]));

// Every reader of the fleet's files, each given a file with one byte that is not UTF-8: the byte's
// file:line:column, as what the reader says. Columns count characters.
const CASES: { reader: string; change: (dir: string) => void; at: string; rule: string }[] = [
  { reader: 'dotenv', change: latin1('services/dot/config/dev.env', '# dev\nNAME=caf', '\n'), at: 'services/dot/config/dev.env:2:9', rule: 'config/invalid' },
  {
    reader: 'YAML flat map',
    change: latin1('services/dot/config/base.yaml', 'NAME: "h', '"\n'),
    at: 'services/dot/config/base.yaml:1:9',
    rule: 'config/invalid',
  },
  {
    reader: 'compose file',
    change: latin1('compose.yaml', 'services:\n  cmp:\n    image: cmp-', '\n    env_file: cmp.env\n'),
    at: 'compose.yaml:3:16',
    rule: 'config/invalid',
  },
  { reader: 'compose env_file', change: latin1('cmp.env', 'NAME=ü-', '\n'), at: 'cmp.env:1:8', rule: 'config/invalid' },
  {
    reader: 'kubernetes manifest',
    change: latin1('k8s/dev/config.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: k8s-config }\ndata: { NAME: k', ' }\n'),
    at: 'k8s/dev/config.yaml:4:16',
    rule: 'config/invalid',
  },
  { reader: 'helm values', change: latin1('values.yaml', 'name: h', '\n'), at: 'values.yaml:1:8', rule: 'config/invalid' },
  {
    reader: 'the manifest',
    change: latin1('tranche.yaml', `${FORMATS_MANIFEST}# caf`, '\n'),
    at: `tranche.yaml:${FORMATS_MANIFEST.split('\n').length}:6`,
    rule: 'manifest/invalid',
  },
];

describe('a config file that is not UTF-8', () => {
  for (const state of ['uncommitted', 'committed'] as const) {
    for (const { reader, change, at, rule } of CASES) {
      test(`${reader} (${state}): exit 2, ${rule} at the first bad byte, no U+FFFD anywhere`, () => {
        const repo = formatsFleet(repos, change, state);
        const ref = state === 'committed' ? ['--ref', 'HEAD'] : [];
        const human = runCli(['validate', ...ref], repo.dir);
        assert.equal(human.code, 2, human.stdout + human.stderr);
        assert.match(human.stderr, new RegExp(`^${at.replaceAll('.', '\\.')}: not valid UTF-8 at this byte`, 'm'));
        const json = runCli(['validate', ...ref, '--json'], repo.dir);
        assert.equal(json.code, 2);
        const findings = (JSON.parse(json.stdout) as { findings: { rule: string; location: { file: string; line: number; column: number } }[] }).findings;
        assert.deepEqual(
          findings.map((f) => `${f.rule} ${f.location.file}:${f.location.line}:${f.location.column}`),
          [`${rule} ${at}`],
        );
        assert.ok(!(human.stdout + human.stderr + json.stdout).includes('\ufffd'));
      });
    }
  }
});

/** Raw characters a terminal acts on: C0 but newline and tab, DEL, C1, bidirectional overrides. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const SUBJECT = 'fix \u001b[31mred\r\u0007 \u202eevil';
const VALUE = 'a\u001b[31mb\rc\u0007d';

describe('control characters from commits, file names and values', () => {
  test('never reach human output raw: each is shown escaped; JSON keeps them, escaped by JSON', () => {
    const repo = formatsFleet(
      repos,
      (dir) => {
        // dotenv expands \r in a double-quoted value; the other bytes are written raw.
        writeFileSync(join(dir, 'services/dot/config/dev.env'), 'NAME="a\u001b[31mb\\rc\u0007d"\n');
        writeFileSync(join(dir, 'services/dot/we\u001b[2Jird\u0007.js'), 'x\n');
      },
      'uncommitted',
    );
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', SUBJECT);
    const human = [
      ['changes', '--env', 'dev', '--from', 'HEAD~1'],
      ['config', 'dot', '--env', 'dev'],
      ['config', 'dot', '--env', 'dev', '--explain', 'NAME'],
      ['check', '--env', 'dev', '--from', 'HEAD~1', '--intent', 'x'],
      ['changes', '--env', 'dev', '--from', 'HEAD~1', '--format', 'markdown'],
      ['config', 'd\u001b[31mot', '--env', 'dev'],
    ].map((command) => ({ command, ...runCli(command, repo.dir) }));
    for (const { command, code, stdout, stderr } of human) {
      assert.ok(code === 0 || (command[1]!.includes('\u001b') && code === 2), `${command.join(' ')}: ${stderr}`);
      assert.doesNotMatch(stdout + stderr, RAW_CONTROL, command.join(' '));
    }
    const [changes, config] = human;
    assert.ok(changes!.stdout.includes('fix \\x1b[31mred\\r\\x07 \\u202eevil'), changes!.stdout);
    assert.ok(changes!.stdout.includes('services/dot/we\\x1b[2Jird\\x07.js'), changes!.stdout);
    assert.ok(changes!.stdout.includes('NAME: dot-inside → a\\x1b[31mb\\rc\\x07d'), changes!.stdout);
    assert.match(config!.stdout, /^NAME {2}a\\x1b\[31mb\\rc\\x07d {2}services\/dot\/config\/dev\.env:1/m);
    // An error that quotes input quotes it escaped.
    assert.match(human.at(-1)!.stderr, /unknown service "d\\u001b\[31mot"/);

    // JSON holds the text as it is; nothing in the document is raw (JSON escapes C0, tranche the rest).
    const json = runCli(['changes', '--env', 'dev', '--from', 'HEAD~1', '--json'], repo.dir);
    assert.equal(json.code, 0, json.stderr);
    assert.doesNotMatch(json.stdout, RAW_CONTROL);
    const document = JSON.parse(json.stdout) as { services: { service: string; commits: { subject: string }[]; configKeys: { key: string; to: string }[] }[] };
    const dot = document.services.find((s) => s.service === 'dot')!;
    assert.equal(dot.commits[0]!.subject, SUBJECT);
    assert.equal(dot.configKeys.find((k) => k.key === 'NAME')!.to, VALUE);
  });
});
