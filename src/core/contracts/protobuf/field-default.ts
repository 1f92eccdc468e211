import type { ProtoFile, ProtoOption } from './proto-model.js';

/** The bounds of each integer scalar, as protoc checks a default against them. */
const INTEGER_BOUNDS: Record<string, readonly [bigint, bigint]> = {
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  sint32: [-(2n ** 31n), 2n ** 31n - 1n],
  sfixed32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 63n), 2n ** 63n - 1n],
  sint64: [-(2n ** 63n), 2n ** 63n - 1n],
  sfixed64: [-(2n ** 63n), 2n ** 63n - 1n],
  uint32: [0n, 2n ** 32n - 1n],
  fixed32: [0n, 2n ** 32n - 1n],
  uint64: [0n, 2n ** 64n - 1n],
  fixed64: [0n, 2n ** 64n - 1n],
};

/**
 * Why protoc refuses the `[default = …]` of a field of `type` in a file of `syntax`, or
 * undefined. Only what protoc refuses: any default in proto3 ("Explicit default values are not
 * allowed in proto3."), and for an integer scalar a value that is no integer (`1e99999`, `1.5`,
 * `inf`) or is out of the type's range. A float or double takes any number: one past the
 * double range is infinity, as protoc reads it (`1e99999` is `inf`).
 */
export function defaultProblem(syntax: ProtoFile['syntax'], type: string, option: ProtoOption): string | undefined {
  if (syntax === 'proto3') return 'explicit default values are not allowed in proto3';
  const bounds = INTEGER_BOUNDS[type];
  if (!bounds) return undefined;
  const value = option.kind === 'number' ? integerValue(option.value) : undefined;
  if (value === undefined) return `default ${option.value} is not an integer: the field is ${type}`;
  if (value < bounds[0] || value > bounds[1]) return `default ${option.value} is out of range for ${type} (${bounds[0]} to ${bounds[1]})`;
  return undefined;
}

/** A decimal, hex (0x1F) or octal (017) integer literal, with its sign; undefined for anything else. */
function integerValue(text: string): bigint | undefined {
  const negative = text.startsWith('-');
  const digits = negative ? text.slice(1) : text;
  let value: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(digits) || /^(0|[1-9][0-9]*)$/.test(digits)) value = BigInt(digits);
  else if (/^0[0-7]+$/.test(digits)) value = BigInt(`0o${digits.slice(1)}`);
  else return undefined;
  return negative ? -value : value;
}
