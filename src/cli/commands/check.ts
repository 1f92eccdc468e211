import { prepareRelease } from '../../engine/prepare-release.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { withFleet } from '../open-fleet.js';
import { readAndCheck, releaseOptions } from './release-options.js';
import { hasState, lazyRuntime } from '../runtime.js';
import { renderCheck, checkJson } from '../views/check-view.js';
import { writeJson } from '../views/json.js';

export const checkCommand: Command = {
  name: 'check',
  summary: 'List the findings of a release, before anything restarts. No side effects.',
  usage: 'check --env E [--from REF] [--to REF]',
  details: `
Resolves the config of every service in E at --to (default HEAD) and runs the config rules:
config/missing, config/invalid, config/unknown-key, config/drift, config/plaintext-secret, and —
comparing with --from — config/shadowed-change and config/stale-value; the change, deps and
contract rules (every old/new pairing of consumer and provider the planned rollout, or a
rollback of part of it, lets exist). Severities follow policy.rules in tranche.yaml. Findings
are grouped by service with file:line and a fix. --from defaults to the commit recorded as
deployed in E; when there is none, the comparing rules are skipped, and the output says so.

Exit codes: 0 no error findings; 1 error findings; 2 unusable input (manifest, flags, refs).`,
  options: releaseOptions,
  positionals: [],
  run: (args, io) =>
    withFleet(args, io, async (fleet) => {
      const state = hasState(fleet, args, io) ? lazyRuntime(fleet, args, io) : undefined;
      try {
        const now = new Date().toISOString();
        const { revisions, check: checked } = await readAndCheck(fleet, args, state && (async () => (await state.get()).store), now);
        // Contract findings depend on the batch order, which only the plan knows.
        const check = checked.contracts?.length
          ? { ...checked, findings: prepareRelease({ check: checked, deployed: revisions.deployed, createdAt: now }).plan.findings }
          : checked;
        if (args.json) writeJson(io.stdout, checkJson(check));
        else io.stdout.write(renderCheck(check));
        return check.findings.some((f) => f.severity === 'error') ? EXIT.findings : EXIT.ok;
      } finally {
        await state?.close();
      }
    }),
};
