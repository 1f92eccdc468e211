import { DEMO_ENV, DEMO_RESOURCE, DEMO_SERVICES, serviceWithRole } from '../fleet/demo-services.js';
import { migrationCommits } from '../fleet/migration-commits.js';
import { expectExit, expectOutput, type DemoContext } from './demo-context.js';

/** The intent and scope every release of the migration is declared with. */
export function migrationRelease(ctx: DemoContext): string[] {
  return ['--scope', 'config', '--intent', `move ${DEMO_RESOURCE} to port ${ctx.ports.newDb}`];
}

/** The rule ids act 2 must show, each with its place. */
const ACT_2_RULES = ['config/shadowed-change', 'config/stale-value', 'change/unrelated', 'deps/transitive-change'];

/** Act 2: the migration as it was merged, with its mistakes — and what `tranche check` says of it. */
export async function actTwo(ctx: DemoContext): Promise<void> {
  const { narrator, ports, repo, tranche } = ctx;
  narrator.act(2, `the migration: ${DEMO_RESOURCE} moves to port ${ports.newDb}`);
  const from = await repo.head();
  for (const commit of migrationCommits(ports)) await repo.apply(commit);
  const cart = serviceWithRole('env-override').name;
  const checkout = serviceWithRole('dotenv-override').name;
  const inventory = serviceWithRole('literal-port').name;
  narrator.say(
    `The DBA moves ${DEMO_RESOURCE} from port ${ports.oldDb} to ${ports.newDb}: one line of tranche.yaml, and every service that binds ` +
      'DB_PORT follows. A trivial change, merged quickly — with what was merged alongside it:',
  );
  ctx.out.write(`$ git log --reverse --format='%h  %an: %s' ${from.slice(0, 7)}..HEAD\n`);
  ctx.out.write(await repo.git(['log', '--reverse', '--format=%h  %an: %s', `${from}..HEAD`]));
  narrator.gap();
  narrator.say(
    `Deployed in one go, this is the classic outage. ${cart} and ${checkout} still override DB_PORT with the old port (a deployment ` +
      `variable, a dotenv file left by an old deploy script) and ${inventory} has it as a literal in its config file: all three ` +
      `keep talking to port ${ports.oldDb}, and fail when it goes away. In the same deploy, the "misc fixes" and a regenerated ` +
      'lockfile change what nobody reviewed as part of a port move. The failures look unrelated, and the rollback is a mess.',
    'tranche reads both revisions — what is deployed and the target — resolves every key of every service with its provenance, ' +
      'and diffs the lockfiles. The release declares its intent and its scope (config):',
  );
  const check = expectExit(await tranche.run(['check', '--env', DEMO_ENV, ...migrationRelease(ctx)]), 1, 'checking the migration');
  expectOutput(check, ACT_2_RULES, 'checking the migration');
  narrator.gap();
  narrator.say(
    'Every cause is found before anything restarts, each with its rule and the file and line to fix. tranche apply refuses a ' +
      `release with error findings: none of this reaches the ${DEMO_SERVICES.length} services.`,
  );
  const ledger = serviceWithRole('lying-health').name;
  narrator.say(
    `One change passed every rule: ${ledger} now reads from a database named "ledger" (services/${ledger}/config/prod.yaml). ` +
      `That database does not exist, and no static rule can know it. Its /health would not tell either: it answers 200 without asking the database.`,
  );
}
