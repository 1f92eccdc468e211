import { createRequire } from 'node:module';
import type * as Yaml from 'yaml';

let loaded: typeof Yaml | undefined;

/**
 * The `yaml` package, loaded the first time a reader needs it. Nearly every document goes
 * through tranche's own subset readers (`read-block-yaml.ts`, `parse-flat-fast.ts`), and a
 * command that meets none outside them — `tranche validate` on a block-style manifest with flat
 * config files — never loads it: loading it costs more than the rest of that command's modules
 * (docs/performance.md, "Start-up"). Every module of core takes `yaml` from here, and only its
 * types by `import type`. Loading a library reads no input: core stays pure.
 */
export function yamlPackage(): typeof Yaml {
  // The package's entry for Node is CommonJS: `import` would load this very module too.
  loaded ??= createRequire(import.meta.url)('yaml') as typeof Yaml;
  return loaded;
}
