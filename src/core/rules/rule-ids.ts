/** Every rule id, with its default severity (PRODUCT §5). Ids are user-facing: never rename one. */
export const RULES = {
  'config/missing': 'error',
  'config/invalid': 'error',
  'config/unknown-key': 'warn',
  'config/shadowed-change': 'error',
  'config/stale-value': 'error',
  'config/drift': 'warn',
  'config/plaintext-secret': 'error',
  'config/live-drift': 'error',
  'config/undefined-ref': 'error',
  'contract/breaking': 'error',
  'contract/needs-provider-first': 'info',
  'contract/no-safe-order': 'error',
  'contract/rollback-unsafe': 'warn',
  'deps/transitive-change': 'warn',
  'deps/major-change': 'warn',
  'deps/divergence': 'info',
  'deps/unread-lockfile': 'info',
  'change/unrelated': 'error',
  'change/no-intent': 'warn',
  'change/uncommitted': 'error',
  'change/frozen': 'error',
  'change/reverts-deployed': 'error',
  'change/unreadable': 'error',
  'check/preflight-failed': 'error',
  'check/failed': 'error',
  'check/exited': 'error',
  'check/port-in-use': 'error',
  'check/lying-health': 'warn',
  'manifest/invalid': 'error',
} as const satisfies Record<string, Severity>;

export type RuleId = keyof typeof RULES;

/**
 * Rules whose severity `policy.rules` cannot set: a fleet cannot declare itself valid, nor lift a
 * freeze an operator set outside the repository.
 */
export const FIXED_RULES: readonly RuleId[] = ['manifest/invalid', 'change/frozen'];
export type Severity = 'error' | 'warn' | 'info';
/** What `policy.rules` may set a rule to. */
export type RuleSeverity = Severity | 'off';

export function isRuleId(id: string): id is RuleId {
  return Object.hasOwn(RULES, id);
}
