import type { Span } from './proto-model.js';

/**
 * One breaking change between two protobuf trees, named by buf's rule id. `path` and `span`
 * locate it in the current tree: the element that changed, or for a deletion the element that
 * lost something (the message a field was removed from); `path` alone when the file is the only
 * place left, neither when the file itself is gone.
 */
export interface ProtoChange {
  rule: string;
  message: string;
  path?: string;
  span?: Span;
}

/** Where a check reports a change, and what it is about (for `ignore` and unstable packages). */
interface ChangeSite {
  path?: string;
  span?: Span;
  /** The file the changed element came from in the previous tree, and its package. */
  subjectPath?: string;
  subjectPackage?: string;
}

/** How a check reports a change; the diff filters what the config does not check. */
export type EmitChange = (rule: string, message: string, site: ChangeSite) => void;
