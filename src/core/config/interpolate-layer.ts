import { describeLayer } from './describe-layer.js';
import type { Layer } from './resolved-config.js';
import { rawText } from './show-value.js';
import type { SourceEntry } from './source-file.js';
import { evaluateTemplate, type VariableValue } from './template.js';

/**
 * Resolves the references of one entry into `layer`: its value becomes what they resolve to, and
 * the layer says how. A value built from a secret (a variable `isSecret` names, or a layer that
 * holds one) holds a secret, but is not, as written, a secret in git: the secret's own layer
 * says where it is. Gives the names of the variables it found.
 */
export function interpolateLayer(layer: Layer, entry: SourceEntry, lookup: (name: string) => Layer | undefined, isSecret: (name: string) => boolean): string[] {
  const result = evaluateTemplate<Layer>(entry.template!, (name): VariableValue<Layer> | undefined => {
    const found = lookup(name);
    return found ? { value: rawText(found.raw, found.sourceText), origin: found } : undefined;
  });
  layer.raw = result.value;
  layer.interpolated = {
    written: String(entry.value),
    refs: result.used.map((u) => ({ name: u.name, ...(u.origin ? { from: { source: describeLayer(u.origin), location: u.origin.location } } : {}) })),
    unresolved: [...result.undefined.map((u) => ({ name: u.name })), ...result.errors.map((e) => ({ name: e.name, message: e.message }))],
  };
  if (result.used.some((u) => u.origin && (isSecret(u.name) || u.origin.holdsSecret))) holdsSecret(layer);
  return result.used.filter((u) => u.origin).map((u) => u.name);
}

/** Marks a layer as holding a secret: not a plaintext secret of its own file (the secret's own layer says where it is). */
export function holdsSecret(layer: Layer): void {
  layer.holdsSecret = true;
  layer.tracked = false;
}
