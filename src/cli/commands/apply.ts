import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { withCleanup } from '../../core/cleanup.js';
import { InputError } from '../../core/input-error.js';
import { decodeUtf8 } from '../../core/utf8-text.js';
import type { Finding } from '../../core/finding.js';
import type { PlanComparison } from '../../core/plan/compare-plans.js';
import type { Plan } from '../../core/plan/plan.js';
import { planProblemLines, readPlan } from '../../core/plan/read-plan.js';
import { applyRelease, staleSavedPlan } from '../../engine/apply-release.js';
import { prepareRelease } from '../../engine/prepare-release.js';
import { ServiceResolver } from '../../engine/resolve-service.js';
import type { Command, ParsedArgs } from '../command.js';
import { EXIT, exitOf, stoppedExit, type CliIO } from '../io.js';
import { withFleet } from '../open-fleet.js';
import { lazyRuntime, releaseState } from '../runtime.js';
import { groupedFindings } from '../views/findings.js';
import { findingJson, writeJson } from '../views/json.js';
import { progressPrinter } from '../views/progress-view.js';
import { renderPlan } from '../views/plan-view.js';
import { releaseStart } from '../views/baseline-label.js';
import { intentAndScope, readAndCheck, releaseOptions } from './release-options.js';
import { stoppingHelp } from './state-options.js';

export const applyCommand: Command = {
  name: 'apply',
  usage: 'apply --env E [plan.json | --to REF] [--yes] [--break-lock]',
  details: `
Applies a saved plan, or plans the release to --to (default HEAD) and applies that. Refused,
with nothing touched, when the release has error findings, when a freeze forbids it, or when a
check that depends on config alone (database, cache, tcp, downstream URL) fails with the new
config.
A saved plan is an approval of one release, and apply trusts nothing in it that it can work
out again: it reads the plan's target and what is recorded as running, makes the plan again
(with the saved intent and scope), and refuses the file (exit 2, saying what differs) unless
that plan has the same steps (services, versions, content, config hashes), rollbacks, batches
in the same order with the same gates, and policy, from the same recorded state — and no error
finding the saved plan does not show (a freeze set or a pre-flight check failing since is
reported as new since the plan). It then deploys the plan it made, never the file's batches or
rollbacks. A file that is not a plan this tranche reads is refused with where it breaks.
Takes the environment's lock, then deploys batch by batch: every step is journaled before and
after the driver runs; each batch must pass health, sanity and bake before the next starts. On a
failed gate, policy.on_failure decides: rollback-batch, rollback-release or pause.

With the local driver each service's process is part of its gates: the process tranche started
must be alive and be the one listening on the port of the service's address (read from /proc on
Linux), whatever answers its checks. A process that exited fails the batch as check/exited (its
exit code and the last lines of its log); a port another process holds, as check/port-in-use
(that process's pid; the service is not started on it). The exec driver cannot tell which
process serves: its gates are the checks alone.
Asks for confirmation on a terminal; elsewhere --yes is required.

Before each batch the freezes are read again: one set since the release started that covers
what is left pauses it there (tranche unfreeze, then tranche resume).
--from is no what-if here: apply deploys from what is recorded, and refuses --from REF unless
every recorded service runs REF. With a plan file, --to, --intent and --scope are refused (the
plan fixes them).

${stoppingHelp}

Exit codes: 0 deployed; 1 refused (findings the plan shows, or the release has), locked, or
failed and rolled back; 2 unusable input (nothing touched), a saved plan that is not the release
apply would deploy now included; 3 needs an operator: paused (on_failure: pause, or a freeze),
failed and the rollback did not complete, or the state store failed; 129, 130, 141, 143 stopped.`,
  options: {
    ...releaseOptions,
    yes: { type: 'boolean', short: 'y', description: 'do not ask for confirmation' },
    'break-lock': { type: 'boolean', description: 'take over the lock of a tranche process that is no longer running' },
  },
  positionals: ['plan.json?'],
  run: (args, io) =>
    withFleet(args, io, async (fleet) => {
      // The store is opened once the input has been checked: an apply that exits 2 creates nothing.
      const lazy = lazyRuntime(fleet, args, io);
      return withCleanup(
        async () => {
          if (args.values.yes !== true && !io.stdin?.isTTY)
            throw new InputError('apply changes an environment: pass --yes to confirm (standard input is not a terminal)');
          const planFile = args.positionals[0];
          const saved = planFile === undefined ? undefined : readPlanFile(resolve(io.cwd, planFile), planFile);
          if (saved) refuseOptionsBeside(saved, args);
          // A saved plan is re-made from what it names — its target, environment, intent and
          // scope — against what is recorded now; the file itself deploys nothing.
          const release = saved ? { ...args, values: { ...args.values, intent: saved.intent, scope: saved.scope?.join(',') } } : args;
          const now = new Date().toISOString();
          // --from on apply is no what-if: it states what runs, and is refused unless that is what is recorded.
          const override = { assertFrom: true, ...(saved ? { env: saved.env, toRef: saved.to.commit } : {}) };
          const { revisions, check } = await readAndCheck(fleet, release, releaseState(fleet, io, lazy), now, override);
          const runtime = await lazy.get();
          const prepared = prepareRelease({ revisions, check, createdAt: saved?.createdAt ?? now, ...intentAndScope(release) });
          const plan = prepared.plan;
          const stale = saved && staleSavedPlan(saved, plan);
          if (stale) return refusePlan(io, args.json, planFile!, plan.env, stale.stale);

          if (!args.json && plan.batches.length) io.stderr.write(renderPlan(plan, releaseStart(revisions)));
          if (plan.batches.length && args.values.yes !== true) {
            if (!(await io.confirm(`Deploy ${plan.batches.reduce((n, b) => n + b.steps.length, 0)} service(s) to ${plan.env}? [y/N] `))) {
              io.stderr.write('nothing was deployed\n');
              return EXIT.findings;
            }
          }

          const progress = progressPrinter(io.stderr, args.json);
          const resolver = new ServiceResolver(fleet.git, fleet.cache, plan.env, revisions.fingerprints);
          resolver.remember(revisions.to);
          const outcome = await applyRelease(
            plan,
            prepared.targets,
            {
              ...runtime,
              driver: runtime.driverFor(revisions.to.manifest, plan.env),
              resolver,
              fleetRoot: fleet.root,
              emit: progress.emit,
              breakLock: args.values['break-lock'] === true,
              stop: io.stop,
            },
            saved,
          );
          if ('nothing' in outcome) {
            if (args.json) writeJson(io.stdout, { status: 'nothing-to-do', findings: plan.findings.map(findingJson) });
            else io.stdout.write(`nothing to deploy in ${plan.env}: every service already runs its target version and config\n`);
            return EXIT.ok;
          }
          if ('stale' in outcome) return refusePlan(io, args.json, planFile!, plan.env, outcome.stale);
          if ('refused' in outcome) {
            if (args.json) writeJson(io.stdout, { status: 'refused', findings: outcome.refused.map(findingJson) });
            else io.stdout.write(`${groupedFindings(outcome.refused)}\n\napply refused: nothing was deployed\n`);
            return EXIT.findings;
          }
          if (args.json) writeJson(io.stdout, { ...outcome, events: progress.events });
          else io.stdout.write(`release ${outcome.releaseId}: ${outcome.status} — ${outcome.summary}\n`);
          return outcome.stopped ? stoppedExit(outcome.stopped) : exitOf(outcome.status);
        },
        () => lazy.close(),
      );
    }),
};

/** A plan file, read and checked against the plan schema; unusable input (exit 2) with where it breaks otherwise. */
function readPlanFile(path: string, name: string): Plan {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    throw new InputError(`apply: cannot read the plan file ${name}`);
  }
  const decoded = decodeUtf8(bytes);
  if ('notUtf8' in decoded)
    throw new InputError(
      `apply: ${name} is not a plan: it is not UTF-8 text (a byte that is not at ${name}:${decoded.notUtf8.line}:${decoded.notUtf8.column})`,
    );
  const read = readPlan(decoded.text.replace(/^\uFEFF/, ''));
  if (read.problems) throw new InputError(`apply: ${name} is not a plan this tranche can read:\n  ${planProblemLines(read, name).join('\n  ')}`);
  return read.plan;
}

/** What a saved plan already fixes cannot be given again on the command line. */
function refuseOptionsBeside(saved: Plan, args: ParsedArgs): void {
  for (const option of ['to', 'intent', 'scope'] as const) {
    if (args.values[option] !== undefined)
      throw new InputError(`apply: give either a plan file or --${option}, not both (the plan fixes its ${option === 'to' ? 'target' : option})`);
  }
  if (args.values.env !== undefined && args.values.env !== saved.env)
    throw new InputError(`apply: the plan is for ${saved.env}, not ${String(args.values.env)}`);
}

const MAX_LINES = 20;

/**
 * A saved plan that is not the release apply would deploy now: what differs, and the error
 * findings it does not show. Unusable input (exit 2): nothing was deployed.
 */
function refusePlan(io: CliIO, json: boolean, file: string, env: string, comparison: PlanComparison): number {
  const headline = `apply: the plan in ${file} is not the release apply would deploy now; nothing was deployed`;
  const again = `make a new plan (tranche plan --env ${env} -o ${file}), review it, and apply that`;
  if (json) {
    writeJson(io.stdout, { error: `${headline}; ${again}`, differences: comparison.differences, findings: comparison.newErrors.map(findingJson) });
  }
  const lines = [`error: ${headline}:`];
  const { differences, newErrors } = comparison;
  lines.push(...capped(differences, '  ', ' difference(s)'));
  if (newErrors.length) {
    lines.push('  error findings now that the plan does not show:');
    lines.push(...capped(newErrors.map(newFinding), '    ', ''));
  }
  lines.push(again);
  io.stderr.write(`${lines.join('\n')}\n`);
  return EXIT.input;
}

/** The first MAX_LINES of `items`, indented, and how many more there are. */
function capped(items: readonly string[], indent: string, more: string): string[] {
  return [
    ...items.slice(0, MAX_LINES).map((line) => indent + line),
    ...(items.length > MAX_LINES ? [`${indent}and ${items.length - MAX_LINES} more${more}`] : []),
  ];
}

/** One new error finding on a line, saying what raised it when it is a freeze or a pre-flight check. */
function newFinding(f: Finding): string {
  const source =
    f.rule === 'change/frozen'
      ? ' — new since the plan: a freeze set after it was made'
      : f.rule === 'check/preflight-failed'
        ? ' — new since the plan: a pre-flight check run now'
        : '';
  return `${f.rule}${f.service ? ` ${f.service}` : ''}${f.key ? ` ${f.key}` : ''}: ${f.message}${source}`;
}
