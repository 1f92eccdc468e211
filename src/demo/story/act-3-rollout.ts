import { DEMO_ENV, DEMO_RESOURCE, serviceWithRole } from '../fleet/demo-services.js';
import { fixCommits } from '../fleet/migration-commits.js';
import { PortRelay } from '../port-relay.js';
import { migrationRelease } from './act-2-migration.js';
import { DemoError, expectExit, type DemoContext } from './demo-context.js';
import { whoUsesWhichPort } from './who-uses-which-port.js';

interface ShowJson {
  release: { id: string; status: string; summary?: string };
  findings: { rule: string; service?: string; message: string }[];
}

/**
 * Act 3: the corrected release, rolled out in batches while the database moves; ledger's batch
 * fails its sanity checks and is rolled back by itself. Returns the release id.
 */
export async function actThree(ctx: DemoContext): Promise<string> {
  const { narrator, ports, repo, tranche, database } = ctx;
  const ledger = serviceWithRole('lying-health').name;
  narrator.act(3, 'the corrected release, rolled out in batches');
  const from = await repo.head();
  for (const commit of fixCommits(ports)) await repo.apply(commit);
  narrator.say('The team fixes what tranche found, and takes the two unrelated changes out of this release (they go out on their own):');
  ctx.out.write(`$ git log --reverse --format='%h  %an: %s' ${from.slice(0, 7)}..HEAD\n`);
  ctx.out.write(await repo.git(['log', '--reverse', '--format=%h  %an: %s', `${from}..HEAD`]));
  narrator.gap();

  ctx.signal.throwIfAborted();
  await database.stop();
  await database.start(ports.newDb, ctx.signal);
  ctx.resources.relay = await PortRelay.open(ports.oldDb, ports.newDb);
  narrator.say(
    `Then the DBA moves the database: ${DEMO_RESOURCE} now listens on 127.0.0.1:${ports.newDb} (pid ${database.pid}). Its old port ` +
      `${ports.oldDb} stays served by a relay to the new one until every service has moved — as a pgbouncer or a DNS alias would ` +
      'in production — so the services not yet deployed keep working, and so does any batch that has to be rolled back to the old config.',
  );
  expectExit(await tranche.run(['check', '--env', DEMO_ENV, ...migrationRelease(ctx)]), 0, 'checking the corrected release');
  narrator.gap();
  narrator.say(
    'No error findings. Before restarting anything, apply runs every check that depends on config alone with the new config (the ' +
      `database checks against port ${ports.newDb}); then batch after batch: deploy, health, sanity, bake.`,
  );
  const apply = expectExit(await tranche.run(['apply', '--env', DEMO_ENV, ...migrationRelease(ctx), '--yes']), 1, 'rolling out the corrected release');
  narrator.gap();
  const releaseId = /^release (\S+): /m.exec(apply.stdout)?.[1];
  if (!releaseId) throw new DemoError('rolling out the corrected release: tranche printed no release id');

  const show = await tranche.read(['show', releaseId, '--json']);
  const record = JSON.parse(show.stdout) as ShowJson;
  const causes = record.findings.filter((f) => f.rule === 'check/lying-health' || f.rule === 'check/failed');
  if (record.release.status !== 'failed' || !causes.some((f) => f.rule === 'check/lying-health' && f.service === ledger)) {
    throw new DemoError(
      `rolling out the corrected release: expected ${ledger}'s batch to fail as a lying health check, got ${record.release.status}: ${record.release.summary ?? ''}`,
    );
  }
  narrator.say(`The cause, as recorded with release ${releaseId}:`);
  narrator.lines(causes.map((f) => `  ${f.rule.padEnd(20)} ${f.service ?? ''}: ${f.message}`));
  narrator.say(
    `${ledger}'s /health answered 200 while its /db failed: check/lying-health. Its batch was rolled back by itself to the ` +
      'previous version and config (policy on_failure: rollback-batch); the batches before it stay deployed. Who talks to which port now:',
  );
  narrator.lines(await whoUsesWhichPort(ctx));
  narrator.say(
    `The three services of the rolled-back batch are back on their previous config, through the relay on port ${ports.oldDb}: ` +
      `it stays until ${ledger} is fixed and that batch goes out again. Nothing went down on the way.`,
  );
  return releaseId;
}
