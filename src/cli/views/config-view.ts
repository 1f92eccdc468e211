import { describeLayer, isSourceLayer } from '../../core/config/describe-layer.js';
import type { Layer, ResolvedConfig, ResolvedKey } from '../../core/config/resolved-config.js';
import type { Fingerprinter } from '../../core/config/fingerprint.js';
import { showValue } from '../../core/config/show-value.js';
import { formatLocation } from '../../core/location.js';
import type { Finding } from '../../core/finding.js';
import { groupedFindings } from './findings.js';
import { findingJson } from './json.js';
import { renderTable } from './table.js';

const shown = (fingerprints: Fingerprinter, key: ResolvedKey, layer: Layer) =>
  layer.atRunTime !== undefined ? `(set at run time ${layer.atRunTime})` : showValue(fingerprints, key.spec, layer.raw, layer.sourceText);

/** Where a layer's value is, as one cell: `services/a/config/prod.yaml:3` or `resource orders-db.port (tranche.yaml:12)`. */
function origin(layer: Layer): string {
  const at = formatLocation({ file: layer.location.file, ...(layer.location.line ? { line: layer.location.line } : {}) });
  return isSourceLayer(layer.kind) ? at : `${describeLayer(layer)} (${at})`;
}

/** The table of `tranche config`: key, value, where it comes from, what it overrides; then the config rules' findings. */
export function renderConfig(config: ResolvedConfig, revisionLabel: string, findings: readonly Finding[], fingerprints: Fingerprinter): string {
  const rows = [...config.keys.values()].map((key) => {
    const winner = key.layers[0];
    if (!winner) return [key.key, key.spec.required ? '(missing)' : '(unset)', '', ''];
    const overrides = key.layers
      .slice(1)
      .map((l) => `${shown(fingerprints, key, l)} from ${origin(l)}`)
      .join('; ');
    return [key.key, shown(fingerprints, key, winner), origin(winner), overrides];
  });
  return [
    `${config.service} in ${config.env} (${revisionLabel})`,
    '',
    renderTable(['KEY', 'VALUE', 'SOURCE', 'OVERRIDES'], rows),
    ...(findings.length ? ['', groupedFindings(findings)] : []),
    '',
  ].join('\n');
}

/** `--explain KEY`: the whole chain from the winner down to the lowest layer. */
export function renderExplain(config: ResolvedConfig, key: ResolvedKey, fingerprints: Fingerprinter): string {
  const { spec } = key;
  const traits = [
    `type ${spec.type}${spec.values ? ` (${spec.values.join(', ')})` : ''}`,
    spec.required ? 'required' : 'optional',
    spec.secret && 'secret',
    spec.bind && `binds to ${spec.bind.resource}.${spec.bind.field}`,
  ].filter(Boolean);
  const lines = [`${key.key} of ${config.service} in ${config.env}: ${traits.join(', ')}`, ''];
  if (!key.layers.length) {
    lines.push(`  nothing sets ${key.key} in ${config.env}${spec.required ? ' (it is required)' : ''}`);
  } else {
    const rows = key.layers.flatMap((layer, i) => [
      [
        i === 0 ? 'wins' : `${i + 1}.`,
        shown(fingerprints, key, layer),
        layer.kind,
        formatLocation(layer.location),
        isSourceLayer(layer.kind) ? '' : describeLayer(layer),
      ],
      ...builtFrom(key, layer).map((line) => ['', line, '', '', '']),
    ]);
    lines.push(renderTable(undefined, rows, '  '));
    lines.push('');
    if (key.value?.ok) lines.push(`  ${config.service} gets ${key.key}=${spec.secret ? shown(fingerprints, key, key.layers[0]!) : key.value.text}`);
    else if (key.value)
      lines.push(`  invalid: ${spec.secret ? `not a valid ${spec.type}` : key.value.message}${key.value.hint && !spec.secret ? ` (${key.value.hint})` : ''}`);
  }
  lines.push('');
  return lines.join('\n');
}

/** How an interpolated layer was built: the text as written (not for a secret) and where each variable it read was set. */
function builtFrom(key: ResolvedKey, layer: Layer): string[] {
  const built = layer.interpolated;
  if (!built) return [];
  return [
    ...(key.spec.secret ? [] : [`written ${built.written}`]),
    ...built.refs.map((ref) => `\u21b3 ${ref.name} ${ref.from ? `from ${ref.from.source} (${formatLocation(ref.from.location)})` : 'is not set'}`),
  ];
}

function layerJson(fingerprints: Fingerprinter, key: ResolvedKey, layer: Layer): Record<string, unknown> {
  const built = layer.interpolated;
  return {
    value: shown(fingerprints, key, layer),
    kind: layer.kind,
    source: layer.source,
    location: layer.location,
    ...(built
      ? {
          ...(key.spec.secret ? {} : { written: built.written }),
          refs: built.refs.map((r) => ({ name: r.name, ...(r.from ? { source: r.from.source, location: r.from.location } : { set: false }) })),
        }
      : {}),
  };
}

/** The JSON of `tranche config`: every key with its value (secrets fingerprinted), source and overrides. */
export function configJson(
  config: ResolvedConfig,
  revisionLabel: string,
  findings: readonly Finding[],
  fingerprints: Fingerprinter,
  only?: ResolvedKey,
): Record<string, unknown> {
  const keys = (only ? [only] : [...config.keys.values()]).map((key) => ({
    key: key.key,
    type: key.spec.type,
    required: key.spec.required,
    secret: key.spec.secret,
    set: key.layers.length > 0,
    ...(key.layers[0] ? { value: shown(fingerprints, key, key.layers[0]) } : {}),
    valid: key.value ? key.value.ok : !key.spec.required,
    ...(key.value && !key.value.ok && !key.spec.secret ? { problem: key.value.message } : {}),
    ...(key.layers[0] ? { source: layerJson(fingerprints, key, key.layers[0]) } : {}),
    overrides: key.layers.slice(1).map((layer) => layerJson(fingerprints, key, layer)),
  }));
  return {
    service: config.service,
    env: config.env,
    revision: revisionLabel,
    keys,
    ...(only
      ? {}
      : { unknown: config.unknown.map((u) => ({ key: u.key, source: u.layer.source, location: u.layer.location })), findings: findings.map(findingJson) }),
  };
}
