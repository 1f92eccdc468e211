import type { ContractChange, ContractDiff } from '../contract-change.js';
import { diffJsonSchema, type SchemaDirection } from '../diff-json-schema.js';
import type { AsyncApiChannel, AsyncApiContract, AsyncApiMessage } from './async-api-model.js';
import { avroIncompatibility } from './avro-compatibility.js';

/** What the application does with a channel's messages. */
type Action = 'send' | 'receive';

/**
 * What changes between two versions of an application's AsyncAPI document, channel by channel
 * (paired by address) and message by message. For a channel it sends to, what a consumer written
 * against `base` meets in the messages of `revision` (payloads compared producer-to-consumer,
 * with the response-side JSON Schema rules); for a channel it receives from, whether `revision`
 * still reads what producers written against `base` send (consumer-to-producer, request-side rules).
 */
export function diffAsyncApi(base: AsyncApiContract, revision: AsyncApiContract): ContractDiff {
  const changes: ContractChange[] = [];
  const next = new Map(revision.channels.map((c) => [c.address, c]));
  for (const channel of base.channels) {
    const after = next.get(channel.address);
    const { address } = channel;
    if (channel.sends.length > 0) {
      if (after?.sends.length) changes.push(...diffChannelMessages(channel.sends, after.sends, 'send', address));
      else
        changes.push({
          id: 'asyncapi-sent-channel-removed',
          level: 'ERR',
          operation: `send ${address}`,
          message: `no longer sends to channel ${address}${where(channel)}: its consumers receive nothing more`,
        });
    }
    if (channel.receives.length > 0) {
      if (after?.receives.length) changes.push(...diffChannelMessages(channel.receives, after.receives, 'receive', address));
      else
        changes.push({
          id: 'asyncapi-received-channel-removed',
          level: 'INFO',
          operation: `receive ${address}`,
          message: `no longer receives from channel ${address}${where(channel)}`,
        });
    }
  }
  return { changes };
}

/** The broker destination of a channel, when its protocol is known: ` (kafka topic orders.created.v1)`. */
function where(channel: AsyncApiChannel): string {
  return channel.protocol === undefined ? '' : ` (${channel.protocol} ${channel.destination.kind} ${channel.destination.name})`;
}

/**
 * The changes between the messages of one channel. Messages pair by name; a channel with one
 * message on each side pairs them whatever their names (a renamed message is the same stream).
 * Sending: a message no longer sent leaves its consumers waiting (WARN), a new one reaches
 * consumers not written for it (WARN). Receiving: a message no longer read is refused when old
 * producers, or queued messages, still carry it (ERR).
 */
export function diffChannelMessages(base: AsyncApiMessage[], revision: AsyncApiMessage[], action: Action, address: string): ContractChange[] {
  const operation = `${action} ${address}`;
  const changes: ContractChange[] = [];
  const single = base.length === 1 && revision.length === 1;
  const byName = new Map(revision.map((m) => [m.name, m]));
  const paired = new Set<AsyncApiMessage>();
  for (const message of base) {
    const after = single ? revision[0] : byName.get(message.name);
    if (after === undefined) {
      changes.push(
        action === 'send'
          ? { id: 'asyncapi-sent-message-removed', level: 'WARN', operation, path: message.name, message: `message ${message.name} is no longer sent` }
          : {
              id: 'asyncapi-received-message-removed',
              level: 'ERR',
              operation,
              path: message.name,
              message: `message ${message.name} is no longer received: what producers still send of it is refused`,
            },
      );
      continue;
    }
    paired.add(after);
    changes.push(...diffPayload(message, after, action === 'send' ? 'producer-to-consumer' : 'consumer-to-producer', operation));
  }
  for (const message of revision) {
    if (paired.has(message)) continue;
    changes.push(
      action === 'send'
        ? {
            id: 'asyncapi-sent-message-added',
            level: 'WARN',
            operation,
            path: message.name,
            message: `message ${message.name} is now sent: consumers written before it receive a message they do not know`,
          }
        : { id: 'asyncapi-received-message-added', level: 'INFO', operation, path: message.name, message: `message ${message.name} is now received` },
    );
  }
  return changes;
}

function diffPayload(base: AsyncApiMessage, revision: AsyncApiMessage, direction: SchemaDirection, operation: string): ContractChange[] {
  const name = revision.name;
  if (base.format !== revision.format)
    return [
      {
        id: 'asyncapi-payload-format-changed',
        level: 'ERR',
        operation,
        path: name,
        message: `message ${name}: the payload changed from ${base.format} to ${revision.format}`,
      },
    ];
  if (base.format === 'avro') {
    // Avro's schema resolution: the reader's schema must read what the writer's wrote.
    const [reader, writer] = direction === 'producer-to-consumer' ? [base.payload, revision.payload] : [revision.payload, base.payload];
    const why = avroIncompatibility(reader, writer);
    return why === undefined
      ? []
      : [
          {
            id: 'asyncapi-avro-payload-incompatible',
            level: 'ERR',
            operation,
            path: name,
            message: `message ${name}: Avro payloads no longer resolve: ${why}`,
          },
        ];
  }
  return diffJsonSchema(base.payload, revision.payload, direction).changes.map((c) => ({
    ...c,
    operation,
    path: `${name}${c.path ?? ''}`,
  }));
}
