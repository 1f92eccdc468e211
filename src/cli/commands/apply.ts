import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InputError } from '../../core/input-error.js';
import { planStaleness } from '../../core/plan/plan-staleness.js';
import type { Plan } from '../../core/plan/plan.js';
import { applyRelease } from '../../engine/apply-release.js';
import { prepareRelease } from '../../engine/prepare-release.js';
import { ServiceResolver } from '../../engine/resolve-service.js';
import type { Command } from '../command.js';
import { EXIT, exitOf } from '../io.js';
import { withFleet } from '../open-fleet.js';
import { lazyRuntime, releaseState } from '../runtime.js';
import { groupedFindings } from '../views/findings.js';
import { findingJson, writeJson } from '../views/json.js';
import { progressPrinter } from '../views/progress-view.js';
import { renderPlan } from '../views/plan-view.js';
import { releaseStart } from '../views/baseline-label.js';
import { intentAndScope, readAndCheck, releaseOptions } from './release-options.js';

export const applyCommand: Command = {
  name: 'apply',
  summary: 'Roll a release out in validated batches; roll back by itself when a batch fails.',
  usage: 'apply --env E [plan.json | --to REF] [--yes] [--break-lock]',
  details: `
Applies a saved plan (refused when the deployed state or the target moved since it was made),
or plans the release to --to (default HEAD) and applies that. Refused, with nothing touched,
when the release has error findings, when a freeze forbids it, or when a check that depends on
config alone (database, cache, tcp, downstream URL) fails with the new config.
Takes the environment's lock, then deploys batch by batch: every step is journaled before and
after the driver runs; each batch must pass health, sanity and bake before the next starts. On a
failed gate, policy.on_failure decides: rollback-batch, rollback-release or pause.
Asks for confirmation on a terminal; elsewhere --yes is required.

Before each batch the freezes are read again: one set since the release started that covers
what is left pauses it there (tranche unfreeze, then tranche resume).
--from is no what-if here: apply deploys from what is recorded, and refuses --from REF unless
every recorded service runs REF.

Exit codes: 0 deployed; 1 refused (findings), locked, or failed and rolled back; 2 unusable
input (nothing touched); 3 needs an operator: paused (on_failure: pause, or a freeze), or failed
and the rollback did not complete.`,
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
      try {
        if (args.values.yes !== true && !io.stdin?.isTTY) throw new InputError('apply changes an environment: pass --yes to confirm (standard input is not a terminal)');
        const planFile = args.positionals[0];
        const saved = planFile === undefined ? undefined : readPlan(resolve(io.cwd, planFile));
        if (saved && args.values.to !== undefined) throw new InputError('apply: give either a plan file or --to, not both');
        if (saved && args.values.env !== undefined && args.values.env !== saved.env) throw new InputError(`apply: the plan is for ${saved.env}, not ${String(args.values.env)}`);
        const now = new Date().toISOString();
        // --from on apply is no what-if: it states what runs, and is refused unless that is what is recorded.
        const override = { assertFrom: true, ...(saved ? { env: saved.env, toRef: saved.to.commit } : {}) };
        const { revisions, check } = await readAndCheck(fleet, args, releaseState(fleet, io, lazy), now, override);
        const runtime = await lazy.get();
        const prepared = prepareRelease({ revisions, check, createdAt: now, ...intentAndScope(args), ...(saved ? intentAndScope({ values: { intent: saved.intent, scope: saved.scope?.join(',') } }) : {}) });
        if (saved) {
          const stale = planStaleness(saved, prepared.plan);
          if (stale) throw new InputError(`apply: the plan in ${planFile} is stale: ${stale}; make a new one with tranche plan`);
        }
        // A saved plan deploys its own batches (the same as a fresh plan's, or it is stale) and
        // is judged on today's findings: what was checked is what deploys.
        const plan = saved ? { ...saved, findings: prepared.plan.findings } : prepared.plan;

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
        const outcome = await applyRelease(plan, prepared.targets, {
          ...runtime,
          driver: runtime.driverFor(revisions.to.manifest, plan.env),
          resolver,
          fleetRoot: fleet.root,
          emit: progress.emit,
          breakLock: args.values['break-lock'] === true,
        });
        if ('nothing' in outcome) {
          if (args.json) writeJson(io.stdout, { status: 'nothing-to-do', findings: plan.findings.map(findingJson) });
          else io.stdout.write(`nothing to deploy in ${plan.env}: every service already runs its target version and config\n`);
          return EXIT.ok;
        }
        if ('refused' in outcome) {
          if (args.json) writeJson(io.stdout, { status: 'refused', findings: outcome.refused.map(findingJson) });
          else io.stdout.write(`${groupedFindings(outcome.refused)}\n\napply refused: nothing was deployed\n`);
          return EXIT.findings;
        }
        if (args.json) writeJson(io.stdout, { ...outcome, events: progress.events });
        else io.stdout.write(`release ${outcome.releaseId}: ${outcome.status} — ${outcome.summary}\n`);
        return exitOf(outcome.status);
      } finally {
        await lazy.close();
      }
    }),
};

function readPlan(path: string): Plan {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new InputError(`apply: cannot read the plan file ${path}`);
  }
  let plan: Plan;
  try {
    plan = JSON.parse(text) as Plan;
  } catch (error) {
    throw new InputError(`apply: ${path} is not JSON: ${(error as Error).message}`);
  }
  if (plan?.format !== 1 || typeof plan.env !== 'string' || !Array.isArray(plan.batches) || typeof plan.to?.commit !== 'string') {
    throw new InputError(`apply: ${path} is not a tranche plan (made by tranche plan -o)`);
  }
  return plan;
}
