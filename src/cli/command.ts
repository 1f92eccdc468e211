import { parseArgs } from 'node:util';
import { suggestion } from '../core/did-you-mean.js';
import { InputError } from '../core/input-error.js';
import type { CliIO } from './io.js';

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** Shown in --help, e.g. `REF`. */
  value?: string;
  /** A string option that may be given several times: its value is the list, in order. */
  multiple?: true;
  description: string;
}

/** A CLI command: parse arguments, call the engine, pick a view. Nothing else lives in a command. */
export interface Command {
  name: string;
  /** The synopsis after `tranche`, e.g. `config SERVICE --env E [--explain KEY]`. */
  usage: string;
  /** Longer text for --help: what it does, exit codes, examples. */
  details: string;
  options: Record<string, OptionSpec>;
  /** Names of the positional arguments, in order; a trailing `?` marks an optional one. */
  positionals: string[];
  run(args: ParsedArgs, io: CliIO): Promise<number>;
}

/**
 * A command as `tranche --help` lists it, and how to get the rest: `load` imports the command's
 * module, so that a run loads only the command it runs (and `--help` none).
 */
export interface CommandEntry {
  name: string;
  /** The line `tranche --help` gives the command, and the first of its own --help: defined here only. */
  summary: string;
  load(): Promise<Command>;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  /** The fleet directory given with --fleet, if any. */
  fleet?: string;
  json: boolean;
}

const GLOBAL_OPTIONS: Record<string, OptionSpec> = {
  fleet: { type: 'string', value: 'DIR', description: 'the fleet repository (default: search upward from here for tranche.yaml)' },
  json: { type: 'boolean', description: 'print one JSON document on stdout and nothing else there' },
  debug: { type: 'boolean', description: 'on a failure, also print its stack trace (for a bug report)' },
  help: { type: 'boolean', short: 'h', description: 'show this help' },
};

/** Parses a command's arguments; every mistake is an InputError that names the flag. */
export function parseCommandArgs(command: Command, argv: string[]): ParsedArgs & { help: boolean } {
  const options = { ...GLOBAL_OPTIONS, ...command.options };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(
        Object.entries(options).map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}), ...(o.multiple ? { multiple: true } : {}) }]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new InputError(argumentMessage(command, error as Error & { code?: string }, Object.keys(options)));
  }
  const values = parsed.values as Record<string, string | boolean | string[] | undefined>;
  const help = values.help === true;
  if (!help) {
    const required = command.positionals.filter((p) => !p.endsWith('?')).length;
    if (parsed.positionals.length < required) {
      throw new InputError(`${command.name}: missing ${command.positionals[parsed.positionals.length]} (usage: tranche ${command.usage})`);
    }
    if (parsed.positionals.length > command.positionals.length) {
      throw new InputError(
        `${command.name}: unexpected argument ${JSON.stringify(parsed.positionals[command.positionals.length])} (usage: tranche ${command.usage})`,
      );
    }
    for (const [name, value] of Object.entries(values)) {
      for (const one of Array.isArray(value) ? value : [value]) {
        if (typeof one === 'string' && one.startsWith('--')) throw new InputError(`${command.name}: --${name} needs a value, got the flag ${one}`);
      }
    }
  }
  return {
    values,
    positionals: parsed.positionals,
    ...(typeof values.fleet === 'string' ? { fleet: values.fleet } : {}),
    json: values.json === true,
    help,
  };
}

function argumentMessage(command: Command, error: Error & { code?: string }, known: string[]): string {
  const unknown = /Unknown option '(-{1,2}[^']+)'/.exec(error.message)?.[1];
  if (unknown) {
    return `${command.name}: unknown option ${unknown}${suggestion(unknown.replace(/^-+/, ''), known, '--')}; see tranche ${command.name} --help`;
  }
  const missingValue = /Option '(?:-\w, )?(--[^ ]+) <value>' argument missing/.exec(error.message)?.[1];
  if (missingValue) return `${command.name}: ${missingValue} needs a value`;
  const noValue = /Option '(--[^']+)' does not take an argument/.exec(error.message)?.[1];
  if (noValue) return `${command.name}: ${noValue} takes no value`;
  return `${command.name}: ${error.message}`;
}

/** The --help text of a command: its entry's summary, then what the command's module says. */
export function commandHelp(entry: CommandEntry, command: Command): string {
  const options = { ...command.options, ...GLOBAL_OPTIONS };
  const rows = Object.entries(options).map(([name, o]) => {
    const flag = `${o.short ? `-${o.short}, ` : ''}--${name}${o.value ? ` ${o.value}` : ''}`;
    return [flag, o.description] as const;
  });
  const width = Math.max(...rows.map(([flag]) => flag.length));
  return [
    `Usage: tranche ${command.usage}`,
    '',
    entry.summary,
    '',
    command.details.trim(),
    '',
    'Options:',
    ...rows.map(([flag, description]) => `  ${flag.padEnd(width)}  ${description}`),
    '',
  ].join('\n');
}
