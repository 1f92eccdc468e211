import { jsonLocation } from '../../json-locator.js';
import { yamlLocator } from '../../manifest/yaml-locator.js';
import { parseDocumentBounded } from '../../yaml/parse-document-bounded.js';
import { yamlPackage } from '../../yaml/yaml-package.js';
import type { DocumentPath } from './async-api-model.js';

/**
 * Where values stand in spec text that parses (JSON or YAML): the 1-based line and column of the
 * value at a path; a path that leads through a `$ref` into another file gives the `$ref`. Only
 * used for messages and declarations that point into the file, so the YAML is read again, with
 * positions, rather than on every parse.
 */
export function specLocator(text: string): (path: DocumentPath) => { line: number; column: number } {
  if (/^\s*[{[]/.test(text)) {
    try {
      JSON.parse(text);
      return (path) => jsonLocation(text, path);
    } catch {
      // YAML in flow style: located below.
    }
  }
  const lineCounter = new (yamlPackage().LineCounter)();
  const locate = yamlLocator(parseDocumentBounded(text, { uniqueKeys: false, lineCounter }), lineCounter, '');
  return (path) => {
    const { line = 1, column = 1 } = locate(path);
    return { line, column };
  };
}
