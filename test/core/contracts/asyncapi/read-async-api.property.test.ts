import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { type AsyncApiContract, AsyncApiProblem, diffAsyncApi, readAsyncApi, specLocator } from '../../../../src/core/contracts/asyncapi/index.js';
import { parseSpecText, resolveRefs } from '../../../../src/core/contracts/index.js';

/** A channel as a test states it: what the application sends to it and receives from it. */
interface ChannelModel {
  address: string;
  sends: string[];
  receives: string[];
}

const name = fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,8}$/);
const payload = fc
  .oneof(
    fc.constant({ type: 'string' }),
    fc.record({ type: fc.constant('object'), required: fc.constant(['id']), properties: fc.constant({ id: { type: 'integer' } }) }),
    fc.constant({ type: 'array', items: { type: 'number' } }),
  )
  .map((schema) => JSON.parse(JSON.stringify(schema)) as unknown); // plain objects, as a parser gives

const channelModels = fc.uniqueArray(
  fc.record({
    address: fc.stringMatching(/^[a-z][a-z0-9.\-/]{0,20}$/),
    sends: fc.uniqueArray(name, { maxLength: 3 }),
    receives: fc.uniqueArray(name, { maxLength: 3 }),
  }),
  { selector: (c) => c.address, maxLength: 5 },
);

/** The 2.6 form: one subscribe (sends) and one publish (receives) operation per channel, messages in components. */
function document26(channels: ChannelModel[], payloads: Map<string, unknown>): unknown {
  const messages: Record<string, unknown> = {};
  const operation = (names: string[], prefix: string) => {
    for (const n of names) messages[`${prefix}${n}`] = { messageId: n, payload: payloads.get(n) };
    const refs = names.map((n) => ({ $ref: `#/components/messages/${prefix}${n}` }));
    return refs.length === 1 ? { message: refs[0] } : { message: { oneOf: refs } };
  };
  return {
    asyncapi: '2.6.0',
    info: { title: 't', version: '1' },
    channels: Object.fromEntries(
      channels.map((c, i) => [
        c.address,
        {
          ...(c.sends.length ? { subscribe: operation(c.sends, `s${i}`) } : {}),
          ...(c.receives.length ? { publish: operation(c.receives, `r${i}`) } : {}),
        },
      ]),
    ),
    components: { messages },
  };
}

/** The 3.0 form: channels keyed apart from their address, operations naming them by $ref. */
function document30(channels: ChannelModel[], payloads: Map<string, unknown>): unknown {
  const operations: Record<string, unknown> = {};
  const all = channels.map((c, i) => {
    const names = [...new Set([...c.sends, ...c.receives])];
    const ref = (n: string) => ({ $ref: `#/channels/c${i}/messages/${n}` });
    if (c.sends.length) operations[`send${i}`] = { action: 'send', channel: { $ref: `#/channels/c${i}` }, messages: c.sends.map(ref) };
    if (c.receives.length) operations[`receive${i}`] = { action: 'receive', channel: { $ref: `#/channels/c${i}` }, messages: c.receives.map(ref) };
    return [`c${i}`, { address: c.address, messages: Object.fromEntries(names.map((n) => [n, { payload: payloads.get(n) }])) }];
  });
  return { asyncapi: '3.0.0', info: { title: 't', version: '1' }, channels: Object.fromEntries(all), operations };
}

const read = (text: string) => readAsyncApi(resolveRefs(parseSpecText(text)));
const shape = (contract: AsyncApiContract) =>
  contract.channels
    .filter((c) => c.sends.length || c.receives.length)
    .map((c) => ({
      address: c.address,
      sends: c.sends.map((m) => [m.name, m.payload]),
      receives: c.receives.map((m) => [m.name, m.payload]),
    }));

const models = fc.tuple(channelModels, fc.dictionary(name, payload)).map(([channels, given]) => {
  const payloads = new Map<string, unknown>();
  for (const n of channels.flatMap((c) => [...c.sends, ...c.receives])) payloads.set(n, Object.hasOwn(given, n) ? given[n] : { type: 'boolean' });
  return { channels, payloads };
});

describe('readAsyncApi (properties)', () => {
  test('reads back the channels, messages and payloads a 2.6 or 3.0 document is written from, in YAML or JSON', () => {
    fc.assert(
      fc.property(models, fc.boolean(), fc.boolean(), ({ channels, payloads }, v3, yaml) => {
        const document = v3 ? document30(channels, payloads) : document26(channels, payloads);
        const text = yaml ? stringify(document) : JSON.stringify(document, null, 2);
        const expected = channels
          .filter((c) => c.sends.length || c.receives.length)
          .map((c) => ({
            address: c.address,
            sends: c.sends.map((n) => [n, payloads.get(n)]),
            receives: c.receives.map((n) => [n, payloads.get(n)]),
          }));
        assert.deepEqual(shape(read(text)), expected);
      }),
      { numRuns: 150 },
    );
  });

  test('a document with any node replaced reads, or is a located AsyncApiProblem: never another error', () => {
    const junk = fc.oneof(fc.constant(null), fc.integer(), fc.string({ maxLength: 5 }), fc.constant([]), fc.constant({}));
    fc.assert(
      fc.property(models, fc.boolean(), fc.nat(), junk, ({ channels, payloads }, v3, pick, replacement) => {
        const document = (v3 ? document30(channels, payloads) : document26(channels, payloads)) as Record<string, unknown>;
        const places: [Record<string, unknown> | unknown[], string | number][] = [];
        const walk = (node: unknown) => {
          if (node === null || typeof node !== 'object') return;
          for (const [key, value] of Object.entries(node)) {
            places.push([node as Record<string, unknown>, Array.isArray(node) ? Number(key) : key]);
            walk(value);
          }
        };
        walk(document);
        const [parent, key] = places[pick % places.length]!;
        (parent as Record<string | number, unknown>)[key] = replacement;
        const text = stringify(document);
        try {
          read(text);
        } catch (error) {
          if (!(error instanceof AsyncApiProblem)) {
            // A $ref made to lead nowhere is the resolver's error, as for OpenAPI.
            assert.equal((error as Error).name, 'RefResolutionError', String(error));
            return;
          }
          const { line, column } = specLocator(text)(error.path);
          assert.ok(line >= 1 && line <= text.split('\n').length && column >= 1, `${line}:${column}`);
        }
      }),
      { numRuns: 300 },
    );
  });

  test('a document compared with itself, or with its rewrite in the other major version, has no change; with a sent channel dropped, exactly that channel is breaking', () => {
    fc.assert(
      fc.property(models, fc.boolean(), fc.nat(), ({ channels, payloads }, v3, pick) => {
        const write = (cs: ChannelModel[]) => JSON.stringify(v3 ? document30(cs, payloads) : document26(cs, payloads));
        const base = read(write(channels));
        assert.deepEqual(diffAsyncApi(base, read(write(channels))).changes, []);
        const rewritten = JSON.stringify(v3 ? document26(channels, payloads) : document30(channels, payloads));
        assert.deepEqual(diffAsyncApi(base, read(rewritten)).changes, []);
        const senders = channels.filter((c) => c.sends.length > 0);
        if (senders.length === 0) return;
        const dropped = senders[pick % senders.length]!;
        const revision = read(write(channels.map((c) => (c === dropped ? { ...c, sends: [] } : c))));
        const breaking = diffAsyncApi(base, revision).changes.filter((c) => c.level !== 'INFO');
        assert.deepEqual(
          breaking.map((c) => `${c.id} ${c.operation}`),
          [`asyncapi-sent-channel-removed send ${dropped.address}`],
        );
      }),
      { numRuns: 150 },
    );
  });
});
