import { type AsyncApiChannel, type AsyncApiContract, type AsyncApiMessage, AsyncApiProblem, type DocumentPath } from './async-api-model.js';
import { destinationOf } from './destination-of.js';
import { type PlaceOf, placesIn } from './document-places.js';
import { readMessage } from './read-message.js';

type Mapping = Record<string, unknown>;

/**
 * Reads an AsyncAPI 2.x or 3.0 document whose `$ref`s are resolved (each location one object, as
 * `resolveRefs` gives it): its channels, the messages the application sends to each and receives
 * from each. In 2.x a channel's `subscribe` operation is what the application sends (others
 * subscribe to it) and `publish` what it receives; in 3.0 an operation says `action: send` or
 * `receive`, and names its channel and messages by `$ref`. Anything that cannot be read is an
 * `AsyncApiProblem` at its place in the document.
 */
export function readAsyncApi(document: unknown): AsyncApiContract {
  const root = mapping(document, [], 'an AsyncAPI document');
  const version = root.asyncapi;
  if (typeof version !== 'string') throw new AsyncApiProblem('not an AsyncAPI document: it has no asyncapi version', ['asyncapi']);
  if (/^2\.\d+\.\d+$/.test(version)) return { version, channels: readChannels2(root, placesIn(root)) };
  if (/^3\.0\.\d+$/.test(version)) return { version, channels: readChannels3(root, placesIn(root)) };
  throw new AsyncApiProblem(`AsyncAPI ${version} is not supported (2.x and 3.0 are)`, ['asyncapi']);
}

/** A channel's name is the fleet's name of an event, printed in findings: no line break or terminal control in it. */
function printable(name: string, path: DocumentPath, what: string): void {
  if (/[\u0000-\u001f\u007f-\u009f]/.test(name)) throw new AsyncApiProblem(`${what} ${JSON.stringify(name)} holds a control character`, path);
}

function readChannels2(root: Mapping, placeOf: PlaceOf): AsyncApiChannel[] {
  const servers = optionalMapping(root.servers, ['servers'], 'servers');
  return Object.entries(optionalMapping(root.channels, ['channels'], 'channels')).map(([name, value]) => {
    const path = ['channels', name];
    const channel = mapping(value, path, `channel ${name}`);
    const named = channel.servers === undefined ? Object.values(servers) : list(channel.servers, [...path, 'servers']).map((s) => servers[String(s)]);
    const operation = (key: 'subscribe' | 'publish') =>
      channel[key] === undefined ? [] : operationMessages2(mapping(channel[key], [...path, key], `the ${key} operation of ${name}`), [...path, key], placeOf);
    printable(name, path, 'channel');
    return {
      key: name,
      address: name,
      ...destinationOf(name, named, channel.bindings),
      sends: operation('subscribe'),
      receives: operation('publish'),
      ...(channel.publish !== undefined ? { receivePath: [...path, 'publish'] } : {}),
    };
  });
}

/** A 2.x operation's `message`: one message, or several under `oneOf`. */
function operationMessages2(operation: Mapping, path: DocumentPath, placeOf: PlaceOf): AsyncApiMessage[] {
  if (operation.message === undefined) return [];
  const message = mapping(operation.message, [...path, 'message'], 'a message');
  const fallback = typeof operation.operationId === 'string' ? operation.operationId : 'message';
  if (message.oneOf === undefined) return [readMessage(message, [...path, 'message'], fallback, placeOf)];
  return list(message.oneOf, [...path, 'message', 'oneOf']).map((m, i) =>
    readMessage(mapping(m, [...path, 'message', 'oneOf', i], 'a message'), [...path, 'message', 'oneOf', i], `${fallback}#${i}`, placeOf),
  );
}

function readChannels3(root: Mapping, placeOf: PlaceOf): AsyncApiChannel[] {
  const servers = Object.values(optionalMapping(root.servers, ['servers'], 'servers'));
  const byObject = new Map<unknown, { channel: AsyncApiChannel; messages: Map<unknown, AsyncApiMessage> }>();
  const channels = Object.entries(optionalMapping(root.channels, ['channels'], 'channels')).map(([key, value]) => {
    const path = ['channels', key];
    const raw = mapping(value, path, `channel ${key}`);
    // A null address is one only known at run time: the key is the best name the document gives.
    if (raw.address !== undefined && raw.address !== null && typeof raw.address !== 'string')
      throw new AsyncApiProblem(`channel ${key}: address must be a string`, [...path, 'address']);
    const address = typeof raw.address === 'string' ? raw.address : key;
    printable(address, typeof raw.address === 'string' ? [...path, 'address'] : path, 'channel address');
    const messages = new Map<unknown, AsyncApiMessage>();
    for (const [name, message] of Object.entries(optionalMapping(raw.messages, [...path, 'messages'], 'messages')))
      messages.set(message, readMessage(mapping(message, [...path, 'messages', name], 'a message'), [...path, 'messages', name], name, placeOf));
    const on = raw.servers === undefined ? servers : list(raw.servers, [...path, 'servers']);
    const channel: AsyncApiChannel = { key, address, ...destinationOf(address, on, raw.bindings), sends: [], receives: [] };
    byObject.set(value, { channel, messages });
    return channel;
  });
  for (const [key, value] of Object.entries(optionalMapping(root.operations, ['operations'], 'operations'))) {
    const path = ['operations', key];
    const operation = mapping(value, path, `operation ${key}`);
    if (operation.action !== 'send' && operation.action !== 'receive')
      throw new AsyncApiProblem(`operation ${key}: action must be send or receive`, [...path, 'action']);
    const target = byObject.get(operation.channel);
    if (!target) throw new AsyncApiProblem(`operation ${key}: channel must be a $ref to one of the document's channels`, [...path, 'channel']);
    const chosen =
      operation.messages === undefined
        ? [...target.messages.values()]
        : list(operation.messages, [...path, 'messages']).map((m, i) => {
            const message = target.messages.get(m);
            if (!message)
              throw new AsyncApiProblem(`operation ${key}: message ${i} must be a $ref to a message of channel ${target.channel.key}`, [
                ...path,
                'messages',
                i,
              ]);
            return message;
          });
    const into = operation.action === 'send' ? target.channel.sends : target.channel.receives;
    for (const message of chosen) if (!into.includes(message)) into.push(message);
    if (operation.action === 'receive') target.channel.receivePath ??= path;
  }
  return channels;
}

function mapping(value: unknown, path: DocumentPath, what: string): Mapping {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new AsyncApiProblem(`${what} must be a mapping`, path);
  return value as Mapping;
}

function optionalMapping(value: unknown, path: DocumentPath, what: string): Mapping {
  return value === undefined ? {} : mapping(value, path, what);
}

function list(value: unknown, path: DocumentPath): unknown[] {
  if (!Array.isArray(value)) throw new AsyncApiProblem(`${path.at(-1)} must be a list`, path);
  return value;
}
