import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { ContractSources } from '../../src/core/contracts/index.js';
import { availableParallelism } from 'node:os';
import {
  analyzeContracts,
  analyzeContractShares,
  ContractWorkers,
  compareShare,
  inShare,
  type ReadShare,
  shareDeclarations,
} from '../../src/engine/contracts/analyze-contracts.js';

/** A provider's spec of `paths` paths; the release drops a property from one of them and adds a path. */
function spec(p: number, paths: number, release: boolean): string {
  const doc: Record<string, any> = { openapi: '3.0.3', info: { title: `p${p}`, version: '1' }, paths: {}, components: { schemas: {} } };
  for (let i = 0; i < paths; i++) {
    const properties: Record<string, unknown> = {};
    for (let k = 0; k < 8; k++)
      properties[`f${k}`] = { type: 'string', description: `field ${k} of path ${i} of provider ${p}, padded to make the spec large enough` };
    if (release && i === p % paths) delete properties.f7;
    doc.components.schemas[`S${i}`] = { type: 'object', required: ['f0'], properties };
    doc.paths[`/p${i}/{id}`] = {
      get: {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: `#/components/schemas/S${i}` } } } } },
      },
    };
  }
  if (release) doc.paths['/new'] = { get: { responses: { '200': { description: 'ok' } } } };
  return JSON.stringify(doc);
}

/** 24 providers (some emitting an event), 40 consumers, big enough to be split across threads. */
function sources(release: boolean, count = 24): ContractSources {
  const providers = Array.from({ length: count }, (_, p) => `provider-${p}`);
  const consumers = Array.from({ length: 40 }, (_, c) => `consumer-${c}`);
  const files: ContractSources['files'] = {};
  const roots: ContractSources['roots'] = [];
  providers.forEach((name, p) => {
    files[`${name}/openapi.json`] = { id: `${name}-${release}`, text: spec(p, 120, release), refs: [] };
    roots.push({ service: name, key: ['http'], path: `${name}/openapi.json`, location: { file: 'tranche.yaml', line: p + 1 } });
    // Its gRPC services: a request whose field the release removes in every third provider.
    const proto = `syntax = "proto3";\npackage p${p};\nservice Svc {\n  rpc Get(Req) returns (Res);\n  rpc Put(Res) returns (Res);\n}\nmessage Req {\n  string id = 1;\n${release && p % 3 === 0 ? '' : '  int64 at = 2;\n'}}\nmessage Res {\n  string id = 1;\n}\n`;
    files[`${name}/protos/svc.proto`] = { id: `${name}-proto-${release && p % 3 === 0}`, text: proto, refs: [] };
    roots.push({
      service: name,
      key: ['grpc'],
      path: `${name}/protos`,
      location: { file: 'tranche.yaml', line: 200 + p },
      proto: { root: `${name}/protos`, files: [`${name}/protos/svc.proto`], category: 'WIRE_JSON' },
    });
    if (p % 6 === 0) {
      const schema = {
        type: 'object',
        required: release ? ['id'] : ['id', 'at'],
        properties: { id: { type: 'string' }, ...(release ? {} : { at: { type: 'string' } }) },
      };
      files[`${name}/event.json`] = { id: `${name}-event-${release}`, text: JSON.stringify(schema), refs: [] };
      roots.push({ service: name, key: ['events', `${name}.done`], path: `${name}/event.json`, location: { file: 'tranche.yaml', line: 100 + p } });
    }
  });
  const consumes: ContractSources['consumes'] = consumers.map((name, c) => [
    name,
    [
      [providers[c % count]!, { http: true, event: false, ...(c % 2 ? { operations: [`GET /p${c % count}/{id}`, ...(release ? ['GET /new'] : [])] } : {}) }],
      [providers[(c * 5) % count]!, { http: true, event: false }],
      ...(c % 4 === 0 ? [[`provider-${(c % 4) * 6}.done`, { http: false, event: true }] as [string, { http: boolean; event: boolean }]] : []),
      // Every other consumer calls Svc/Get (which the release breaks in every third provider), the rest Svc/Put (which it does not).
      [providers[(c * 7 + 3) % count]!, { http: false, event: false, grpc: true, methods: [c % 2 ? 'Svc/Get' : `p${(c * 7 + 3) % count}.Svc/Put`] }],
    ],
  ]);
  return { label: release ? 'HEAD' : 'deployed', services: [...providers, ...consumers], roots, consumes, files };
}

/** A revision cut down to some providers' specs (and, with `events`, the event specs), as a share reads it. */
/** A revision as a share's read gives it (as `readContractSources` does): its providers' specs, consumptions and services. */
function cutTo(s: ContractSources, providers: ReadonlySet<string>, events: boolean): ContractSources {
  const roots = s.roots.filter((r) => inShare(r, providers, events));
  const paths = new Set(roots.flatMap((r) => [r.path, ...(r.proto?.files ?? [])]));
  return {
    ...s,
    ...shareDeclarations(s.services, s.consumes, providers, events),
    roots,
    files: Object.fromEntries(Object.entries(s.files).filter(([path]) => paths.has(path))),
  };
}

describe('shareDeclarations', () => {
  const services = ['a', 'b', 'c', 'd', 'e'];
  const consumes: ContractSources['consumes'] = [
    ['a', [['b', { http: true, event: false }]]],
    [
      'c',
      [
        ['d', { http: true, event: false }],
        ['b', { http: false, event: false, grpc: true }],
        ['orders', { http: false, event: true }],
      ],
    ],
    ['d', []],
    ['e', [['orders', { http: false, event: true }]]],
  ];

  test("a share without the event specs gets its providers' consumptions, and the services that consume them or are them", () => {
    assert.deepEqual(shareDeclarations(services, consumes, new Set(['b']), false), {
      services: ['a', 'b', 'c'],
      consumes: [
        ['a', [['b', { http: true, event: false }]]],
        ['c', [['b', { http: false, event: false, grpc: true }]]],
      ],
    });
    assert.deepEqual(shareDeclarations(services, consumes, new Set(['e']), false), { services: ['e'], consumes: [] }, 'a provider nobody consumes');
  });

  test('the share with the event specs gets every consumption', () => {
    assert.deepEqual(shareDeclarations(services, consumes, new Set(['b']), true), { services, consumes });
  });
});

describe('analyzeContracts', () => {
  test('split across worker threads, it finds exactly what one thread finds, in the same order', async () => {
    const to = sources(true);
    const from = sources(false);
    const bytes = Object.values(to.files)
      .concat(Object.values(from.files))
      .reduce((n, f) => n + f.text.length, 0);
    assert.ok(bytes > 4 * 1024 * 1024, `the fleet is large enough to be split (${bytes} bytes)`);
    const deployed = [{ sources: from, services: from.services }];
    const split = await analyzeContracts(to, deployed, 0, new Map());
    const whole = compareShare({
      to,
      from: deployed,
      now: 0,
      providers: [...new Set(to.roots.filter((r) => r.key[0] !== 'events').map((r) => r.service))],
      events: true,
    });
    assert.ok(split.edges.length > 60, `edges found: ${split.edges.length}`);
    assert.ok(split.edges.some((e) => e.kind === 'event'));
    const grpc = split.edges.filter((e) => e.kind === 'grpc');
    assert.ok(grpc.length > 0, 'gRPC edges cross the threads');
    assert.ok(
      grpc.every(
        (e) => Number(e.provider.slice('provider-'.length)) % 3 === 0 && e.oldConsumerNewProvider.every((c) => c.id.startsWith('FIELD_NO_DELETE_UNLESS_')),
      ),
      JSON.stringify(grpc[0]),
    );
    assert.deepEqual(new Set(split.edges.map((e) => JSON.stringify(e))), new Set(whole.edges.map((e) => JSON.stringify(e))));
    assert.deepEqual(split, await analyzeContracts(to, deployed, 0, new Map()), 'the same order every time');
  });

  test('specs kept as bytes cross to the workers and compare as their text does', async () => {
    const asBytes = (s: ContractSources): ContractSources => ({
      ...s,
      files: Object.fromEntries(
        Object.entries(s.files).map(([path, f]) => {
          // Memory of its own, as git's reader gives each content: handed over, not copied.
          const encoded = Buffer.from(f.text as string);
          const bytes = new Uint8Array(encoded.length);
          bytes.set(encoded);
          return [path, { ...f, text: bytes }];
        }),
      ),
    });
    const to = sources(true);
    const from = sources(false);
    const expected = await analyzeContracts(to, [{ sources: from, services: from.services }], 0, new Map());
    const [toBytes, fromBytes] = [asBytes(to), asBytes(from)];
    const got = await analyzeContracts(toBytes, [{ sources: fromBytes, services: from.services }], 0, new Map());
    assert.deepEqual(got, expected);
    assert.ok(got.edges.length > 60);
    // Sources read once for all shares are copied to the workers, never handed over: they stay whole here.
    for (const f of [...Object.values(toBytes.files), ...Object.values(fromBytes.files)]) assert.ok(f.text.length > 0);
    // Shares read each for itself are handed over, and compare the same.
    const cutBytes = (s: ContractSources, providers: ReadonlySet<string>, events: boolean) => asBytes(cutTo(s, providers, events));
    const handed: ContractSources[] = [];
    const read: ReadShare = async (providers, events) => {
      const share = { to: cutBytes(to, providers, events), from: [{ sources: cutBytes(from, providers, events), services: from.services }], own: true };
      handed.push(share.to);
      return share;
    };
    const providers = to.roots.filter((r) => r.key[0] === 'http').map((r) => r.service);
    assert.deepEqual(await analyzeContractShares(providers, true, read, 0, new Map()), expected);
    if (availableParallelism() > 1)
      assert.ok(
        Object.values(handed[0]!.files).every((f) => f.text.length === 0),
        "the worker's share was handed over, not copied",
      );
  });

  test('workers started before the specs are read compare what workers started after would', async () => {
    const to = sources(true);
    const from = sources(false);
    const deployed = [{ sources: from, services: from.services }];
    const workers = ContractWorkers.ahead(64, true);
    assert.ok(workers, 'started: many providers, a deployed revision, several cores');
    try {
      assert.deepEqual(await analyzeContracts(to, deployed, 0, new Map(), workers), await analyzeContracts(to, deployed, 0, new Map()));
    } finally {
      workers.close();
    }
    assert.equal(ContractWorkers.ahead(63, true), undefined, 'a smaller fleet starts none ahead');
    assert.equal(ContractWorkers.ahead(500, false), undefined, 'nor one with nothing deployed to compare with');
  });

  test("a share of one group each: the workers' read and handed over first, this thread's last", async (t) => {
    if (availableParallelism() < 2) return t.diagnostic('one core: nothing is split');
    // A group (8 providers) on each of two threads.
    const to = sources(true, 16);
    const from = sources(false, 16);
    const reads: { providers: string[]; events: boolean }[] = [];
    const read: ReadShare = async (providers, events) => {
      reads.push({ providers: [...providers].sort(), events });
      return { to: cutTo(to, providers, events), from: [{ sources: cutTo(from, providers, events), services: from.services }] };
    };
    const providers = to.roots.filter((r) => r.key[0] === 'http').map((r) => r.service);
    const analysis = await analyzeContractShares(providers, true, read, 0, new Map());
    assert.ok(reads.length >= 2, JSON.stringify(reads));
    assert.deepEqual(
      reads.map((r) => r.events),
      [...reads.slice(1).map(() => false), true],
      "the event specs are read last, with this thread's share",
    );
    const read1 = reads.flatMap((r) => r.providers).sort();
    assert.deepEqual(read1, [...new Set(providers)].sort(), 'every provider read once, in one share');
    const whole = await analyzeContracts(to, [{ sources: from, services: from.services }], 0, new Map());
    assert.deepEqual(analysis, whole, 'the same edges and findings, in the same order, as from sources read at once');
  });

  test("the shares are read a group at a time, in turn: a group of each worker's share, then one of this thread's", async (t) => {
    if (availableParallelism() < 2) return t.diagnostic('one core: nothing is split');
    // Enough providers for each share to make several groups (8 at a time) on two threads.
    const to = sources(true, 70);
    const from = sources(false, 70);
    const reads: { providers: string[]; events: boolean }[] = [];
    const read: ReadShare = async (providers, events) => {
      reads.push({ providers: [...providers], events });
      return { to: cutTo(to, providers, events), from: [{ sources: cutTo(from, providers, events), services: from.services }] };
    };
    const providers = [...new Set(to.roots.filter((r) => r.key[0] === 'http').map((r) => r.service))];
    const analysis = await analyzeContractShares(providers, true, read, 0, new Map());
    // The shares: providers dealt in turn (sorted); each read 8 at a time, round by round, this thread's last in a round.
    const threads = Math.min(availableParallelism(), 4);
    const sorted = [...providers].sort();
    const shares = Array.from({ length: threads }, (_, i) => sorted.filter((_, p) => p % threads === i));
    const expected: { providers: string[]; events: boolean }[] = [];
    for (let g = 0; g * 8 < shares[0]!.length; g++)
      for (const i of [...shares.keys()].slice(1).concat(0))
        if (g * 8 < shares[i]!.length) expected.push({ providers: shares[i]!.slice(g * 8, g * 8 + 8), events: i === 0 && g === 0 });
    assert.ok(expected.length >= 4, 'two rounds at least');
    assert.deepEqual(reads, expected);
    assert.deepEqual(analysis, await analyzeContracts(to, [{ sources: from, services: from.services }], 0, new Map()));
  });

  test('a fleet too small to split is read once, as one share, after the first share shows its size', async () => {
    const spec = JSON.stringify({
      openapi: '3.0.3',
      info: { title: 'p', version: '1' },
      paths: { '/a': { get: { responses: { '200': { description: 'ok' } } } } },
    });
    const revision = (label: string): ContractSources => ({
      label,
      services: ['p', 'q', 'c'],
      roots: ['p', 'q'].map((service, i) => ({ service, key: ['http'], path: `${service}/api.json`, location: { file: 'tranche.yaml', line: i + 1 } })),
      consumes: [['c', [['p', { http: true, event: false }]]]],
      files: { 'p/api.json': { id: 'p', text: spec, refs: [] }, 'q/api.json': { id: 'q', text: spec, refs: [] } },
    });
    const reads: { providers: string[]; events: boolean }[] = [];
    const read: ReadShare = async (providers, events) => {
      reads.push({ providers: [...providers].sort(), events });
      return { to: revision('HEAD'), from: [{ sources: revision('deployed'), services: ['p', 'q', 'c'] }] };
    };
    const analysis = await analyzeContractShares(['q', 'p'], true, read, 0, new Map());
    assert.deepEqual(analysis, { edges: [], toFindings: [], fromFindings: [] });
    const last = reads.at(-1)!;
    assert.deepEqual(last, { providers: ['p', 'q'], events: true }, 'compared here, read as one');
    assert.ok(reads.length <= 2, JSON.stringify(reads));
    reads.length = 0;
    await analyzeContractShares(['q', 'p'], false, read, 0, new Map());
    assert.deepEqual(reads, [{ providers: ['p', 'q'], events: true }], 'nothing deployed: one read of everything');
  });

  test('compared a group of providers at a time on several threads, a fleet gives the edges and findings of one comparison of all', async () => {
    // Enough providers for several groups of 8 on every thread; one spec broken.
    const to = sources(true, 70);
    to.files['provider-13/openapi.json'] = { id: 'broken', text: '{"openapi": "3.0.3", "paths": {', refs: [] };
    const from = sources(false, 70);
    const work = {
      to,
      from: [{ sources: from, services: from.services }],
      now: 0,
      providers: [...new Set(to.roots.filter((r) => r.key[0] === 'http').map((r) => r.service))],
      events: true,
    };
    const sorted = (analysis: ReturnType<typeof compareShare>) => ({
      edges: analysis.edges.map((e) => JSON.stringify(e)).sort(),
      toFindings: analysis.toFindings.map((f) => JSON.stringify(f)).sort(),
      fromFindings: analysis.fromFindings.map((f) => JSON.stringify(f)).sort(),
    });
    const grouped = sorted(await analyzeContracts(to, work.from, 0, new Map()));
    assert.ok(grouped.edges.length > 60 && grouped.edges.some((e) => e.includes('"kind":"event"')), `edges found: ${grouped.edges.length}`);
    assert.equal(grouped.toFindings.length, 1);
    assert.deepEqual(grouped, sorted(compareShare(work)));
  });

  test('a recursive spec unchanged between the revisions, or provided twice, is resolved once and compared', () => {
    const recursive = JSON.stringify({
      openapi: '3.0.3',
      paths: {},
      components: { schemas: { Node: { type: 'object', properties: { kids: { type: 'array', items: { $ref: '#/components/schemas/Node' } } } } } },
    });
    const anchored = 'type: object\nproperties:\n  self: &n { type: object, properties: { id: { type: string } } }\n  other: *n\n';
    const revision = (label: string): ContractSources => ({
      label,
      services: ['a', 'b', 'c'],
      roots: [
        { service: 'a', key: ['http'], path: 'a/api.json', location: { file: 'tranche.yaml', line: 1 } },
        { service: 'b', key: ['http'], path: 'b/api.json', location: { file: 'tranche.yaml', line: 2 } },
        { service: 'c', key: ['events', 'c.done'], path: 'c/event.yaml', location: { file: 'tranche.yaml', line: 3 } },
      ],
      consumes: [['c', [['a', { http: true, event: false }]]]],
      files: {
        'a/api.json': { id: 'same', text: recursive, refs: [] },
        'b/api.json': { id: 'same', text: recursive, refs: [] },
        'c/event.yaml': { id: 'anchored', text: anchored, refs: [] },
      },
    });
    const parsed = new Map();
    const result = compareShare(
      { to: revision('HEAD'), from: [{ sources: revision('deployed'), services: ['a', 'b', 'c'] }], now: 0, providers: ['a', 'b'], events: true },
      parsed,
    );
    assert.deepEqual(result, { edges: [], toFindings: [], fromFindings: [] });
    assert.equal(parsed.size, 2, 'each content parsed once');
  });

  test('problems in the specs come back from the threads, located', async () => {
    const to = sources(true);
    to.files['provider-5/openapi.json'] = { id: 'broken', text: '{"openapi": "3.0.3", "paths": {', refs: [] };
    const from = sources(false);
    const analysis = await analyzeContracts(to, [{ sources: from, services: from.services }], 0, new Map());
    assert.equal(analysis.toFindings.length, 1);
    assert.equal(analysis.toFindings[0]!.service, 'provider-5');
    assert.equal(analysis.toFindings[0]!.location?.file, 'provider-5/openapi.json');
    assert.ok(analysis.toFindings[0]!.location?.line, 'the parser says where');
  });

  test('after a partial release, each service is compared as of the revision it runs', () => {
    const spec = (paths: string[]) =>
      JSON.stringify({
        openapi: '3.0.3',
        info: { title: 'p', version: '1' },
        paths: Object.fromEntries(paths.map((p) => [p, { get: { responses: { '200': { description: 'ok' } } } }])),
      });
    const revision = (label: string, paths: string[]): ContractSources => ({
      label,
      services: ['p', 'c'],
      roots: [{ service: 'p', key: ['http'], path: 'p/api.json', location: { file: 'tranche.yaml', line: 1 } }],
      consumes: [['c', [['p', { http: true, event: false }]]]],
      files: { 'p/api.json': { id: `${label}-api`, text: spec(paths), refs: [] } },
    });
    const target = revision('HEAD', ['/a']);
    // p runs X, which serves /a and /b; c runs Y, where p's spec already had /a only.
    const deployed = [
      { sources: revision('X', ['/a', '/b']), services: ['p'] },
      { sources: revision('Y', ['/a']), services: ['c'] },
    ];
    const { edges } = compareShare({ to: target, from: deployed, now: 0, providers: ['p'], events: true });
    assert.deepEqual(
      edges.map((e) => [e.consumer, e.provider, e.oldConsumerNewProvider.map((c) => c.id)]),
      [['c', 'p', ['api-path-removed-without-deprecation']]],
    );
    // Taken as of Y, p would not have changed at all.
    const asOfY = compareShare({ to: target, from: [{ sources: revision('Y', ['/a']), services: ['p', 'c'] }], now: 0, providers: ['p'], events: true });
    assert.deepEqual(asOfY.edges, []);
  });
});
