import { InputError } from '../../input-error.js';
import { parseSpecText, specErrorPosition } from '../load-open-api.js';
import { type BufConfig, DEFAULT_BUF_CONFIG, rulesInEffect } from './buf-config.js';

const VERSIONS = new Set(['v1beta1', 'v1', 'v2']);

/**
 * The breaking config of a `buf.yaml` text (`version`, and under `breaking`: `use`, `except`,
 * `ignore`, `ignore_unstable_packages`), buf's defaults where it says nothing (v1beta1 when it
 * names no version, as buf does; FILE when it names no rule). A file that does not parse, a value
 * of the wrong shape or a rule id or category buf does not know in that version is an InputError
 * naming `path` (and the line and column of a parse error).
 */
export function readBufConfig(text: string, path: string): BufConfig {
  let document: unknown;
  try {
    document = parseSpecText(text);
  } catch (error) {
    const { message, line, column } = specErrorPosition(error);
    throw new InputError(`${path}${line !== undefined ? `:${line}:${column}` : ''}: ${message}`);
  }
  const root = isRecord(document) ? document : {};
  const version = root.version ?? 'v1beta1';
  if (typeof version !== 'string' || !VERSIONS.has(version)) throw new InputError(`${path}: version must be v1beta1, v1 or v2`);
  const breaking = root.breaking ?? {};
  if (!isRecord(breaking)) throw new InputError(`${path}: breaking must be a map`);
  const list = (key: string): string[] => {
    const value = breaking[key] ?? [];
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw new InputError(`${path}: breaking.${key} must be a list of strings`);
    return value;
  };
  const unstable = breaking.ignore_unstable_packages ?? false;
  if (typeof unstable !== 'boolean') throw new InputError(`${path}: breaking.ignore_unstable_packages must be true or false`);
  const use = list('use');
  const config: BufConfig = {
    version: version as BufConfig['version'],
    use: use.length > 0 ? use : DEFAULT_BUF_CONFIG.use,
    except: list('except'),
    ignore: list('ignore'),
    ignoreUnstablePackages: unstable,
  };
  const { unknown } = rulesInEffect(config);
  if (unknown.length > 0) throw new InputError(`${path}: breaking rule or category buf ${version} does not have: ${unknown.join(', ')}`);
  return config;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
