import { buildContractMatrix, type MatrixRow, type MatrixVersion } from '../../core/contracts/build-contract-matrix.js';
import { buildFleetContracts, type FleetContracts, type ParsedSpecs } from '../../core/contracts/index.js';
import { matrixKinds } from '../../core/contracts/matrix-kinds.js';
import type { FleetRevision } from '../../core/fleet-revision.js';
import { formatLocation } from '../../core/location.js';
import type { Git } from '../../ports/git.js';
import { InvalidFleetError } from '../invalid-fleet.js';
import { mapLimited } from '../map-limited.js';
import { REVISIONS_AT_ONCE, type ReleaseRevisions } from '../read-release.js';
import { readContractSources } from './contract-sources.js';

/**
 * The contract matrix of an environment: every consumer → provider pair, each service at the
 * commit it runs there (as recorded, or `--from`'s what-if) and at the target. Each revision's
 * contracts are read and resolved once, in full: a consumer's expected contract is its provider's
 * spec at the consumer's commit. A target spec that cannot be used is unusable input (as for
 * plan); a deployed one makes the cells that compare with it `unreadable`, saying why.
 */
export async function readContractMatrix(git: Git, revisions: ReleaseRevisions, now: number, parsed: ParsedSpecs): Promise<MatrixRow[]> {
  const byCommit = new Map<string, string[]>();
  for (const [service, state] of revisions.baseline) byCommit.set(state.version.commit, [...(byCommit.get(state.version.commit) ?? []), service]);
  const readable = [...byCommit.keys()].flatMap((commit) => {
    const base = revisions.bases.get(commit);
    // The target is read once, as the target.
    return base && 'revision' in base && commit !== revisions.to.commit ? [base.revision] : [];
  });
  const read = async (revision: FleetRevision) => buildFleetContracts(await readContractSources(git, revision), parsed);
  const [target, ...built] = await mapLimited([revisions.to, ...readable], REVISIONS_AT_ONCE, read);
  if (target!.findings.length) throw new InvalidFleetError(target!.findings);
  const fleets = new Map<string, { contracts: FleetContracts; unreadable: Map<string, string> }>([
    [revisions.to.commit, { contracts: target!.contracts, unreadable: new Map() }],
    ...readable.map((revision, i) => {
      const { contracts, findings } = built[i]!;
      const unreadable = new Map(
        findings.flatMap((f) =>
          f.service === undefined ? [] : [[f.service, f.location ? `${formatLocation(f.location)}: ${f.message}` : f.message] as const],
        ),
      );
      return [revision.commit, { contracts, unreadable }] as const;
    }),
  ]);
  const deployed = new Map<string, MatrixVersion>();
  for (const [commit, services] of byCommit) {
    const base = revisions.bases.get(commit);
    const fleet = fleets.get(commit);
    for (const service of services) {
      if (fleet) deployed.set(service, { commit, fleet: fleet.contracts, unreadable: fleet.unreadable });
      else deployed.set(service, { commit, problem: base && 'problem' in base ? base.problem : 'the target does not define it, so its revision was not read' });
    }
  }
  return buildContractMatrix({ deployed, target: { commit: revisions.to.commit, fleet: target!.contracts }, kinds: matrixKinds({ now }) });
}
