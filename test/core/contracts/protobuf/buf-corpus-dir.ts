import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// dist/test/core/contracts/protobuf → repo root is five levels up.
const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');

/**
 * Where the buf corpus is: TRANCHE_BUF_CORPUS, else ../shared/corpora/buf beside the clone (a
 * git worktree one level further down looks one level further up). Its absence is a failure.
 */
export const bufCorpusDir =
  process.env.TRANCHE_BUF_CORPUS ??
  [resolve(root, '../shared/corpora/buf'), resolve(root, '../../shared/corpora/buf')].find((dir) => existsSync(join(dir, 'cases.json'))) ??
  resolve(root, '../shared/corpora/buf');
