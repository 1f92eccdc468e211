import { DEMO_DATABASE, DEMO_ENV, DEMO_RESOURCE, DEMO_SERVICES } from '../fleet/demo-services.js';
import { fleetFilesV1 } from '../fleet/fleet-files.js';
import { expectExit, type DemoContext } from './demo-context.js';

/** Act 1: the fleet as it runs today — v1 of every service, deployed with the local driver. */
export async function actOne(ctx: DemoContext): Promise<void> {
  const { narrator, ports, repo, tranche } = ctx;
  narrator.act(1, 'the shop, as it runs today');
  await repo.write(fleetFilesV1(ports));
  await repo.commit({ name: 'Dana Kim', email: 'dana@shop.example' }, 'The shop: fifteen services on fleet-db');
  await repo.tag('v1');
  narrator.say(
    `The shop is ${DEMO_SERVICES.length} services sharing one Postgres, ${DEMO_RESOURCE} (${ctx.database.version}, pid ${ctx.database.pid}, on 127.0.0.1:${ports.oldDb}). ` +
      `Each is a real Node HTTP server: /db counts the rows of its own table in the ${DEMO_DATABASE} database, through libs/pg-wire, ` +
      'a small hand-written Postgres client (the fleet has no npm dependencies). /health asks the database too — in all but one of them.',
    `tranche.yaml declares ${DEMO_RESOURCE} once, and the services bind DB_HOST, DB_PORT and DB_NAME to it. ` +
      'A release goes out in batches of 3; each batch must pass health, then sanity checks that go through the service to the ' +
      'database (GET /db) and to the database directly, then a 1 s bake. This is v1, committed (tag v1) in a new git repository; ' +
      'every command below runs in it:',
  );
  ctx.out.write(`$ cd ${repo.root}\n`);
  expectExit(await tranche.run(['validate']), 0, 'validating the fleet');
  narrator.gap();
  expectExit(await tranche.run(['apply', '--env', DEMO_ENV, '--intent', 'first deploy of the shop', '--yes']), 0, 'deploying v1');
  narrator.gap();
  narrator.say(`All ${DEMO_SERVICES.length} services run as local processes (the local driver), each answering from the database on port ${ports.oldDb}.`);
}
