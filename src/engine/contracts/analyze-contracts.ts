import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  buildFleetContracts,
  compareFleetContracts,
  undefinedMethods,
  undefinedOperations,
  unsentEvents,
  type ContractEdge,
  type ContractKind,
  type ContractSources,
  type FleetContracts,
  type ParsedSpecs,
  type SpecRoot,
} from '../../core/contracts/index.js';
import { compareFindings, type Finding } from '../../core/finding.js';
import { InputError } from '../../core/input-error.js';

export interface ContractAnalysis {
  edges: ContractEdge[];
  /** Specs of the target that cannot be used. */
  toFindings: Finding[];
  /** Specs of the deployed revision that cannot be used. */
  fromFindings: Finding[];
}

/** A deployed revision's contracts as read, and the services (of those that ran before the release) that run it. */
export interface DeployedContracts {
  sources: ContractSources;
  services: string[];
}

/** One worker's share: the same revisions, cut down to some providers' specs. */
export interface ContractShare {
  to: ContractSources;
  /** What runs before the release, one entry per deployed revision; absent when nothing is known to run. */
  from?: DeployedContracts[];
  now: number;
  /** HTTP and gRPC providers whose edges this share compares. */
  providers: string[];
  /** Whether this share also compares the event edges. */
  events: boolean;
}

/** Below this much spec text, comparing in this thread is quicker than starting workers. */
const PARALLEL_BYTES = 4 * 1024 * 1024;

/** How many threads compare a large fleet's contracts: this one and the workers. */
const CONTRACT_THREADS = Math.min(availableParallelism(), 4);

/** From this many HTTP and gRPC providers on, workers are started before the specs are read (`ContractWorkers.ahead`). */
const AHEAD_PROVIDERS = 64;

/**
 * The sources of the revisions compared, cut down to the specs of `providers` (HTTP and gRPC:
 * those whose edges a share compares) and, with `events`, the event specs; `from` absent when
 * nothing is known to run. `own`: the files were read for this share alone, so the memory of
 * those kept as bytes may be handed to a worker instead of copied.
 */
export type ReadShare = (providers: ReadonlySet<string>, events: boolean) => Promise<{ to: ContractSources; from?: DeployedContracts[]; own?: boolean }>;

/**
 * Parses, resolves and compares the contracts of the target with those that run before the
 * release (already read): see `analyzeContractShares`.
 */
export function analyzeContracts(
  to: ContractSources,
  from: DeployedContracts[] | undefined,
  now: number,
  parsed: ParsedSpecs,
  started?: ContractWorkers,
): Promise<ContractAnalysis> {
  const all = [to, ...(from ?? []).map((d) => d.sources)];
  const providers = all.flatMap((s) => s.roots.filter((r) => byProvider(r.key)).map((r) => r.service));
  const read: ReadShare = async (mine, events) => ({
    to: cut(to, mine, events),
    ...(from ? { from: from.map((d) => ({ sources: cut(d.sources, mine, events), services: d.services })) } : {}),
  });
  return analyzeContractShares(providers, from !== undefined, read, now, parsed, started);
}

/**
 * Reads, parses, resolves and compares the contracts of the target with those that run before
 * the release (`deployed`: whether anything does): each service's as of the revision it runs
 * (services of one environment may run different ones). Large fleets are split by HTTP (and gRPC)
 * provider across this thread and worker threads (each provider's spec pair is diffed in one
 * place; event schemas, usually small, stay together): the parsing and diffing is most of a
 * large plan's time, and it is independent per provider. Each share is read a group of providers
 * at a time, in turn: a worker's groups are handed over as soon as they are read, so that it
 * compares while the next are read, and this thread compares its own while git serves the next;
 * no thread holds more than a few groups' specs. Edges come back in one stable order either way.
 */
export async function analyzeContractShares(
  providers: readonly string[],
  deployed: boolean,
  read: ReadShare,
  now: number,
  parsed: ParsedSpecs,
  started?: ContractWorkers,
): Promise<ContractAnalysis> {
  const sorted = [...new Set(providers)].sort();
  const whole = async () => {
    const { to, from } = await read(new Set(sorted), true);
    return compareShare({ to, ...(from ? { from } : {}), now, providers: sorted, events: true }, parsed);
  };
  let analysis: ContractAnalysis;
  if (!deployed || CONTRACT_THREADS < 2 || sorted.length < 2) analysis = await whole();
  else {
    const shares = Array.from({ length: CONTRACT_THREADS }, (_, i) => sorted.filter((_, p) => p % CONTRACT_THREADS === i));
    // Each share a group of providers at a time (PROVIDERS_AT_A_TIME), in turn: a group of
    // each worker's share, then one of this thread's (the event specs with its first).
    const groups = shares.map((share) => inGroups(share));
    const schedule: { share: number; group: number }[] = [];
    for (let g = 0; g < groups[0]!.length; g++)
      for (let i = 1; i <= shares.length; i++) if (g < groups[i % shares.length]!.length) schedule.push({ share: i % shares.length, group: g });
    const readAt = (k: number) => {
      const { share, group } = schedule[k]!;
      const reading = read(new Set(groups[share]![group]), share === 0 && group === 0);
      // Awaited once its turn comes; a failure is thrown there.
      reading.catch(() => undefined);
      return reading;
    };
    const first = await readAt(0);
    const perProvider = sourceBytes(first) / groups[1]![0]!.length;
    // A fleet this small is compared here sooner than a worker starts: read again as one (the files are few).
    if (perProvider * sorted.length < PARALLEL_BYTES) analysis = await whole();
    else {
      // This thread takes a share too: it would only wait for the workers otherwise, and one
      // worker fewer is one start-up (loading the modules) fewer.
      const workers = started ?? ContractWorkers.start(shares.length - 1);
      try {
        const own: ContractAnalysis = { edges: [], toFindings: [], fromFindings: [] };
        // Two groups are read ahead of the one handled: git and the reader's thread serve them
        // while this thread compares, and a worker is handed its next group without waiting.
        const ahead: ReturnType<typeof readAt>[] = [];
        for (let k = 0; k < schedule.length; k++) {
          const { own: handOver = false, ...sources } = k === 0 ? first : await ahead.shift()!;
          while (ahead.length < 2 && k + 1 + ahead.length < schedule.length) ahead.push(readAt(k + 1 + ahead.length));
          const { share, group } = schedule[k]!;
          const work: ContractShare = { ...sources, now, providers: groups[share]![group]!, events: share === 0 && group === 0 };
          if (share > 0) workers.send(share - 1, work, handOver);
          else {
            // A turn of the event loop lets the reads ahead get as far as asking git, before this thread is busy.
            await new Promise((resolve) => setImmediate(resolve));
            const part = compareShare(work);
            own.edges.push(...part.edges);
            own.toFindings.push(...part.toFindings);
            own.fromFindings.push(...part.fromFindings);
          }
        }
        const results = [own, ...(await Promise.all(shares.slice(1).map((_, i) => workers.end(i))))];
        analysis = {
          edges: results.flatMap((r) => r.edges),
          toFindings: results.flatMap((r) => r.toFindings),
          fromFindings: results.flatMap((r) => r.fromFindings),
        };
      } finally {
        if (!started) workers.close();
      }
    }
  }
  const key = (e: ContractEdge) => `${e.consumer}\u0000${e.provider}\u0000${e.kind}\u0000${e.event ?? ''}`;
  analysis.edges.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  analysis.toFindings.sort(compareFindings);
  analysis.fromFindings.sort(compareFindings);
  return analysis;
}

/** Providers a group at a time (PROVIDERS_AT_A_TIME). */
function inGroups(providers: string[], size = PROVIDERS_AT_A_TIME): string[][] {
  const groups: string[][] = [];
  for (let i = 0; i < providers.length; i += size) groups.push(providers.slice(i, i + size));
  return groups;
}

/** The length of the spec texts of a share, every revision's. */
function sourceBytes(work: Pick<ContractShare, 'to' | 'from'>): number {
  const all = [work.to, ...(work.from ?? []).map((d) => d.sources)];
  return all.reduce((sum, s) => sum + Object.values(s.files).reduce((n, f) => n + f.text.length, 0), 0);
}

/** Compares one share in this thread (a worker runs exactly this). */
export function compareShare(work: ContractShare, parsed: ParsedSpecs = new Map()): ContractAnalysis {
  const http = new Set(work.providers);
  const built = buildFleetContracts(work.to, parsed);
  const mine = (p: string) => http.has(p);
  const asyncApi = work.to.roots.some((r) => r.key[0] === 'asyncapi');
  const unsent = work.events ? unsentEvents(built.contracts, asyncApi) : [];
  const target = {
    ...built,
    findings: [...built.findings, ...undefinedOperations(built.contracts, mine), ...undefinedMethods(built.contracts, mine), ...unsent],
  };
  if (!work.from) return { edges: [], toFindings: target.findings, fromFindings: [] };
  // Each service as it runs: built from the revision it runs, only its own specs read there.
  const deployed: FleetContracts = new Map();
  const fromFindings: Finding[] = [];
  for (const { sources, services } of work.from) {
    const mine = new Set(services);
    const built = buildFleetContracts({ ...sources, roots: sources.roots.filter((r) => mine.has(r.service)) }, parsed);
    fromFindings.push(...built.findings.filter((f) => f.service !== undefined && mine.has(f.service)));
    for (const service of services) {
      const contracts = built.contracts.get(service);
      if (contracts) deployed.set(service, contracts);
    }
  }
  const includes = (kind: ContractKind, provider: string) => (kind === 'event' ? work.events : http.has(provider));
  const edges = compareFleetContracts(deployed, target.contracts, { now: work.now, includes });
  return { edges, toFindings: target.findings, fromFindings };
}

/**
 * How many providers a thread compares at a time: each group's specs are parsed, resolved and
 * diffed, and let go before the next group's are parsed, so that a thread holds a few providers'
 * documents instead of its whole share's (most of a large share's memory and of the collector's
 * time). A group costs little beyond its providers' own edges (`shareDeclarations`): on the
 * benchmark, 8 at a time held a third less memory than 32 for the same work.
 */
const PROVIDERS_AT_A_TIME = 8;

/**
 * The services and consumptions a share compares: with the event specs, all of them; otherwise
 * the consumptions of the share's providers, and the services that consume one or are one. What
 * a share costs then grows with its providers' edges, not with the fleet.
 */
export function shareDeclarations(
  services: readonly string[],
  consumes: ContractSources['consumes'],
  providers: ReadonlySet<string>,
  events: boolean,
): Pick<ContractSources, 'services' | 'consumes'> {
  if (events) return { services: [...services], consumes };
  const mine: ContractSources['consumes'] = [];
  for (const [consumer, targets] of consumes) {
    let kept: typeof targets | undefined;
    for (const entry of targets) if (providers.has(entry[0])) (kept ??= []).push(entry);
    if (kept) mine.push([consumer, kept]);
  }
  const consumers = new Set(mine.map(([consumer]) => consumer));
  return { services: services.filter((s) => providers.has(s) || consumers.has(s)), consumes: mine };
}

/** A revision cut down to the specs (and the files they reach) of some providers and, with `events`, the event specs. */
function cut(sources: ContractSources, providers: ReadonlySet<string>, events: boolean): ContractSources {
  const roots = sources.roots.filter((r) => inShare(r, providers, events));
  const files: ContractSources['files'] = {};
  const stack = roots.flatMap((r) => [r.path, ...(r.proto?.files ?? [])]);
  while (stack.length) {
    const path = stack.pop()!;
    const file = sources.files[path];
    if (file === undefined || Object.hasOwn(files, path)) continue;
    files[path] = file;
    stack.push(...file.refs);
  }
  return { ...sources, ...shareDeclarations(sources.services, sources.consumes, providers, events), roots, files };
}

/** HTTP APIs and gRPC services are split by provider; events stay together. */
function byProvider(key: readonly string[]): boolean {
  return key[0] === 'http' || key[0] === 'grpc';
}

/** Whether a share compares a spec: one of its providers' HTTP API or gRPC services, or, with `events`, an event's schema. */
export function inShare(root: SpecRoot, providers: ReadonlySet<string>, events: boolean): boolean {
  return byProvider(root.key) ? providers.has(root.service) : events;
}

/**
 * The memory of the files a share holds as bytes that own it whole (as git's reader gives them):
 * handed over to the worker rather than copied, where the share was read for it alone.
 */
function transferable(work: ContractShare): ArrayBuffer[] {
  const buffers = new Set<ArrayBuffer>();
  for (const sources of [work.to, ...(work.from ?? []).map((d) => d.sources)])
    for (const { text } of Object.values(sources.files))
      if (typeof text !== 'string' && text.byteOffset === 0 && text.byteLength === text.buffer.byteLength && text.buffer instanceof ArrayBuffer)
        buffers.add(text.buffer);
  return [...buffers];
}

/** What a worker is sent: groups of its share to compare, then the end of it. */
export type WorkerMessage = { work: ContractShare } | { end: true };

/** What a worker posts back: its share's analysis, or why the input cannot be compared. */
export type WorkerAnswer = { analysis: ContractAnalysis } | { inputError: string };

/**
 * The worker threads that compare shares of a large fleet, each a group of its share at a time
 * as the groups are read (`send`, then `end`). Started before the specs are read (`ahead`), they
 * load their modules while this thread reads, instead of after. Those not ended are by `close`.
 */
export class ContractWorkers {
  private constructor(private readonly workers: ({ worker: Worker; answer: Promise<ContractAnalysis> } | undefined)[]) {}

  static start(count: number): ContractWorkers {
    return new ContractWorkers(
      Array.from({ length: count }, () => {
        const worker = new Worker(new URL('./contract-worker.js', import.meta.url));
        const answer = new Promise<ContractAnalysis>((resolve, reject) => {
          worker.once('message', (answer: WorkerAnswer) => ('analysis' in answer ? resolve(answer.analysis) : reject(new InputError(answer.inputError))));
          worker.once('error', reject);
          worker.once('exit', (code) => reject(new Error(`internal: a contract worker exited with code ${code} before it answered`)));
        });
        // A worker given no share is ended (`close`): its answer is never awaited.
        answer.catch(() => undefined);
        return { worker, answer };
      }),
    );
  }

  /**
   * Workers started now for a fleet that will most likely be compared on several threads: many
   * HTTP or gRPC providers (each with a spec to read), and a deployed revision to compare with.
   * Undefined when the fleet is small or there is one core.
   */
  static ahead(providers: number, deployed: boolean): ContractWorkers | undefined {
    return deployed && CONTRACT_THREADS > 1 && providers >= AHEAD_PROVIDERS ? ContractWorkers.start(CONTRACT_THREADS - 1) : undefined;
  }

  /**
   * Hands worker `i` a group of its share to compare; `handOver`: the group's bytes are the
   * worker's alone from now on (see `ReadShare`'s `own`).
   */
  send(i: number, work: ContractShare, handOver = false): void {
    const started = this.workers[i];
    if (!started) throw new Error(`internal: no contract worker ${i}`);
    const message: WorkerMessage = { work };
    started.worker.postMessage(message, handOver ? transferable(work) : []);
  }

  /** The analysis of every group worker `i` was handed. */
  end(i: number): Promise<ContractAnalysis> {
    const started = this.workers[i];
    if (!started) return Promise.reject(new Error(`internal: no contract worker ${i}`));
    this.workers[i] = undefined;
    const message: WorkerMessage = { end: true };
    started.worker.postMessage(message);
    return started.answer;
  }

  /** Ends the workers not asked for their analysis (given nothing, or left by a failure). */
  close(): void {
    for (const started of this.workers) void started?.worker.terminate();
    this.workers.fill(undefined);
  }
}
