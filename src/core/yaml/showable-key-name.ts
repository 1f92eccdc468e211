/**
 * Input files may hold secrets, so problem messages show no input text except a key name, and
 * only one that looks like a conventional key: `DB_PORT`, `db.host`, `config/stale-value`. Words
 * that look like tokens are not shown, as they may be a secret read where a key was expected (a
 * line of a pasted private key, an API token): a word mixing lower and upper case (base64), a long
 * word with no separator (hex), anything longer than MAX_SHOWN_LENGTH or with other characters.
 */
const KEY_NAME = /^[A-Za-z0-9_][A-Za-z0-9_./-]*$/;
const MAX_SHOWN_LENGTH = 64;
/** Longer words must contain a separator to be shown. */
const MAX_UNSEPARATED_LENGTH = 20;
const SEPARATOR = /[_./-]/;

/** Whether `name` may be shown in a problem message. */
export function isShowableKeyName(name: string): boolean {
  if (name.length > MAX_SHOWN_LENGTH || !KEY_NAME.test(name)) return false;
  if (/[a-z]/.test(name) && /[A-Z]/.test(name)) return false;
  return name.length <= MAX_UNSEPARATED_LENGTH || SEPARATOR.test(name);
}
