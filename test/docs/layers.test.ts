import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { REPO_ROOT } from '../support/paths.js';

/**
 * The layers of docs/architecture.md, read from the imports of every source file: what each
 * folder may import. A module is named by its layer (`core`, `ports`, …) when it is tranche's,
 * by its package name otherwise.
 */
const SRC = join(REPO_ROOT, 'src');
const LAYERS = ['core', 'ports', 'engine', 'adapters', 'cli', 'demo'] as const;
type Layer = (typeof LAYERS)[number];

/** The packages and node modules a pure layer may use: they read no file, no socket, no clock. */
const PURE_PACKAGES = ['yaml', 'js-yaml', 'ajv', '@yarnpkg/parsers', 'smol-toml', 'semver', 'avsc', 'node:crypto', 'node:path', 'node:net', 'node:buffer'];
/** The one module of core that loads a package on first use (`yaml`, which most commands never need): with `node:module`. */
const CORE_LOADER = 'core/yaml/yaml-package.ts';
const ALLOWED: Record<Layer, { layers: Layer[]; packages: (name: string, file: string) => boolean }> = {
  core: { layers: ['core'], packages: (name, file) => PURE_PACKAGES.includes(name) || (file === CORE_LOADER && name === 'node:module') },
  ports: { layers: ['core', 'ports'], packages: () => false },
  // The engine's workers run on threads; it touches the world only through ports.
  engine: { layers: ['core', 'ports', 'engine'], packages: (name) => PURE_PACKAGES.includes(name) || name === 'node:worker_threads' || name === 'node:os' },
  adapters: { layers: ['core', 'ports', 'adapters'], packages: () => true },
  cli: { layers: [...LAYERS], packages: () => true },
  demo: { layers: [...LAYERS], packages: () => true },
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Every module a file imports (static and dynamic), as a path under src/ or a package name. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+'([^']+)'|import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1] ?? m[2]!);
  return specifiers.map((s) =>
    s.startsWith('.')
      ? relative(SRC, resolve(dirname(file), s))
      : s
          .split('/')
          .slice(0, s.startsWith('@') ? 2 : 1)
          .join('/'),
  );
}

const files = sourceFiles(SRC).map((file) => ({ file, path: relative(SRC, file), imports: importsOf(file) }));

describe('the layers of docs/architecture.md hold in the code', () => {
  test('the source files and their imports were read', () => {
    assert.ok(files.length > 100, `${files.length} source files`);
    assert.ok(files.some((f) => f.imports.includes('core/finding.js')));
  });

  for (const layer of LAYERS) {
    test(`src/${layer} imports only what its layer may`, () => {
      const own = files.filter((f) => f.path.startsWith(`${layer}/`));
      assert.ok(own.length > 0);
      const wrong = own.flatMap((f) =>
        f.imports
          .filter((module) => {
            const target = LAYERS.find((l) => module.startsWith(`${l}/`));
            return target ? !ALLOWED[layer].layers.includes(target) : module.startsWith('..') || !ALLOWED[layer].packages(module, f.path);
          })
          .map((module) => `${f.path} → ${module}`),
      );
      assert.deepEqual(wrong, []);
    });
  }

  test('a command of the CLI calls the engine and picks a view: no command imports an adapter (the wiring is runtime.ts and open-fleet.ts)', () => {
    const commands = files.filter((f) => f.path.startsWith('cli/commands/'));
    assert.ok(commands.length > 15);
    const wrong = commands.flatMap((f) => f.imports.filter((m) => m.startsWith('adapters/')).map((m) => `${f.path} → ${m}`));
    assert.deepEqual(wrong, []);
  });
});
