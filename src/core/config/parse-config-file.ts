/**
 * Reads a service config file (flat `KEY: value` YAML, or JSON, which is YAML 1.2) into entries that
 * remember where each key is.
 *
 * Why there are two readers: a fleet has thousands of these files and tranche must read them all
 * in well under a second. `yaml`'s `parseDocument` keeps positions but costs ~0.6 ms per 40-line
 * file (2.5 s for 4,000 files). Almost every config file is a flat list of `KEY: scalar` lines,
 * which a line-by-line reader handles a few hundred times faster. So `parseFlatFast` reads files
 * made only of lines it fully understands and declines (returns undefined) at the first thing it
 * is not sure of; such files are parsed whole by `yaml` (`parseWithYaml`). Both produce the same
 * result for any file the fast path accepts: the tests check this against `yaml` itself.
 *
 * Problem messages never quote the file's text (config files may hold secrets), except the name
 * of a duplicated key when it looks like one.
 */
import type { ConfigFile } from '../yaml/config-entry.js';
import { parseFlatFast } from '../yaml/parse-flat-fast.js';
import { parseWithYaml } from '../yaml/parse-with-yaml.js';

export type { ConfigFile } from '../yaml/config-entry.js';

export function parseConfigFile(text: string): ConfigFile {
  return parseFlatFast(text) ?? parseWithYaml(text);
}
