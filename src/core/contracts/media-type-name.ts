/** A media type name split into its parts: `application/problem+json; charset=utf-8`. */
interface MediaTypeName {
  type: string;
  subtype: string;
  suffix: string;
  parameters: string;
}

function parse(name: string): MediaTypeName | undefined {
  const [essence = '', ...params] = name.split(';');
  const [type, sub, ...extra] = essence.trim().toLowerCase().split('/');
  if (type === undefined || type === '' || sub === undefined || extra.length > 0) return undefined;
  const [subtype = '', suffix = '', ...more] = sub.split('+');
  if (more.length > 0) return undefined;
  const parameters = params
    .map((p) => p.trim().toLowerCase())
    .filter((p) => p !== '')
    .sort()
    .join(';');
  return { type, subtype, suffix, parameters };
}

/**
 * Whether `narrow` is a case of `broad`: the same type, subtype and suffix, or a structured
 * suffix refining a base type (`application/json` contains `application/problem+json`).
 * Parameters are not compared.
 */
export function mediaTypeContains(broad: string, narrow: string): boolean {
  const a = parse(broad);
  const b = parse(narrow);
  if (a === undefined || b === undefined || a.type !== b.type) return false;
  if (a.suffix === '' && b.suffix !== '' && b.suffix === a.subtype) return true;
  return a.subtype === b.subtype && a.suffix === b.suffix;
}

/** Whether two media type names differ in their parameters (`charset=...`). */
export function mediaTypeParametersDiffer(a: string, b: string): boolean {
  return parse(a)?.parameters !== parse(b)?.parameters;
}
