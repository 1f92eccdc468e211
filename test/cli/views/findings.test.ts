import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { compareFindings, type Finding } from '../../../src/core/finding.js';
import { formatLocation } from '../../../src/core/location.js';
import { groupedFindings } from '../../../src/cli/views/findings.js';

/** The grouping as its definition says it, in the simplest (quadratic) way: the services in report order, each with its findings. */
function reference(findings: readonly Finding[]): string {
  const sorted = [...findings].sort(compareFindings);
  const name = (f: Finding) => f.service ?? '(fleet)';
  return [...new Set(sorted.map(name))]
    .map((service) =>
      [
        service,
        ...sorted
          .filter((f) => name(f) === service)
          .flatMap((f) => [
            `  ${[f.severity.padEnd(5), f.rule, f.key, f.env && `[${f.env}]`, f.location && formatLocation(f.location)].filter(Boolean).join('  ')}`,
            `      ${f.message}`,
            ...(f.hint ? [`      fix: ${f.hint}`] : []),
          ]),
      ].join('\n'),
    )
    .join('\n\n');
}

const finding: fc.Arbitrary<Finding> = fc.record(
  {
    rule: fc.constantFrom('config/missing', 'config/unknown-key', 'config/drift', 'change/no-intent'),
    severity: fc.constantFrom('error', 'warn', 'info'),
    service: fc.constantFrom('orders', 'payments', 'web', 'Zeta', 'ä-svc'),
    env: fc.constantFrom('dev', 'prod'),
    key: fc.stringMatching(/^[A-Z_]{1,6}$/),
    message: fc.string({ maxLength: 20 }),
    hint: fc.string({ maxLength: 10 }),
    location: fc.record(
      { file: fc.constantFrom('tranche.yaml', 'a.env', 'b/c.yaml'), line: fc.integer({ min: 1, max: 40 }), column: fc.integer({ min: 1, max: 9 }) },
      { requiredKeys: ['file'] },
    ),
  },
  { requiredKeys: ['rule', 'severity', 'message'] },
) as fc.Arbitrary<Finding>;

describe('groupedFindings', () => {
  test('groups by service in report order, the fleet-wide ones under (fleet)', () => {
    const findings: Finding[] = [
      {
        rule: 'config/unknown-key',
        severity: 'warn',
        service: 'orders',
        env: 'prod',
        key: 'K1',
        message: 'K1 is not declared',
        hint: 'declare K1',
        location: { file: 'a.env', line: 3, column: 1 },
      },
      { rule: 'change/no-intent', severity: 'warn', env: 'prod', message: 'the release has no intent' },
      {
        rule: 'config/missing',
        severity: 'error',
        service: 'orders',
        env: 'prod',
        key: 'PORT',
        message: 'PORT is required',
        location: { file: 'tranche.yaml', line: 9 },
      },
      {
        rule: 'config/unknown-key',
        severity: 'warn',
        service: 'orders',
        env: 'prod',
        key: 'K0',
        message: 'K0 is not declared',
        location: { file: 'a.env', line: 2, column: 1 },
      },
    ];
    assert.equal(
      groupedFindings(findings),
      [
        '(fleet)',
        '  warn   change/no-intent  [prod]',
        '      the release has no intent',
        '',
        'orders',
        '  error  config/missing  PORT  [prod]  tranche.yaml:9',
        '      PORT is required',
        '  warn   config/unknown-key  K0  [prod]  a.env:2:1',
        '      K0 is not declared',
        '  warn   config/unknown-key  K1  [prod]  a.env:3:1',
        '      K1 is not declared',
        '      fix: declare K1',
      ].join('\n'),
    );
  });

  test('property: the same text as the grouping defined the simplest way', () => {
    fc.assert(
      fc.property(fc.array(finding, { maxLength: 40 }), (findings) => assert.equal(groupedFindings(findings), reference(findings))),
      { numRuns: 300 },
    );
  });
});
