import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { BUF_RULES } from '../../../../src/core/contracts/protobuf/buf-rules.js';
import { bufCorpusDir } from './buf-corpus-dir.js';

interface RuleFacts {
  id: string;
  deprecated: boolean;
  categories: Record<string, string[]>;
  replaced_by?: string[] | null;
}

const rules = (JSON.parse(readFileSync(join(bufCorpusDir, 'rules.json'), 'utf8')) as { rules: RuleFacts[] }).rules;

// BUF_RULES is typed by hand from buf's documentation: rules.json (facts read from buf's source)
// holds it to them, rule by rule.
describe("buf's rule table", () => {
  test('names every rule id buf has, and no other', () => {
    assert.ok(rules.length >= 69, `${rules.length} rules in rules.json`);
    assert.deepEqual(Object.keys(BUF_RULES).sort(), rules.map((r) => r.id).sort());
  });

  test("gives each rule buf's categories in every config version it exists in", () => {
    const wrong = rules.flatMap((rule) =>
      Object.entries(rule.categories)
        .filter(([, categories]) => categories.length > 0)
        .filter(([version, categories]) => {
          const ours = BUF_RULES[rule.id]?.categories[version as 'v1beta1' | 'v1' | 'v2'];
          return JSON.stringify([...(ours ?? [])].sort()) !== JSON.stringify([...categories].sort());
        })
        .map(
          ([version, categories]) =>
            `${rule.id} ${version}: ${JSON.stringify(BUF_RULES[rule.id]?.categories[version as 'v1'])} here, ${JSON.stringify(categories)} in buf`,
        ),
    );
    assert.deepEqual(wrong, []);
  });

  test('maps each deprecated id to the ids that replace it', () => {
    const wrong = rules
      .filter((rule) => rule.deprecated && rule.replaced_by?.length)
      .filter((rule) => JSON.stringify([...(BUF_RULES[rule.id]?.replacedBy ?? [])].sort()) !== JSON.stringify([...rule.replaced_by!].sort()))
      .map((rule) => rule.id);
    assert.deepEqual(wrong, []);
  });
});
