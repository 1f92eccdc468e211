import type { Fingerprinter } from '../../config/fingerprint.js';
import type { ResolvedFleet } from '../../config/resolve-fleet.js';
import type { FleetRevision } from '../../fleet-revision.js';

/** What the config rules look at: the target revision, and the deployed one when it is known. */
export interface ConfigRuleInput {
  /** The environment being released. */
  env: string;
  to: FleetRevision;
  /** Every environment of the target, resolved (drift compares them). */
  toConfigs: ResolvedFleet;
  from?: { revision: FleetRevision; configs: ResolvedFleet };
  /** How secrets are shown in messages (keyed by the state store). */
  fingerprints: Fingerprinter;
}
