import { CHANGE_KINDS, isChangeKind, type ChangeKind } from '../../core/changes/change-manifest.js';
import { withCleanup } from '../../core/cleanup.js';
import { InputError } from '../../core/input-error.js';
import { checkRelease, type ReleaseCheck } from '../../engine/check-release.js';
import { readReleaseRevisions, type ReleaseQuery, type ReleaseRevisions } from '../../engine/read-release.js';
import type { OptionSpec, ParsedArgs } from '../command.js';
import type { CliIO } from '../io.js';
import type { Fleet } from '../open-fleet.js';
import { hasState, lazyRuntime, releaseState, type ReleaseState } from '../runtime.js';

/** The options of every command that describes a release: check, plan, apply. */
export const releaseOptions: Record<string, OptionSpec> = {
  env: { type: 'string', short: 'e', value: 'E', description: 'the environment to release' },
  from: { type: 'string', value: 'REF', description: 'what-if: compare as if every service ran REF (default: what each service runs, as recorded)' },
  to: { type: 'string', value: 'REF', description: 'the target revision (default HEAD)' },
  intent: { type: 'string', value: 'TEXT', description: 'one line of why: recorded with the release' },
  scope: { type: 'string', value: 'LIST', description: `what the release may change: ${CHANGE_KINDS.join(', ')}` },
  'allow-dirty': { type: 'boolean', description: 'accept uncommitted changes in the target (first environment only)' },
  state: { type: 'string', value: 'URL', description: 'the state store: postgres://… or a SQLite file (default .tranche/state.db; or TRANCHE_STATE)' },
  'cache-dir': {
    type: 'string',
    value: 'DIR',
    description:
      'the parse cache (lockfile diffs by blob id), e.g. a CI cache (default .tranche/cache; or TRANCHE_CACHE_DIR; TRANCHE_CACHE_MAX_MB bounds it, default 256)',
  },
  'no-cache': { type: 'boolean', description: 'neither read nor write the parse cache' },
};

/**
 * Reads a release (target, deployed revision, recorded state) and checks it: the shared first
 * half of check, plan and apply. The store (`state.store`, absent when there is no recorded
 * state to read) is asked for only once the input is known to be good.
 */
export async function readAndCheck(
  fleet: Fleet,
  args: ParsedArgs,
  state: ReleaseState,
  now: string,
  override: Partial<Pick<ReleaseQuery, 'env' | 'toRef' | 'assertFrom'>> = {},
): Promise<{ revisions: ReleaseRevisions; check: ReleaseCheck }> {
  const { store } = state;
  // Opened first: its options are input, refused (exit 2) before the store is opened or made.
  const parseCache = await fleet.parseCache();
  const revisions = await readReleaseRevisions(fleet.git, fleet.cache, {
    ...releaseQuery(args),
    ...override,
    ...(store ? { deployed: async (env: string) => (await store()).deployed(env) } : {}),
    fingerprints: state.fingerprints,
  });
  const freezes = store ? await (await store()).freezes(revisions.env) : [];
  const check = await checkRelease(fleet.git, revisions, {
    ...intentAndScope(args),
    allowDirty: args.values['allow-dirty'] === true,
    freezes,
    now,
    cache: fleet.cache,
    ...(parseCache ? { parseCache } : {}),
  });
  return { revisions, check };
}

/**
 * Reads and checks a release without side effects, for check, plan and changes: the recorded
 * state is opened only when there is one (and closed after `body`), never created.
 */
export async function withCheckedRelease(
  fleet: Fleet,
  args: ParsedArgs,
  io: CliIO,
  body: (read: { revisions: ReleaseRevisions; check: ReleaseCheck; now: string }) => Promise<number>,
): Promise<number> {
  const state = hasState(fleet, args, io) ? lazyRuntime(fleet, args, io, 'read') : undefined;
  return withCleanup(
    async () => {
      const now = new Date().toISOString();
      const read = await readAndCheck(fleet, args, releaseState(fleet, io, state), now);
      return body({ ...read, now });
    },
    async () => state?.close(),
  );
}

export function intentAndScope(args: { values: ParsedArgs['values'] }): { intent?: string; scope?: ChangeKind[] } {
  const intent = args.values.intent as string | undefined;
  const scope = changeKinds(
    '--scope',
    (args.values.scope as string | undefined)?.split(',').map((s) => s.trim()),
  );
  return { ...(intent !== undefined ? { intent } : {}), ...(scope ? { scope } : {}) };
}

function releaseQuery(args: ParsedArgs): Omit<ReleaseQuery, 'deployed' | 'fingerprints'> {
  changeKinds(
    '--scope',
    (args.values.scope as string | undefined)?.split(',').map((s) => s.trim()),
  );
  return {
    env: args.values.env as string | undefined,
    toRef: (args.values.to as string | undefined) ?? 'HEAD',
    ...(args.values.from !== undefined ? { fromRef: args.values.from as string } : {}),
  };
}

/** The change kinds a flag lists (`--scope`, `--allow-scope`), each checked: a word that is none is unusable input. */
export function changeKinds(flag: string, words: string[]): ChangeKind[];
export function changeKinds(flag: string, words: string[] | undefined): ChangeKind[] | undefined;
export function changeKinds(flag: string, words: string[] | undefined): ChangeKind[] | undefined {
  if (words === undefined) return undefined;
  const unknown = words.find((word) => !isChangeKind(word));
  if (unknown !== undefined) throw new InputError(`${flag}: ${JSON.stringify(unknown)} is not one of ${CHANGE_KINDS.join(', ')}`);
  return words.filter(isChangeKind);
}
