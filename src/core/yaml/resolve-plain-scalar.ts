/**
 * Plain scalar resolution under the YAML 1.2 core schema, in the order `yaml` tries its tags (null,
 * booleans, then octal, decimal and hex ints, infinity/NaN, floats), giving exactly the value
 * `yaml` gives. Used by both fast readers; their tests check it against `yaml` itself.
 */

const CORE_OCTAL = /^0o[0-7]+$/;
const CORE_DECIMAL = /^[-+]?[0-9]+$/;
const CORE_HEX = /^0x[0-9a-fA-F]+$/;
const CORE_INF_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const CORE_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

/**
 * The JavaScript value `yaml` gives a plain scalar (`source` is its exact text, '' for an empty
 * value). Dispatching on the first character keeps common strings to one comparison.
 */
export function resolvePlainScalar(source: string): unknown {
  switch (source.charCodeAt(0)) {
    case 0x7e /* ~ */:
    case 0x6e /* n */:
    case 0x4e /* N */:
      return source === '~' || source === 'null' || source === 'Null' || source === 'NULL' ? null : source;
    case 0x74 /* t */:
    case 0x54 /* T */:
      return source === 'true' || source === 'True' || source === 'TRUE' ? true : source;
    case 0x66 /* f */:
    case 0x46 /* F */:
      return source === 'false' || source === 'False' || source === 'FALSE' ? false : source;
    case 0x2b /* + */:
    case 0x2d /* - */:
    case 0x2e /* . */:
      return resolveNumber(source);
    default:
      if (source === '') return null;
      return isDigit(source.charCodeAt(0)) ? resolveNumber(source) : source;
  }
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** The number tags, tested in `yaml`'s order: octal, decimal, hex, infinity/NaN, float. */
function resolveNumber(source: string): unknown {
  if (CORE_OCTAL.test(source)) return parseInt(source.slice(2), 8);
  if (CORE_DECIMAL.test(source)) return parseInt(source, 10);
  if (CORE_HEX.test(source)) return parseInt(source.slice(2), 16);
  if (CORE_INF_NAN.test(source)) return resolveInfOrNaN(source);
  // A float with or without exponent; without one it needs a `.` (`1` and `-2` are ints, above).
  if (CORE_FLOAT.test(source)) return parseFloat(source);
  return source;
}

function resolveInfOrNaN(source: string): number {
  if (source.endsWith('nan') || source.endsWith('NaN') || source.endsWith('NAN')) return NaN;
  return source.startsWith('-') ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
}
