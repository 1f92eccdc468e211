import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '../../../../src/core/input-error.js';
import { readBufConfig } from '../../../../src/core/contracts/protobuf/read-buf-config.js';
import { bufCorpusDir } from './buf-corpus-dir.js';

interface CorpusConfig {
  name: string;
  current: string;
  config: { version: string; use: string[]; except: string[]; ignore: string[]; ignore_unstable_packages: boolean };
}

describe('readBufConfig', () => {
  it('reads the breaking config of every buf.yaml of the corpus as the corpus states it', () => {
    const { cases } = JSON.parse(readFileSync(join(bufCorpusDir, 'cases.json'), 'utf8')) as { cases: CorpusConfig[] };
    let read = 0;
    for (const c of cases) {
      const path = join(bufCorpusDir, c.current, 'buf.yaml');
      if (!existsSync(path)) continue;
      read++;
      const config = readBufConfig(readFileSync(path, 'utf8'), 'buf.yaml');
      const { version, use, except, ignore, ignore_unstable_packages } = c.config;
      assert.deepEqual(config, { version, use, except, ignore, ignoreUnstablePackages: ignore_unstable_packages }, c.name);
    }
    assert.ok(read > 20);
  });

  it('refuses what buf would: a broken file with its place, an unknown id, a value of the wrong shape', () => {
    assert.throws(
      () => readBufConfig('version: v1\nbreaking: [\n', 'buf.yaml'),
      (e: unknown) => e instanceof InputError && /^buf\.yaml:\d+:\d+: /.test(e.message),
    );
    assert.throws(() => readBufConfig('version: v1\nbreaking:\n  use: [EXTENSION_NO_DELETE]\n', 'buf.yaml'), /does not have: EXTENSION_NO_DELETE/);
    assert.throws(() => readBufConfig('version: v3\n', 'buf.yaml'), /version must be v1beta1, v1 or v2/);
    assert.throws(() => readBufConfig('version: v1\nbreaking:\n  ignore: a\n', 'buf.yaml'), /breaking\.ignore must be a list/);
  });
});
