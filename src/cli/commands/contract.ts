import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { diffOpenApi, isBreaking, loadOpenApi, RefResolutionError, specErrorPosition, type ContractDiff } from '../../core/contracts/index.js';
import { InputError } from '../../core/input-error.js';
import { NestingError } from '../../core/nesting.js';
import type { Command } from '../command.js';
import { EXIT } from '../io.js';
import { writeJson } from '../views/json.js';
import { renderTable } from '../views/table.js';

export const contractCommand: Command = {
  name: 'contract',
  usage: 'contract diff BASE REVISION',
  details: `
Lists every change from BASE to REVISION classified with oasdiff's rule ids and levels: ERR and
WARN break clients written against BASE, INFO does not. Local and external $refs are followed
(relative to the file that holds them), circular ones included.

Exit codes: 0 no breaking change; 1 an ERR or WARN change; 2 unusable input (a file that cannot
be read or parsed, a $ref that leads nowhere).`,
  options: {},
  positionals: ['diff', 'BASE', 'REVISION'],
  async run(args, io) {
    const [sub, base, revision] = args.positionals as [string, string, string];
    if (sub !== 'diff') throw new InputError(`contract: unknown subcommand ${JSON.stringify(sub)} (did you mean diff?)`);
    const [from, to] = [load(resolve(io.cwd, base), base), load(resolve(io.cwd, revision), revision)];
    let diff: ContractDiff;
    try {
      diff = diffOpenApi(from, to, { now: Date.now() });
    } catch (error) {
      if (error instanceof NestingError) throw new InputError(`comparing ${revision} with ${base}: ${error.message}`);
      throw error;
    }
    const breaking = isBreaking(diff);
    if (args.json) {
      writeJson(io.stdout, { breaking, changes: diff.changes });
    } else if (!diff.changes.length) {
      io.stdout.write(`no change between ${base} and ${revision}\n`);
    } else {
      const rows = diff.changes.map((c) => [c.level, c.id, c.operation ?? '', c.message]);
      const count = (level: string) => diff.changes.filter((c) => c.level === level).length;
      io.stdout.write(
        `${renderTable(['LEVEL', 'RULE', 'OPERATION', 'CHANGE'], rows)}\n\n${count('ERR')} error, ${count('WARN')} warning, ${count('INFO')} info: ${breaking ? 'breaking' : 'not breaking'}\n`,
      );
    }
    return breaking ? EXIT.findings : EXIT.ok;
  },
};

/** Reads and resolves one spec; anything unusable is an input error naming the file and place. */
function load(path: string, shown: string): unknown {
  const readText = (file: string) => {
    try {
      return readFileSync(file, 'utf8');
    } catch {
      throw new InputError(`cannot read ${file === path ? shown : file}`);
    }
  };
  try {
    return loadOpenApi(path, readText);
  } catch (error) {
    if (error instanceof InputError && !(error instanceof NestingError)) throw error;
    if (error instanceof RefResolutionError || error instanceof NestingError) throw new InputError(`${shown}: ${error.message}`);
    const { message, line, column } = specErrorPosition(error);
    throw new InputError(`${shown}${line !== undefined ? `:${line}:${column}` : ''}: ${message}`);
  }
}
