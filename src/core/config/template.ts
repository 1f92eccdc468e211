import { MAX_NESTING } from '../nesting.js';

/**
 * Variable references in config values, with docker compose's semantics (the compose
 * specification's interpolation): `$VAR`, `${VAR}`, `${VAR:-default}` (default when unset or
 * empty), `${VAR-default}` (when unset), `${VAR:?message}` / `${VAR?message}` (an error when
 * unset or empty / unset), `${VAR:+replacement}` / `${VAR+replacement}` (the replacement when set
 * and not empty / set, else nothing), `$$` for a literal `$`; a default, message or replacement
 * may itself hold references (`${A:-${B:-x}}`).
 *
 * Compose files are parsed `strict`: a `$` that starts none of these is an error, as in docker
 * compose. Env files are not: there such a `$` is kept as written, as compose's env-file reader
 * and dotenv-expand do. References nested more than MAX_NESTING deep are an error either way.
 */

/** A name a reference may use. */
const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*/;

type TemplatePart = { text: string } | { ref: Reference };

/** `${NAME<op><arg>}` or `$NAME`, at `offset` in the text it was read from. */
interface Reference {
  name: string;
  op?: ':-' | '-' | ':?' | '?' | ':+' | '+';
  arg?: TemplatePart[];
  offset: number;
}

/** A value whose text holds at least one reference (or `$$`), parsed. */
export interface Template {
  parts: TemplatePart[];
}

export interface TemplateError {
  /** What is wrong, without quoting the value (it may be a secret). */
  message: string;
  offset: number;
}

/** The template in `text`, or undefined when it holds no `$` at all (nothing to interpolate). */
export function parseTemplate(text: string, strict: boolean): Template | TemplateError | undefined {
  if (!text.includes('$')) return undefined;
  const parsed = parseParts(text, 0, strict, 0);
  return 'message' in parsed ? parsed : { parts: parsed.parts };
}

export function isTemplateError(value: Template | TemplateError): value is TemplateError {
  return 'message' in value;
}

/** `depth`: how many `${…}` hold the parts (a default may hold references: parsing them recurses). */
function parseParts(text: string, start: number, strict: boolean, depth: number): { parts: TemplatePart[]; end: number } | TemplateError {
  const nested = depth > 0;
  const parts: TemplatePart[] = [];
  let literal = '';
  const flush = () => {
    if (literal) parts.push({ text: literal });
    literal = '';
  };
  let i = start;
  while (i < text.length) {
    const ch = text[i]!;
    if (nested && ch === '}') break;
    if (ch !== '$') {
      literal += ch;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      literal += '$';
      i += 2;
      continue;
    }
    if (next === '{') {
      const ref = parseBraced(text, i, strict, depth);
      if ('message' in ref) {
        if (strict || ref.message === TOO_DEEP_REFERENCES) return ref;
        // Leniently, a "${" that starts no reference is kept as written.
        literal += '$';
        i++;
        continue;
      }
      flush();
      parts.push({ ref: ref.ref });
      i = ref.end;
      continue;
    }
    const name = NAME.exec(text.slice(i + 1))?.[0];
    if (name) {
      flush();
      parts.push({ ref: { name, offset: i } });
      i += 1 + name.length;
      continue;
    }
    if (strict) return { message: `a "$" must start a variable ($NAME or \${NAME}); write "$$" for a literal "$"`, offset: i };
    literal += '$';
    i++;
  }
  flush();
  return { parts, end: i };
}

const OPERATORS = [':-', ':?', ':+', '-', '?', '+'] as const;

/** References inside references past MAX_NESTING: refused in either mode (parsing them recurses). */
const TOO_DEEP_REFERENCES = `references are nested more than ${MAX_NESTING} deep (\${A:-\${B:-…}})`;

function parseBraced(text: string, at: number, strict: boolean, depth: number): { ref: Reference; end: number } | TemplateError {
  if (depth >= MAX_NESTING) return { message: TOO_DEEP_REFERENCES, offset: at };
  const name = NAME.exec(text.slice(at + 2))?.[0];
  const unclosed: TemplateError = { message: 'a "${" is not closed by a "}"', offset: at };
  if (!name) return { message: '"${" must be followed by a variable name (letters, digits and _, not starting with a digit)', offset: at };
  let i = at + 2 + name.length;
  if (text[i] === '}') return { ref: { name, offset: at }, end: i + 1 };
  const op = OPERATORS.find((o) => text.startsWith(o, i));
  if (!op) return text.length <= i ? unclosed : { message: `unexpected character after \${${name}: use }, :-, -, :?, ?, :+ or +`, offset: i };
  i += op.length;
  const arg = parseParts(text, i, strict, depth + 1);
  if ('message' in arg) return arg;
  if (text[arg.end] !== '}') return unclosed;
  return { ref: { name, op, arg: arg.parts, offset: at }, end: arg.end + 1 };
}

/** What a variable is where a reference looks it up: its value, and whatever says where it came from. */
export interface VariableValue<Origin> {
  value: string;
  origin: Origin;
}

/** One variable a template read: where its value came from, or that it was not set. */
interface UsedVariable<Origin> {
  name: string;
  origin?: Origin;
  offset: number;
}

export interface Interpolation<Origin> {
  value: string;
  /** Every variable read, in order (a default's own references included when the default was used). */
  used: UsedVariable<Origin>[];
  /** References to a variable that is not set and has no default: each replaced by nothing. */
  undefined: { name: string; offset: number }[];
  /** `${VAR:?message}` and `${VAR?message}` that fired. */
  errors: { name: string; message: string; offset: number }[];
}

/** Evaluates a template, looking every name up with `lookup` (undefined: not set). */
export function evaluateTemplate<Origin>(template: Template, lookup: (name: string) => VariableValue<Origin> | undefined): Interpolation<Origin> {
  const result: Interpolation<Origin> = { value: '', used: [], undefined: [], errors: [] };
  result.value = evaluateParts(template.parts, lookup, result);
  return result;
}

function evaluateParts<Origin>(parts: TemplatePart[], lookup: (name: string) => VariableValue<Origin> | undefined, into: Interpolation<Origin>): string {
  let out = '';
  for (const part of parts) {
    if ('text' in part) {
      out += part.text;
      continue;
    }
    const { name, op, arg, offset } = part.ref;
    const found = lookup(name);
    into.used.push({ name, offset, ...(found ? { origin: found.origin } : {}) });
    const set = found !== undefined;
    const nonEmpty = set && found.value !== '';
    const argument = () => evaluateParts(arg ?? [], lookup, into);
    switch (op) {
      case undefined:
        if (!set) into.undefined.push({ name, offset });
        out += found?.value ?? '';
        break;
      case ':-':
        out += nonEmpty ? found.value : argument();
        break;
      case '-':
        out += set ? found.value : argument();
        break;
      case ':?':
      case '?':
        if (op === ':?' ? nonEmpty : set) out += found!.value;
        else into.errors.push({ name, message: argument() || `${name} is required`, offset });
        break;
      case ':+':
        out += nonEmpty ? argument() : '';
        break;
      case '+':
        out += set ? argument() : '';
        break;
    }
  }
  return out;
}
