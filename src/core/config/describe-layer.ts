import type { LayerKind } from './resolved-config.js';

/** Whether a layer is a config source: people find it at its file:line, not by a name. */
export function isSourceLayer(kind: LayerKind): boolean {
  return kind !== 'default' && kind !== 'bind' && kind !== 'env';
}

/** How a person names where a value came from: `default`, `resource orders-db.port`, a file path, `env.prod`. */
export function describeLayer(layer: { kind: LayerKind; source: string }): string {
  switch (layer.kind) {
    case 'default':
      return 'the default';
    case 'bind':
      return `resource ${layer.source}`;
    default:
      return layer.source;
  }
}
