/**
 * payments' `package.json` and `package-lock.json` (lockfile version 3). The demo's services
 * install nothing (they run on Node alone); the lockfile is there for what tranche reads of it.
 * `supportsColor` is the version the lockfile resolves chalk's transitive `supports-color` to: a
 * regenerated lockfile moves it while chalk, the direct dependency, stays where it was.
 */
export const PAYMENTS_PACKAGE_JSON = `${JSON.stringify({ name: 'payments', version: '1.4.0', private: true, dependencies: { chalk: '^4.1.2' } }, null, 2)}\n`;

export function paymentsLockfile(supportsColor: string): string {
  const lock = {
    name: 'payments',
    version: '1.4.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'payments', version: '1.4.0', dependencies: { chalk: '^4.1.2' } },
      'node_modules/ansi-styles': { version: '4.3.0', license: 'MIT', dependencies: { 'color-convert': '^2.0.1' }, engines: { node: '>=8' } },
      'node_modules/chalk': {
        version: '4.1.2',
        license: 'MIT',
        dependencies: { 'ansi-styles': '^4.1.0', 'supports-color': '^7.1.0' },
        engines: { node: '>=10' },
      },
      'node_modules/color-convert': { version: '2.0.1', license: 'MIT', dependencies: { 'color-name': '~1.1.4' }, engines: { node: '>=7.0.0' } },
      'node_modules/color-name': { version: '1.1.4', license: 'MIT' },
      'node_modules/has-flag': { version: '4.0.0', license: 'MIT', engines: { node: '>=8' } },
      'node_modules/supports-color': { version: supportsColor, license: 'MIT', dependencies: { 'has-flag': '^4.0.0' }, engines: { node: '>=8' } },
    },
  };
  return `${JSON.stringify(lock, null, 2)}\n`;
}
