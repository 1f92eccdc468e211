import type { ErrorObject } from 'ajv';
import { describeSchemaError, shown, type SchemaWords } from '../describe-schema-error.js';
import { suggestion } from '../did-you-mean.js';
import type { Finding } from '../finding.js';
import type { ManifestLocator } from './manifest.js';
import { validateManifest } from './manifest-validator.js';

/** Checks the manifest's shape against its JSON Schema; every violation becomes a located finding. */
export function checkSchema(data: unknown, locate: ManifestLocator): Finding[] {
  if (validateManifest(data)) return [];
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const error of validateManifest.errors ?? []) {
    const described = describeSchemaError(error, MANIFEST_WORDS);
    if (!described) continue;
    const location = locate(described.path, described.part);
    const id = `${location.line}:${location.column}:${described.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    findings.push({ rule: 'manifest/invalid', severity: 'error', message: described.message, location });
  }
  return findings;
}

const MANIFEST_WORDS: SchemaWords = { whole: 'the manifest', name: nameMessage, pattern: patternMessage };

function nameMessage(name: string, error: ErrorObject): string {
  if (error.keyword === 'maxLength') return `the name ${shown(name)} is longer than 63 characters`;
  if (error.keyword === 'enum') {
    const allowed = ((error.params as { allowedValues: unknown[] }).allowedValues ?? []).map(String);
    if (name === 'change/frozen') return 'policy.rules cannot set change/frozen: freezes are set by operators (tranche freeze), and a release cannot lift them';
    if (name === 'manifest/invalid') return 'policy.rules cannot set manifest/invalid: a fleet definition that cannot be used stops every command';
    return `unknown rule ${name}${suggestion(name, allowed)}`;
  }
  const pattern = String((error.params as { pattern?: string }).pattern ?? '');
  if (pattern.startsWith('^[A-Za-z_]')) return `${shown(name)} is not a valid key: use letters, digits and _ (starting with a letter or _)`;
  if (/^[0-9]+$/.test(name)) return `${shown(name)} is not a valid name: a name needs at least one letter (YAML reads 01 as the number 1)`;
  return `${shown(name)} is not a valid name: use letters, digits, '.', '_' and '-', starting with a letter or digit`;
}

function patternMessage(where: string, error: ErrorObject): string {
  const value = shown(error.data);
  const pattern = String((error.params as { pattern?: string }).pattern ?? '');
  if (pattern.includes('ms|s|m|h')) return `${where}: ${value} is not a duration (write e.g. 250ms, 5s, 2m or 1m30s)`;
  if (where.endsWith('.bind')) return `${where}: ${value} must be RESOURCE.FIELD, e.g. orders-db.port`;
  if (pattern.startsWith('^[A-Z]+ /')) return `${where}: ${value} must be METHOD /path, e.g. "POST /charges"`;
  if (pattern === '^[A-Za-z]+$') return `${where}: ${value} is not an HTTP method`;
  if (pattern.endsWith('/[A-Za-z_][A-Za-z0-9_]*$'))
    return `${where}: ${value} must be Service/Method or package.Service/Method, e.g. hipstershop.CartService/AddItem`;
  if (where.endsWith('.message')) return `${where}: ${value} must be a message's full name, e.g. shop.OrderCreated`;
  if (pattern.startsWith('^[^\\u0000')) return `${where}: ${value} holds a line break or a control character: a name is one line`;
  return `${where}: ${value} does not match ${pattern}`;
}
