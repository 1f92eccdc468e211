import { InputError } from '../../core/input-error.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { withFleet } from '../open-fleet.js';
import { hasState, withReadRuntime } from '../runtime.js';
import { groupedFindings } from '../views/findings.js';
import { findingJson, writeJson } from '../views/json.js';
import { renderChanges } from '../views/changes-view.js';
import { renderPlan } from '../views/plan-view.js';
import { planStart } from '../views/baseline-label.js';
import { stateOptions } from './state-options.js';

export const showCommand: Command = {
  name: 'show',
  usage: 'show RELEASE',
  details: `
The release's plan (what each step deployed and the config keys it changed, secrets as
fingerprints), every journal record in order, every check run and every finding.

Exit codes: 0 shown; 2 unknown release.`,
  options: { state: stateOptions.state! },
  positionals: ['RELEASE'],
  run: (args, io) =>
    withFleet(args, io, async (fleet) => {
      if (!hasState(fleet, args, io)) {
        throw new InputError(`no release ${args.positionals[0]!} is recorded; see tranche history`);
      }
      return withReadRuntime(fleet, args, io, async (runtime) => {
        const id = args.positionals[0]!;
        const release = await runtime.store.getRelease(id);
        if (!release) throw new InputError(`no release ${id} is recorded; see tranche history`);
        const [journal, checks, findings] = await Promise.all([runtime.store.journal(id), runtime.store.checks(id), runtime.store.findings(id)]);
        if (args.json) {
          writeJson(io.stdout, { release, journal, checks, findings: findings.map(findingJson) });
          return EXIT.ok;
        }
        const plan = release.plan;
        const lines = [
          `release ${release.id} of ${release.env}: ${release.status}${release.summary ? ` — ${release.summary}` : ''}`,
          `by ${release.by.user}@${release.by.host}, ${release.startedAt}${release.finishedAt ? ` → ${release.finishedAt}` : ''}${release.intent ? `; intent: ${release.intent}` : ''}`,
          '',
          renderPlan(plan),
          ...(plan.changes ? [renderChanges(plan.changes, planStart(plan))] : []),
          'journal:',
          ...journal.map(
            (e) =>
              `  ${e.seq}. ${e.at}  batch ${e.batch}  ${e.kind} ${e.event}${e.service ? `  ${e.service}` : ''}${e.detail?.error ? `: ${String(e.detail.error)}` : ''}${e.event === 'stopped' ? ` by ${String(e.detail?.by)}${e.detail?.atOnce ? ', at once' : ''}` : ''}${e.event === 'taken-over' ? ` from ${operator(e.detail?.from)} by ${operator(e.detail?.by)}` : ''}`,
          ),
          '',
          `checks: ${checks.length} run, ${checks.filter((c) => !c.ok).length} failed`,
          ...checks.filter((c) => !c.ok).map((c) => `  ✗ batch ${c.batch} ${c.gate} ${c.service}: ${c.name}: ${c.message}`),
          '',
        ];
        if (findings.length) lines.push(groupedFindings(findings), '');
        io.stdout.write(lines.join('\n'));
        return EXIT.ok;
      });
    }),
};

/** `user@host (pid N)`, of an operator a journal entry records. */
function operator(recorded: unknown): string {
  const { user, host, pid } = (recorded ?? {}) as { user?: unknown; host?: unknown; pid?: unknown };
  return `${String(user)}@${String(host)} (pid ${String(pid)})`;
}
