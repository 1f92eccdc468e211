import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { AckPolicy, jetstreamManager, StorageType } from '@nats-io/jetstream';
import { connect as natsConnect } from '@nats-io/transport-node';
import { connect as amqpConnect } from 'amqplib';
import type { GitRepo } from '../support/git-repo.js';
import { formsIn } from '../support/secret-forms.js';
import { execFleet } from './exec-fleet.js';

// Broker checks as a user runs them: `tranche apply` runs them before anything restarts (they
// depend on config alone), then after the deploy; against the RabbitMQ and NATS of this machine.
const repos: GitRepo[] = [];
const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  repos.forEach((r) => r.dispose());
  for (const cleanup of cleanups) await cleanup();
});

const id = randomUUID().replaceAll('-', '');
const QUEUE = `tranche-cli-${id}`;
const STREAM = `TRANCHE_CLI_${id}`;
/** A secret key's value: the AMQP password in a URL's user info (so none of @ : / ? #), and a NATS token. */
const PASSWORD = `pw+Cli=Secret~é-${id.slice(0, 8)}`;

const MANIFEST = `version: 1
name: bus
environments:
  dev: { driver: exec }
policy: { batch_size: 1, bake: 0s }
resources:
  bus:
    kind: amqp
    values:
      dev: { host: 127.0.0.1, port: 5672, queue: ${QUEUE} }
  events:
    kind: nats
    values:
      dev: { servers: "nats://127.0.0.1:4222", stream: ${STREAM}, consumer: billing }
services:
  a:
    path: services/a
    exec:
      deploy: [node, -e, "process.exit(0)"]
    config:
      schema:
        AMQP_QUEUE: { type: string, bind: bus.queue }
        AMQP_PASSWORD: { type: string, secret: true, required: true }
        NATS_URL: { type: string, bind: events.servers }
        NATS_STREAM: { type: string, bind: events.stream }
      sources:
        - dotenv: deploy/{env}.env
    checks:
      sanity:
        - name: the orders queue
          timeout: 3s
          amqp: { url: "amqp://guest:\${AMQP_PASSWORD}@127.0.0.1:5672/", queue: "\${AMQP_QUEUE}", round_trip: true }
        - name: the orders stream
          timeout: 3s
          nats: { servers: "\${NATS_URL}", stream: "\${NATS_STREAM}", consumer: billing, token: "\${AMQP_PASSWORD}" }
`;

/** Every file under `dir`, as text. */
function filesUnder(dir: string): { where: string; text: string }[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { where: path, text: readFileSync(path).toString('latin1') + readFileSync(path, 'utf8') };
    });
}

describe('kafka, amqp and nats checks through tranche apply', () => {
  test('refuse a release whose queue and stream are missing or whose login is wrong, before anything restarts, naming each; then let it through', async () => {
    const fleet = execFleet(repos, { '.gitignore': '.tranche/\nservices/a/deploy/\n' }, MANIFEST);
    fleet.repo.write({ 'services/a/deploy/dev.env': `AMQP_PASSWORD='${PASSWORD}'\n` });
    const seen: { where: string; text: string }[] = [];
    const run = (args: string[]) => {
      const result = fleet.run(args);
      seen.push({ where: `tranche ${args.join(' ')}`, text: result.stdout + result.stderr });
      return result;
    };

    const refused = run(['apply', '--env', 'dev', '--yes']);
    assert.notEqual(refused.code, 0, refused.stdout + refused.stderr);
    const said = refused.stdout + refused.stderr;
    assert.match(said, /apply refused: nothing was deployed/);
    assert.match(
      said,
      /error {2}check\/preflight-failed {2}\[dev\]\n {6}check "the orders queue" fails with the new config, before anything restarts: 127\.0\.0\.1:5672 refused the credentials of guest: ACCESS_REFUSED/,
    );
    assert.match(
      said,
      new RegExp(
        `check "the orders stream" fails with the new config, before anything restarts: the JetStream stream ${STREAM} does not exist on 127\\.0\\.0\\.1:4222`,
      ),
    );
    assert.deepEqual(fleet.deployed(), {}, 'nothing was deployed');
    run(['apply', '--env', 'dev', '--yes', '--json']);

    // The login right (the secret is now guest's password), but the queue still missing.
    fleet.repo.write({ 'services/a/deploy/dev.env': "AMQP_PASSWORD='guest'\n" });
    const missing = run(['apply', '--env', 'dev', '--yes']);
    assert.notEqual(missing.code, 0);
    assert.match(
      missing.stdout + missing.stderr,
      new RegExp(`check "the orders queue" .*: the queue ${QUEUE} does not exist in vhost / on 127\\.0\\.0\\.1:5672`),
    );

    const rabbit = await amqpConnect('amqp://guest:guest@127.0.0.1:5672');
    const channel = await rabbit.createChannel();
    await channel.assertQueue(QUEUE, { durable: false });
    const nats = await natsConnect({ servers: '127.0.0.1:4222' });
    const streams = await jetstreamManager(nats);
    await streams.streams.add({ name: STREAM, subjects: [`tranche.cli.${id}.>`], storage: StorageType.Memory });
    await streams.consumers.add(STREAM, { durable_name: 'billing', ack_policy: AckPolicy.Explicit });
    cleanups.push(async () => {
      await channel.deleteQueue(QUEUE);
      await rabbit.close();
      await streams.streams.delete(STREAM);
      await nats.close();
    });

    const applied = run(['apply', '--env', 'dev', '--yes']);
    assert.equal(applied.code, 0, applied.stdout + applied.stderr);
    assert.deepEqual(Object.keys(fleet.deployed()), ['a']);
    run(['history']);
    run(['status', '--env', 'dev', '--json']);

    for (const { where, text } of [...seen, ...filesUnder(join(fleet.repo.dir, '.tranche'))]) {
      assert.deepEqual(formsIn(text, PASSWORD), [], `${where} holds the password`);
    }
  });
});
