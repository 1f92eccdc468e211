import { coerceValue, type ConfigType } from '../config/coerce.js';

/** What `tranche init` guesses of a key from its name and the values it has: a type, and whether it is a secret. */
export interface InferredKey {
  type: ConfigType;
  secret?: true;
}

/** Names that hold credentials: their values are secrets whatever they look like. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|PRIVATE_KEY|API_KEY|ACCESS_KEY|CREDENTIALS?)$/i;

/** The types tried, narrowest first; a port only for a key whose name says so. */
const CANDIDATES: readonly ConfigType[] = ['port', 'int', 'boolean', 'url', 'duration'];

/**
 * The narrowest type every value fits, as tranche checks values (`coerceValue`): a port when the
 * name says so, then int, boolean, url, duration, else string. No value seen: string.
 */
export function inferKey(key: string, values: readonly string[]): InferredKey {
  const secret = SECRET_NAME.test(key) ? { secret: true as const } : {};
  const fits = (type: ConfigType) => values.length > 0 && values.every((v) => v !== '' && coerceValue({ type }, v, 'text').ok);
  const type =
    CANDIDATES.find((t) => (t !== 'port' || /PORT$/i.test(key)) && (t !== 'boolean' || values.every((v) => /^(true|false)$/i.test(v))) && fits(t)) ?? 'string';
  return { type, ...secret };
}
