/**
 * The package name at the start of a descriptor or locator: `ms` in `ms@^2.1.1`, `@types/ms` in
 * `@types/ms@npm:0.7.34`, `foo` in `foo@npm:bar@1.0.0`. A text with no version part is all name.
 */
export function packageNameOf(descriptor: string): string {
  const at = descriptor.indexOf('@', descriptor.startsWith('@') ? 1 : 0);
  return at <= 0 ? descriptor : descriptor.slice(0, at);
}
