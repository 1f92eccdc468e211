import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { prepareRelease } from '../../engine/prepare-release.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { withFleet } from '../open-fleet.js';
import { writeJson } from '../views/json.js';
import { notesJson, notesText, releaseStart } from '../views/baseline-label.js';
import { planJson, renderPlan } from '../views/plan-view.js';
import { intentAndScope, releaseOptions, withCheckedRelease } from './release-options.js';

export const planCommand: Command = {
  name: 'plan',
  usage: 'plan --env E [--from REF] [--to REF] [--intent TEXT] [--scope config,code,deps,contract] [-o plan.json]',
  details: `
Only services whose code or resolved config changes are in the plan. Batches hold at most
policy.batch_size services; a service comes after the services it depends_on that also change,
and in the order its contracts need: an old consumer that breaks on the new provider goes
first, a new consumer that needs the new provider after it (contract/needs-provider-first), an
event consumer before its producer. Every old/new pairing the batches let exist, and those a
rollback of part of the plan would create, is checked (contract/breaking, no-safe-order,
rollback-unsafe). With policy.separate_config, config-only changes go out first in their own
batches. Each step says what it deploys and how it is rolled back; each batch lists its gates
(health, sanity, bake) and why it is where it is. The plan carries the release's findings (see tranche check).
-o writes the plan as JSON (format 1, schema/plan.schema.json) for tranche apply, which makes
the plan again and refuses the file unless it is that plan: same steps, rollbacks, batch order
and policy, from the same recorded state, and no error finding it does not show. Each service
starts from what it runs in E, as recorded; --from REF plans a what-if (as if every service ran
REF), which apply refuses unless that is what runs.

Exit codes: 0 no error findings; 1 error findings; 2 unusable input.`,
  options: {
    ...releaseOptions,
    output: { type: 'string', short: 'o', value: 'FILE', description: 'write the plan as JSON to FILE' },
  },
  positionals: [],
  run: (args, io) =>
    withFleet(args, io, (fleet) =>
      withCheckedRelease(fleet, args, io, async ({ revisions, check, now }) => {
        const { plan } = prepareRelease({ revisions, check, createdAt: now, ...intentAndScope(args) });
        const output = args.values.output as string | undefined;
        if (output !== undefined) writeFileSync(resolve(io.cwd, output), io.secrets.redact(`${JSON.stringify(plan, null, 2)}\n`));
        if (args.json) writeJson(io.stdout, { ...planJson(plan), ...notesJson(revisions.notes) });
        else
          io.stdout.write(
            renderPlan(plan, releaseStart(revisions)) +
              notesText(revisions.notes) +
              (output ? `plan written to ${output}; apply it with tranche apply --env ${plan.env} ${output}\n` : ''),
          );
        return plan.findings.some((f) => f.severity === 'error') ? EXIT.findings : EXIT.ok;
      }),
    ),
};
