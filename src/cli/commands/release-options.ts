import { InputError } from '../../core/input-error.js';
import type { ReleaseQuery } from '../../engine/read-release.js';
import type { OptionSpec, ParsedArgs } from '../command.js';

const SCOPES = ['config', 'code', 'deps', 'contract'];

/** The options of every command that describes a release: check, plan, apply. */
export const releaseOptions: Record<string, OptionSpec> = {
  env: { type: 'string', short: 'e', value: 'E', description: 'the environment to release' },
  from: { type: 'string', value: 'REF', description: 'the deployed revision to compare with (default: what is recorded as deployed)' },
  to: { type: 'string', value: 'REF', description: 'the target revision (default HEAD)' },
  intent: { type: 'string', value: 'TEXT', description: 'one line of why: recorded with the release' },
  scope: { type: 'string', value: 'LIST', description: `what the release may change: ${SCOPES.join(', ')}` },
  state: { type: 'string', value: 'URL', description: 'the state store: postgres://… or a SQLite file (default .tranche/state.db; or TRANCHE_STATE)' },
};

export function releaseQuery(args: ParsedArgs): Omit<ReleaseQuery, 'deployed'> {
  const scope = (args.values.scope as string | undefined)?.split(',').map((s) => s.trim());
  const unknown = scope?.find((s) => !SCOPES.includes(s));
  if (unknown !== undefined) throw new InputError(`--scope: ${JSON.stringify(unknown)} is not one of ${SCOPES.join(', ')}`);
  return {
    env: args.values.env as string | undefined,
    toRef: (args.values.to as string | undefined) ?? 'HEAD',
    ...(args.values.from !== undefined ? { fromRef: args.values.from as string } : {}),
  };
}
