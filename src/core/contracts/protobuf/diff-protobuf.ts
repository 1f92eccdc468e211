import { type BufConfig, DEFAULT_BUF_CONFIG, isIgnored, isUnstablePackage, rulesInEffect } from './buf-config.js';
import { checkDeletions } from './check-deletions.js';
import { checkEnums, checkMessages, checkServices } from './check-declarations.js';
import type { DiffContext } from './check-field.js';
import type { ProtoChange } from './proto-change.js';
import { indexProtoTree } from './proto-index.js';
import type { ProtoTree } from './read-proto-tree.js';

/**
 * Every breaking change from `previous` to `current` that `config` checks, named by buf's rule
 * ids, each located in the current tree. Changes about files the config ignores, or (with
 * `ignoreUnstablePackages`) about unstable packages, are left out. Pure.
 */
export function diffProtobuf(previous: ProtoTree, current: ProtoTree, config: BufConfig = DEFAULT_BUF_CONFIG): ProtoChange[] {
  const { rules } = rulesInEffect(config);
  const changes: ProtoChange[] = [];
  const context: DiffContext = {
    previous: indexProtoTree(previous),
    current: indexProtoTree(current),
    emit(rule, message, site) {
      if (!rules.has(rule)) return;
      if (isIgnored(site.path, config.ignore) || isIgnored(site.subjectPath, config.ignore)) return;
      if (config.ignoreUnstablePackages && isUnstablePackage(site.subjectPackage)) return;
      changes.push({
        rule,
        message,
        ...(site.path !== undefined ? { path: site.path } : {}),
        ...(site.path !== undefined && site.span ? { span: site.span } : {}),
      });
    },
  };
  checkDeletions(context.previous, context.current, context.emit);
  checkMessages(context);
  checkEnums(context);
  checkServices(context);
  return changes;
}
