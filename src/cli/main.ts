import { createRequire } from 'node:module';
import { suggestion } from '../core/did-you-mean.js';
import { InputError } from '../core/input-error.js';
import { commandHelp, parseCommandArgs, type Command, type CommandEntry } from './command.js';
import { COMMAND_ENTRIES } from './command-registry.js';
import { Redactor } from '../core/config/redact-secrets.js';
import { EXIT, neutralised, printable, REPORT_BUG, redacting, type CliIO } from './io.js';
import { cleanupErrors } from '../core/cleanup.js';
import { findingJson, writeJson } from './views/json.js';
import { renderTable } from './views/table.js';

const helpCommand: Command = {
  name: 'help',
  usage: 'help [COMMAND]',
  details: `
tranche help lists the commands; tranche help COMMAND shows that command's options (the same as
tranche COMMAND --help).

Exit codes: 0 shown; 2 unknown command.`,
  options: {},
  positionals: ['COMMAND?'],
  run: async (args, io) => {
    const name = args.positionals[0];
    const entry = name === undefined ? undefined : COMMANDS.find((c) => c.name === name);
    if (name !== undefined && !entry)
      throw new InputError(
        `unknown command ${JSON.stringify(name)}${suggestion(
          name,
          COMMANDS.map((c) => c.name),
        )}; see tranche help`,
      );
    const text = entry ? commandHelp(entry, await entry.load()) : topHelp();
    if (args.json) writeJson(io.stdout, { help: text });
    else io.stdout.write(text);
    return EXIT.ok;
  },
};

const versionCommand: Command = {
  name: 'version',
  usage: 'version',
  details: `
The same as tranche --version.

Exit codes: 0.`,
  options: {},
  positionals: [],
  run: async (args, io) => {
    if (args.json) writeJson(io.stdout, { version: version() });
    else io.stdout.write(`tranche ${version()}\n`);
    return EXIT.ok;
  },
};

/** A command defined here, as an entry of the list. */
function builtIn(command: Command, summary: string): CommandEntry {
  return { name: command.name, summary, load: async () => command };
}

const COMMANDS: readonly CommandEntry[] = [
  ...COMMAND_ENTRIES,
  builtIn(helpCommand, 'Show how to use tranche, or one of its commands.'),
  builtIn(versionCommand, "Show tranche's version."),
];

/**
 * Runs one CLI invocation and returns its exit code. Never throws. What it prints for people —
 * stdout but for --json, stderr, the questions it asks — carries no character a terminal would act
 * on: each is shown escaped (`\x1b`); JSON escapes its own (see `writeJson`). A failure is one
 * message (and one line per cleanup that failed after it); a stack trace only with --debug.
 */
export async function main(argv: string[], raw: Omit<CliIO, 'secrets'>): Promise<number> {
  const json = argv.includes('--json');
  const debug = argv.includes('--debug');
  // Secrets are replaced before anything else is done to the text: `printable` would change one holding a control character.
  const secrets = new Redactor();
  const stdout = json ? raw.stdout : printable(raw.stdout);
  const io: CliIO = {
    ...raw,
    secrets,
    stdout: redacting(stdout, secrets),
    stderr: redacting(printable(raw.stderr), secrets),
    confirm: (question) => raw.confirm(neutralised(question)),
  };
  const name = commandName(argv);
  if (name === undefined) {
    if (argv.includes('--version') || argv.includes('-v')) return versionCommand.run({ values: {}, positionals: [], json }, io);
    const asked = argv.includes('--help') || argv.includes('-h');
    if (!asked) return fail(io, json, 'no command given; see tranche --help');
    if (json) writeJson(io.stdout, { help: topHelp() });
    else io.stdout.write(topHelp());
    return EXIT.ok;
  }
  const entry = COMMANDS.find((c) => c.name === name.value);
  if (!entry) {
    return fail(
      io,
      json,
      `unknown command ${JSON.stringify(name.value)}${suggestion(
        name.value,
        COMMANDS.map((c) => c.name),
      )}; see tranche --help`,
    );
  }
  try {
    const command = await entry.load();
    const args = parseCommandArgs(command, [...argv.slice(0, name.index), ...argv.slice(name.index + 1)]);
    if (args.help) {
      if (json) writeJson(io.stdout, { help: commandHelp(entry, command) });
      else io.stdout.write(commandHelp(entry, command));
      return EXIT.ok;
    }
    return await command.run(args, io);
  } catch (error) {
    const code = await report(error, io, json, debug);
    for (const failed of cleanupErrors(error)) io.stderr.write(`error: cleaning up after that failed too: ${messageOf(failed)}\n`);
    if (debug) io.stderr.write(stackTrace(error));
    return code;
  }
}

/**
 * Says what went wrong, on stderr (and as the JSON document with --json); returns the exit code.
 * The errors it tells apart are loaded only now: a command that succeeds loads none of their
 * modules (the environment lock's, with node:crypto, among them), and one that threw such an
 * error has loaded its module already.
 */
async function report(error: unknown, io: CliIO, json: boolean, debug: boolean): Promise<number> {
  const [{ InvalidFleetError }, { ReleaseInterruptedError }, { EnvLockedError }, { LockLostError, StoreFaultError }, { locatedLines }] = await Promise.all([
    import('../engine/invalid-fleet.js'),
    import('../engine/release-interrupted.js'),
    import('../engine/env-lock.js'),
    import('../ports/store.js'),
    import('./views/findings.js'),
  ]);
  if (error instanceof InvalidFleetError) {
    if (json) writeJson(io.stdout, { ...(error.revision ? { revision: error.revision } : {}), findings: error.findings.map(findingJson) });
    else
      io.stderr.write(
        `${locatedLines(error.findings)}\n${error.findings.length} problem${error.findings.length === 1 ? '' : 's'} in the fleet definition${error.revision ? ` at ${error.revision}` : ''}; nothing was touched\n`,
      );
    return EXIT.input;
  }
  if (error instanceof InputError) return fail(io, json, error.message);
  // A store that cannot be opened, or that fails outside a release, is unusable input too.
  if (error instanceof StoreFaultError) return fail(io, json, error.opening ? `${error.message}; nothing was touched` : error.message);
  if (error instanceof ReleaseInterruptedError) return fail(io, json, error.message, EXIT.operator, { status: 'interrupted', releaseId: error.releaseId });
  if (error instanceof LockLostError) {
    const message = `${error.message}: this tranche stopped where it stood, and its release is left as journaled; see tranche status --env ${error.env}`;
    return fail(io, json, message, EXIT.operator, { status: 'interrupted' });
  }
  if (error instanceof EnvLockedError) {
    if (json) writeJson(io.stdout, { error: error.message, holder: error.holder, dead: error.dead });
    io.stderr.write(`error: ${error.message}; nothing was changed\n`);
    return EXIT.findings;
  }
  const message = `internal error: ${messageOf(error)}`;
  if (json) writeJson(io.stdout, { error: message });
  io.stderr.write(`${message}\nthis is a bug in tranche: ${debug ? 'please report it with the text below' : REPORT_BUG}\n`);
  return EXIT.internal;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function stackOf(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}

/** The stack of `error` and of each cause under it, for --debug. */
function stackTrace(error: unknown): string {
  const lines: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 10; e = e instanceof Error ? e.cause : undefined, depth++) {
    lines.push(`${depth ? 'caused by: ' : ''}${stackOf(e)}`);
  }
  for (const failed of cleanupErrors(error)) lines.push(`cleanup: ${stackOf(failed)}`);
  return `${lines.join('\n')}\n`;
}

/** One `error:` line (with --json, the document: `extra` and the error); returns `code`. */
function fail(io: CliIO, json: boolean, message: string, code: number = EXIT.input, extra: Record<string, unknown> = {}): number {
  if (json) writeJson(io.stdout, { ...extra, error: message });
  io.stderr.write(`error: ${message}\n`);
  return code;
}

/** The first word that is neither a flag nor the value of --fleet: the command, wherever it stands. */
function commandName(argv: string[]): { value: string; index: number } | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--fleet') i++;
    else if (!arg.startsWith('-')) return { value: arg, index: i };
  }
  return undefined;
}

function topHelp(): string {
  return [
    'tranche — safe deployments for microservice fleets',
    '',
    'Usage: tranche [--fleet DIR] COMMAND [options]',
    '',
    'Commands:',
    renderTable(
      undefined,
      COMMANDS.map((c) => [c.name, c.summary]),
      '  ',
    ),
    '',
    'tranche COMMAND --help shows its options. Every command takes --fleet DIR (before or after its name), --json, --debug and --help.',
    'Exit codes: 0 ok; 1 error findings; 2 unusable input (a store that cannot be used included), nothing touched;',
    '3 needs an operator; 129, 130, 141, 143 stopped by SIGHUP, SIGINT, a closed pipe, SIGTERM (apply, rollback, resume);',
    '70 a bug in tranche (--debug shows where).',
    '',
  ].join('\n');
}

function version(): string {
  return (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;
}
