import { posix } from 'node:path';
import type { Draft, DraftService } from './draft-manifest.js';

/**
 * The draft as tranche.yaml text: a yaml-language-server modeline (`schemaRef`: where the
 * editor finds tranche's JSON Schema), comments that say where each part comes from and what to
 * review, and what init could not infer at the end.
 */
export function renderDraft(draft: Draft, schemaRef: string): string {
  const lines = [
    `# yaml-language-server: $schema=${schemaRef}`,
    '# Drafted by `tranche init` from what this repository holds: review every part, then',
    `# \`tranche validate\` and \`tranche check --env ${draft.env}\`. Every field: docs/manifest.md of tranche.`,
    'version: 1',
    `name: ${scalar(draft.name)}`,
    'environments:',
    '  # exec: each service deploys with its exec.deploy command (review them below).',
    `  ${draft.env}: { driver: exec }`,
  ];
  if (!draft.services.length) lines.push('services: {}');
  else lines.push('services:');
  for (const service of draft.services) lines.push(...serviceLines(service));
  if (draft.notes.length) {
    lines.push('', '# Not inferred, or left out (tranche init):');
    for (const note of draft.notes) lines.push(`#   - ${note.replace(/\n/g, ' ')}`);
  }
  return `${lines.join('\n')}\n`;
}

function serviceLines(service: DraftService): string[] {
  const lines = [`  ${key(service.name)}:`, `    path: ${scalar(service.path)}`];
  if (service.dependsOn.length) {
    lines.push('    # Started after these (compose depends_on, and hosts its values name):');
    lines.push(`    depends_on: [${service.dependsOn.map(scalar).join(', ')}]`);
  }
  lines.push('    exec:', '      # How it deploys: review.', `      deploy: [${service.deploy.map(scalar).join(', ')}]`);
  if (!service.source && !service.keys.size) return lines;
  lines.push('    config:');
  if (service.source) {
    const relative = (path: string) => posix.relative(service.path, path) || '.';
    lines.push('      sources:');
    if ('compose' in service.source) {
      const files = service.source.compose.map(relative);
      lines.push(`        - compose: ${files.length === 1 ? scalar(files[0]!) : `[${files.map(scalar).join(', ')}]`}`);
      if (service.source.service !== service.name) lines.push(`          service: ${scalar(service.source.service)}`);
    } else {
      lines.push(`        - kubernetes: ${scalar(relative(service.source.kubernetes))}`);
      if (service.source.workload !== service.name) lines.push(`          workload: ${scalar(service.source.workload)}`);
      if (service.source.kind) lines.push(`          kind: ${service.source.kind}`);
      if (service.source.container) lines.push(`          container: ${scalar(service.source.container)}`);
    }
  }
  if (service.keys.size) {
    lines.push('      # Every key the source sets, typed by its values; add required: true where the service needs one.');
    lines.push('      schema:');
    for (const [name, spec] of [...service.keys].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`        ${key(name)}: { type: ${spec.type}${spec.secret ? ', secret: true' : ''} }`);
    }
  }
  return lines;
}

/** A plain scalar when YAML reads it back as the same string, else double-quoted. */
function scalar(text: string): string {
  return /^[A-Za-z0-9_./][A-Za-z0-9_./@:+-]*$/.test(text) &&
    !/^(true|false|null|yes|no|on|off|~|[-+]?[0-9.]+([eE][-+]?\d+)?)$/i.test(text) &&
    !text.includes(': ')
    ? text
    : JSON.stringify(text);
}

function key(text: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(text) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(text) ? text : JSON.stringify(text);
}
