/**
 * Characters the fast YAML readers (`parse-flat-fast.ts`, `read-block-yaml.ts`) do not reason
 * about: tabs, control characters (a CR only as part of CRLF), C1 controls, BOM, Unicode line and
 * paragraph separators, non-characters and lone surrogates. Any of them anywhere sends the whole
 * text to `yaml`.
 */
export const UNSURE_CHAR = /[\x00-\x09\x0B\x0C\x0E-\x1F\x7F-\x9F\uFEFF\u2028\u2029\uFFFE\uFFFF]|\r(?!\n)|[\uD800-\uDFFF]/u;
