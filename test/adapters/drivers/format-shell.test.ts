import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import fc from 'fast-check';
import { UnwritableValueError } from '../../../src/adapters/drivers/format-dotenv.js';
import { formatShell } from '../../../src/adapters/drivers/format-shell.js';

const dir = mkdtempSync(join(tmpdir(), 'tranche-format-shell-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Sources the file in a real shell and gives back every variable named, as the shell holds it. */
function sourced(shell: 'sh' | 'bash', text: string, keys: string[]): Record<string, string> {
  const file = join(dir, 'config.sh');
  writeFileSync(file, text);
  const print = keys.map((key) => `printf '%s\\0' "$${key}"`).join('; ');
  const out = execFileSync(shell, ['-c', `. "$1" && { ${print || ':'}; }`, shell, file], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH } });
  const values = out.split('\0').slice(0, -1);
  return Object.fromEntries(keys.map((key, i) => [key, values[i]!]));
}

const HOSTILE = [
  "'",
  '"',
  '`',
  '$',
  '(',
  ')',
  '{',
  '}',
  '\\',
  '\n',
  '\r',
  '\t',
  ' ',
  ';',
  '&',
  '|',
  '#',
  '!',
  '*',
  '~',
  'a',
  'é',
  '✓',
  "'\\''",
  '$(touch pwned)',
  '`touch pwned`',
  '${HOME}',
  '$0',
];

describe('formatShell', () => {
  for (const shell of ['sh', 'bash'] as const) {
    test(`${shell} reads every value back exactly and runs nothing in it`, () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.oneof(
              fc.array(fc.constantFrom(...HOSTILE), { maxLength: 8 }).map((parts) => parts.join('')),
              fc.string({ unit: 'binary', maxLength: 12 }).map((s) => s.replaceAll('\0', '')),
            ),
            { minLength: 1, maxLength: 12 },
          ),
          (values) => {
            const config = Object.fromEntries(values.map((value, i) => [`K${i}`, value]));
            assert.deepEqual(sourced(shell, formatShell(config), Object.keys(config)), config);
            assert.equal(existsSync(join(dir, 'pwned')), false, 'a value ran a command');
          },
        ),
        { numRuns: 60 },
      );
    });
  }

  test('a key that is not a shell name is left out and named; a NUL is refused by key', () => {
    const text = formatShell({ 'my.key': 'x', 'a-b': 'y', OK: 'z' });
    assert.match(text, /^# not shell names, so only in TRANCHE_CONFIG_FILE and TRANCHE_CONFIG_JSON: my\.key a-b$/m);
    assert.deepEqual(sourced('sh', text, ['OK']), { OK: 'z' });
    assert.throws(
      () => formatShell({ TOKEN: 'a\0b' }),
      (error) => error instanceof UnwritableValueError && error.key === 'TOKEN' && !error.message.includes('a\0b'),
    );
  });
});
