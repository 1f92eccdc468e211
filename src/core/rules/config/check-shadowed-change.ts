import { describeLayer } from '../../config/describe-layer.js';
import type { Layer } from '../../config/resolved-config.js';
import type { ResolvedFleet } from '../../config/resolve-fleet.js';
import { rawText, showValue } from '../../config/show-value.js';
import type { Finding } from '../../finding.js';
import { formatLocation } from '../../location.js';
import type { ConfigRuleInput } from './config-rule-input.js';

/**
 * `config/shadowed-change`: between the deployed and the target revision a lower layer changed a
 * key, but a higher layer that did not change still wins, so the change has no effect — the
 * classic "an old environment variable still overrides the new port".
 *
 * A change to a layer shared by every environment (the schema default, a file without `{env}`)
 * that does take effect somewhere is an intended per-environment override, not a mistake: it
 * fires only when the change has effect in no environment at all.
 */
export function checkShadowedChange({ env, toConfigs, from, fingerprints }: ConfigRuleInput): Finding[] {
  if (!from) return [];
  const findings: Finding[] = [];
  for (const [serviceName, config] of toConfigs.get(env) ?? []) {
    for (const { key, spec, layers } of config.keys.values()) {
      const shadow = shadowedLayer(layers, from.configs.get(env)?.get(serviceName)?.keys.get(key)?.layers);
      if (!shadow) continue;
      const { changed, before } = shadow;
      const winner = layers[0]!;
      // The winner already holds the new value: nothing is lost.
      if (sameValue(winner, changed)) continue;
      if (!changed.perEnvironment && takesEffectSomewhere(toConfigs, from.configs, serviceName, key, changed)) continue;
      const show = (l: Pick<Layer, 'raw' | 'sourceText'>) => showValue(fingerprints, spec, l.raw, l.sourceText);
      findings.push({
        rule: 'config/shadowed-change',
        severity: 'error',
        service: serviceName,
        env,
        key,
        message:
          `${describeLayer(changed)} changed ${key} ${before ? show(before) : '(unset)'} → ${show(changed)} (${formatLocation(changed.location)}), ` +
          `but ${describeLayer(winner)} still sets ${show(winner)} and wins in ${env}: the change has no effect`,
        hint:
          winner.kind === 'env'
            ? `remove ${key} from services.${serviceName}.config.env.${env} in tranche.yaml`
            : `remove ${key} from ${winner.source} so the new value takes effect`,
        location: winner.location,
      });
    }
  }
  return findings;
}

const identity = (layer: Layer) => `${layer.kind}\u0000${layer.source}`;

/** The highest lower layer that changed while the winner stayed the same, if any. */
function shadowedLayer(toLayers: Layer[], fromLayers: Layer[] | undefined): { changed: Layer; before?: Layer } | undefined {
  const winner = toLayers[0];
  const previousWinner = fromLayers?.[0];
  if (!winner || !previousWinner || toLayers.length < 2) return undefined;
  if (identity(winner) !== identity(previousWinner) || !sameValue(winner, previousWinner)) return undefined;
  for (const layer of toLayers.slice(1)) {
    const before = fromLayers!.find((l) => identity(l) === identity(layer));
    if (!before || !sameValue(before, layer)) return before ? { changed: layer, before } : { changed: layer };
  }
  return undefined;
}

function takesEffectSomewhere(toConfigs: ResolvedFleet, fromConfigs: ResolvedFleet, service: string, key: string, changed: Layer): boolean {
  for (const env of toConfigs.envs) {
    const toLayers = toConfigs.config(env, service)?.keys.get(key)?.layers ?? [];
    if (!toLayers.some((l) => identity(l) === identity(changed))) continue;
    const fromLayers = fromConfigs.config(env, service)?.keys.get(key)?.layers;
    const winner = toLayers[0]!;
    const previousWinner = fromLayers?.[0];
    if (!previousWinner || identity(winner) !== identity(previousWinner) || !sameValue(winner, previousWinner)) return true;
  }
  return false;
}

function sameValue(a: Layer, b: Layer): boolean {
  return rawText(a.raw, a.sourceText) === rawText(b.raw, b.sourceText) && typeof a.raw === typeof b.raw;
}
