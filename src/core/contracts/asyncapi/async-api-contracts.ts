import type { SourceLocation } from '../../location.js';
import type { Consumption, ProvidedSpec } from '../fleet-contracts.js';
import { AsyncApiProblem } from './async-api-model.js';
import { specLocator } from './locate-in-spec.js';
import { readAsyncApi } from './read-async-api.js';

/** What a service's AsyncAPI document adds to its contracts: events it emits, events it reads. */
export interface AsyncApiContracts {
  /** Channel address → the messages the service sends to it. */
  events: [string, ProvidedSpec][];
  /** Channel address → a consumption of it, declared at the operation that receives. */
  consumes: [string, Consumption][];
}

/**
 * The fleet's view of a service's AsyncAPI document (`spec`, resolved; `text` its root file):
 * every channel it sends to is an event of the fleet named by the channel's address, its
 * messages the event's schema; every channel it receives from is an event it consumes. A
 * document that is not AsyncAPI is a problem at its place in `text`.
 */
export function asyncApiContracts(spec: ProvidedSpec, text: string): AsyncApiContracts | { problem: string; location: SourceLocation } {
  let channels: ReturnType<typeof readAsyncApi>['channels'];
  try {
    channels = readAsyncApi(spec.document).channels;
  } catch (error) {
    if (!(error instanceof AsyncApiProblem)) throw error;
    return { problem: error.message, location: { file: spec.path, ...specLocator(text)(error.path) } };
  }
  const events: AsyncApiContracts['events'] = [];
  const consumes: AsyncApiContracts['consumes'] = [];
  // Locating takes a second, positioned parse: done once, and only for a document that receives.
  let locate: ReturnType<typeof specLocator> | undefined;
  for (const channel of channels) {
    if (channel.sends.length > 0)
      events.push([channel.address, { path: spec.path, fingerprint: `${spec.fingerprint}#${channel.address}`, document: undefined, messages: channel.sends }]);
    if (channel.receivePath)
      consumes.push([
        channel.address,
        { http: false, event: true, document: spec.path, declaredAt: { file: spec.path, ...(locate ??= specLocator(text))(channel.receivePath) } },
      ]);
  }
  return { events, consumes };
}
