import type { ErrorCode, YAMLError } from 'yaml';
import { TOO_DEEP } from '../nesting.js';

/**
 * Our message for each `yaml` error and warning code. `yaml`'s own messages may quote the input
 * (`Unresolved tag: !Passw0rd`, `Block scalar header includes extra characters: |s3cr3t`), and
 * config files may hold secrets, so none of its text is shown: the code picks a message that
 * holds no input text, and the problem keeps the error's position.
 */
const MESSAGES: Record<ErrorCode, string> = {
  ALIAS_PROPS: 'an alias cannot have an anchor or a tag',
  BAD_ALIAS: 'an anchor or alias name is empty or ends with ":"',
  BAD_COLLECTION_TYPE: 'the YAML tag does not fit the kind of collection it is on: remove the tag',
  BAD_DIRECTIVE: 'unknown or malformed % directive',
  BAD_DQ_ESCAPE: 'invalid escape sequence in a double-quoted value: write \\\\ for a backslash, or use single quotes',
  BAD_INDENT: 'YAML syntax error (BAD_INDENT): wrong indentation, or an unclosed [ or {',
  BAD_PROP_ORDER: 'an anchor or tag must come after the "?", ":" or "-" indicator',
  BAD_SCALAR_START: 'a plain value cannot start with this character: quote the value',
  BLOCK_AS_IMPLICIT_KEY: 'nested mappings are not allowed here: quote a value that contains ": "',
  BLOCK_IN_FLOW: 'a block collection cannot be inside a flow collection ([...] or {...})',
  DUPLICATE_KEY: 'duplicate key: it is already set above in the same map',
  IMPOSSIBLE: 'YAML syntax error (IMPOSSIBLE)',
  KEY_OVER_1024_CHARS: 'a key must end with ":" within 1024 characters of its start',
  MISSING_CHAR: 'YAML syntax error (MISSING_CHAR): a character is missing here, e.g. a closing quote or bracket, a ",", or a space after ":" or before "#"',
  MULTILINE_IMPLICIT_KEY: 'a key must be on a single line: check the indentation, or quote a value that spans lines',
  MULTIPLE_ANCHORS: 'a node can have at most one anchor',
  MULTIPLE_DOCS: 'expected a single YAML document, found more than one',
  MULTIPLE_TAGS: 'a node can have at most one tag',
  NON_STRING_KEY: 'a key must be a string',
  RESOURCE_EXHAUSTION: TOO_DEEP,
  TAB_AS_INDENT: 'tabs are not allowed as indentation: indent with spaces',
  TAG_RESOLVE_FAILED: 'unknown YAML tag: quote the value if it is text',
  UNEXPECTED_TOKEN: 'YAML syntax error (UNEXPECTED_TOKEN): unexpected text here',
};

/** A tag of the YAML 1.2 core schema, as written at a tag's position. */
const STANDARD_TAG = /!!(?:str|int|float|bool|null|map|seq)(?=[\s,\]}]|$)/y;

const TAG_DOES_NOT_FIT = 'the value does not fit its YAML tag: remove the tag, or quote the value if it is text';

/**
 * The message for a `yaml` error or warning, without input text. `text` is the parsed text; it is
 * only looked at to tell a standard tag that does not fit its value (`!!float abc`) from an
 * unknown one (`!Passw0rd`).
 */
export function yamlProblemMessage(error: YAMLError, text: string): string {
  if (error.code === 'TAG_RESOLVE_FAILED') {
    STANDARD_TAG.lastIndex = error.pos[0];
    if (STANDARD_TAG.test(text)) return TAG_DOES_NOT_FIT;
  }
  if (inFlowListWithEnv(error, text))
    return `${MESSAGES[error.code]}: inside [ ] on one line, {env} starts a map — quote the path ('config/{env}.yaml') or write the list one item per line`;
  return MESSAGES[error.code] ?? `YAML syntax error (${String(error.code).replace(/[^A-Z0-9_]/g, '')})`;
}

/** A syntax error on a line whose `[ … ]` list holds an unquoted `{env}`: the commonest way to break a manifest's path list. */
function inFlowListWithEnv(error: YAMLError, text: string): boolean {
  if (error.code !== 'MISSING_CHAR' && error.code !== 'UNEXPECTED_TOKEN' && error.code !== 'BAD_INDENT') return false;
  const start = text.lastIndexOf('\n', error.pos[0] - 1) + 1;
  const end = text.indexOf('\n', error.pos[0]);
  const line = text.slice(start, end === -1 ? undefined : end);
  // The pattern backtracks on a long line of `[`: only a line that holds {env} is worth it.
  if (!line.includes('{env}') || line.length > 1000) return false;
  return /\[[^\]'"]*[^'"\s]\{env\}/.test(line) || /\[\s*\{env\}/.test(line);
}
