import type { LayerKind } from './resolved-config.js';

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
