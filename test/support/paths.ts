import { fileURLToPath } from 'node:url';

/** The repository root, from compiled tests in dist/test/... as from sources. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BIN = `${REPO_ROOT}bin/tranche`;
export const FIXTURES = `${REPO_ROOT}test/fixtures`;
