import { quote } from './coerce-result.js';

/** Example durations, as the type's description and messages show them. */
export const DURATION_EXAMPLES = '250ms, 5s, 1m30s';

/**
 * Milliseconds in a duration such as `250ms`, `5s`, `2m`, `1h`, `1.5s` or `1m30s`; undefined when
 * the text is not one (a bare number, a negative, an unknown unit, surrounding whitespace).
 */
export function parseDuration(text: string): number | undefined {
  if (typeof text !== 'string') return undefined;
  const parsed = readDuration(text);
  return parsed.ok ? parsed.ms : undefined;
}

const UNIT_MS = { h: 3_600_000n, m: 60_000n, s: 1000n, ms: 1n } as const;
type Unit = keyof typeof UNIT_MS;
const UNITS = 'ms, s, m or h';
/** Unit names people write that mean one of ours; used only to suggest a fix. */
const UNIT_ALIASES: Record<string, Unit | 'd'> = {
  msec: 'ms',
  msecs: 'ms',
  millis: 'ms',
  millisecond: 'ms',
  milliseconds: 'ms',
  sec: 's',
  secs: 's',
  second: 's',
  seconds: 's',
  min: 'm',
  mins: 'm',
  minute: 'm',
  minutes: 'm',
  hr: 'h',
  hrs: 'h',
  hour: 'h',
  hours: 'h',
  d: 'd',
  day: 'd',
  days: 'd',
};
const NEXT_SMALLER: Record<Unit, Unit | undefined> = { h: 'm', m: 's', s: 'ms', ms: undefined };

/** A duration read from text: its milliseconds and normalized text, or why it is not one. */
export type DurationRead = { ok: true; ms: number; text: string } | { ok: false; message: string; hint?: string };

interface DurationPart {
  digits: string; // normalized number, e.g. "1.5"
  unit: string; // as written
  start: number;
  end: number;
}

/**
 * Reads `(<number><unit>)+` with units ms, s, m, h (the manifest's duration pattern), e.g.
 * `250ms`, `1.5s`, `1m30s`. The text it returns is the input with each number normalized
 * (`05s` → `5s`, `1.50s` → `1.5s`).
 */
export function readDuration(s: string): DurationRead {
  const q = quote(s);
  const invalid = (reason?: string, hint?: string): DurationRead => ({
    ok: false,
    message: reason === undefined ? `${q} is not a duration (like ${DURATION_EXAMPLES})` : `${q} is not a duration: ${reason}`,
    ...(hint !== undefined ? { hint } : {}),
  });
  if (s === '') return invalid('it is empty');
  if (s.trim() !== s) return invalid('it has surrounding whitespace');

  const negative = s.startsWith('-');
  const body = negative ? s.slice(1) : s;
  const offset = s.length - body.length;
  const parts: DurationPart[] = [];
  const partRe = /(\d+(?:\.\d+)?|\.\d+)([^\d.]*)/y;
  let at = 0;
  while (at < body.length) {
    partRe.lastIndex = at;
    const m = partRe.exec(body);
    if (!m) return invalid();
    parts.push({ digits: normalizeDecimal(m[1]!), unit: m[2]!, start: offset + at, end: offset + partRe.lastIndex });
    at = partRe.lastIndex;
  }
  if (parts.length === 0) return invalid();
  if (negative) return invalid('durations cannot be negative');
  if (/\s/.test(s)) {
    const joined = s.replace(/\s+/g, '');
    const fixed = readDuration(joined);
    return invalid('it contains whitespace', fixed.ok ? `write ${fixed.text}` : undefined);
  }

  let total = 0n;
  let denominator = 1n;
  for (const [i, part] of parts.entries()) {
    if (part.unit === '') {
      if (parts.length === 1) return { ok: false, message: `${q} has no unit: write ${part.digits}s or ${part.digits}ms` };
      const previous = parts[i - 1]?.unit as Unit | undefined;
      const guess = previous !== undefined && previous in UNIT_MS ? NEXT_SMALLER[previous] : undefined;
      const fixed = guess ? readDuration(s.slice(0, part.end) + guess + s.slice(part.end)) : undefined;
      return invalid(`${part.digits} has no unit`, fixed?.ok ? `write ${fixed.text}` : `use ${UNITS}`);
    }
    if (!(part.unit in UNIT_MS)) return invalid(`${quote(part.unit)} is not a unit (use ${UNITS})`, unitHint(parts, part));
    // Exact arithmetic: 1.1h is 3960000ms, not 3960000.0000000005.
    const [whole, fraction = ''] = part.digits.split('.');
    const scale = 10n ** BigInt(fraction.length);
    const amount = BigInt(whole! + fraction) * UNIT_MS[part.unit as Unit];
    total = total * scale + amount * denominator;
    denominator *= scale;
  }
  const ms = Number(total) / Number(denominator);
  if (!(total / denominator <= BigInt(Number.MAX_SAFE_INTEGER))) return { ok: false, message: `${q} is out of range for a duration` };
  return { ok: true, ms, text: parts.map((p) => p.digits + p.unit).join('') };
}

/** `write 5m` for `5min`, `write 48h` for `2d`: a fix when an unknown unit is a known alias. */
function unitHint(parts: DurationPart[], bad: DurationPart): string | undefined {
  const alias = UNIT_ALIASES[bad.unit.toLowerCase()] ?? (bad.unit.toLowerCase() in UNIT_MS ? (bad.unit.toLowerCase() as Unit) : undefined);
  if (alias === undefined) return undefined;
  if (alias !== 'd') {
    const fixed = readDuration(parts.map((p) => p.digits + (p === bad ? alias : p.unit)).join(''));
    return fixed.ok ? `write ${fixed.text}` : undefined;
  }
  const [whole, fraction = ''] = bad.digits.split('.');
  const hours = BigInt(whole! + fraction) * 24n;
  const scale = 10n ** BigInt(fraction.length);
  if (hours % scale !== 0n) return undefined;
  const fixed = readDuration(parts.map((p) => (p === bad ? `${hours / scale}h` : p.digits + p.unit)).join(''));
  return fixed.ok ? `write ${fixed.text}` : undefined;
}

/** `007` → `7`, `1.50` → `1.5`, `.5` → `0.5`, `2.0` → `2`. */
function normalizeDecimal(digits: string): string {
  const [whole = '', fraction = ''] = digits.split('.');
  const w = whole.replace(/^0+(?=\d)/, '') || '0';
  const f = fraction.replace(/0+$/, '');
  return f ? `${w}.${f}` : w;
}
