import { readFileSync } from 'node:fs';
import { type AsyncApiContract, AsyncApiProblem, diffAsyncApi, readAsyncApi, specLocator } from '../../core/contracts/asyncapi/index.js';
import { dirname, join, resolve } from 'node:path';
import { diffJsonSchema, diffOpenApi, isBreaking, loadOpenApi, RefResolutionError, specErrorPosition, type ContractDiff } from '../../core/contracts/index.js';
import {
  BUF_CATEGORIES,
  type BufConfig,
  DEFAULT_BUF_CONFIG,
  diffProtobuf,
  ProtoSyntaxError,
  readBufConfig,
  type ProtoTreeRead,
  readProtoTree,
} from '../../core/contracts/protobuf/index.js';
import { InputError } from '../../core/input-error.js';
import { decodeUtf8 } from '../../core/utf8-text.js';
import { NestingError } from '../../core/nesting.js';
import type { Command } from '../command.js';
import { type CliIO, EXIT } from '../io.js';
import { openApiVersionProblem } from '../../core/contracts/open-api-version.js';
import { readProtoSources } from '../read-proto-sources.js';
import { writeJson } from '../views/json.js';
import { renderTable } from '../views/table.js';
import { contractMatrix, matrixHelp, matrixOptions } from './contract-matrix.js';

export const contractCommand: Command = {
  name: 'contract',
  usage:
    'contract diff BASE REVISION [--kind openapi|protobuf|asyncapi|jsonschema] [--category C | --config buf.yaml] | contract matrix --env E [--to REF] [--from REF]',
  details: `
OpenAPI (the default kind): lists every change from BASE to REVISION classified with oasdiff's
rule ids and levels: ERR and WARN break clients written against BASE, INFO does not. Local and
external $refs are followed (relative to the file that holds them), circular ones included.

Protobuf (--kind protobuf): BASE and REVISION are .proto files or directories of them (a file
brings the files it imports from beside it; google/protobuf/* imports need not exist). Lists the
breaking changes buf's breaking rules find, by buf's rule id, each at its place in REVISION:
--category FILE (the default, as buf's: generated code keeps compiling), PACKAGE (declarations
may move between files of a package), WIRE_JSON (binary and JSON encodings keep working: what
matters between running services) or WIRE (binary encoding only). Rules of config version v1.
--config buf.yaml takes the rules from a buf.yaml's breaking section instead (version, use,
except, ignore — paths relative to the trees —, ignore_unstable_packages).

AsyncAPI (--kind asyncapi): BASE and REVISION are AsyncAPI 2.x or 3.0 documents (YAML or JSON,
$refs followed as for OpenAPI). Channel by channel and message by message: for a channel the
application sends to, what a consumer of the old messages meets in the new ones (JSON Schema
payloads with the response-side rules, Avro payloads with Avro's schema resolution); for one it
receives from, whether it still reads what producers of the old messages send.

JSON Schema (--kind jsonschema): BASE and REVISION are JSON Schemas of a message; what a consumer
of BASE's messages meets in REVISION's, with the response-side rules (as event payloads are
compared in plans).

Exit codes: 0 no breaking change; 1 a breaking change (ERR or WARN for OpenAPI, AsyncAPI and JSON
Schema, any for protobuf); 2 unusable input (a file that cannot be read or parsed, with its line
and column, a $ref that leads nowhere, an import that is not in the tree, a file that is not of
the kind: OpenAPI needs its openapi field, 3.0 or 3.1).
${matrixHelp}`,
  options: {
    kind: { type: 'string', value: 'openapi|protobuf|asyncapi|jsonschema', description: 'what BASE and REVISION are (default openapi)' },
    category: { type: 'string', value: 'FILE|PACKAGE|WIRE_JSON|WIRE', description: 'protobuf: the buf category of rules to check (default FILE)' },
    config: { type: 'string', value: 'FILE', description: 'protobuf: a buf.yaml whose breaking section says which rules to check' },
    ...matrixOptions,
  },
  positionals: ['diff|matrix', 'BASE?', 'REVISION?'],
  async run(args, io) {
    const [sub, base, revision] = args.positionals as [string, string, string];
    if (sub === 'matrix') {
      if (base !== undefined)
        throw new InputError(`contract matrix: unexpected argument ${JSON.stringify(base)} (usage: tranche contract matrix --env E [--to REF])`);
      for (const flag of ['kind', 'category', 'config'])
        if (args.values[flag] !== undefined) throw new InputError(`contract: --${flag} applies to contract diff only`);
      return contractMatrix(args, io);
    }
    if (sub !== 'diff') throw new InputError(`contract: unknown subcommand ${JSON.stringify(sub)} (diff or matrix)`);
    if (revision === undefined)
      throw new InputError(`contract diff: missing ${base === undefined ? 'BASE' : 'REVISION'} (usage: tranche contract diff BASE REVISION)`);
    for (const flag of Object.keys(matrixOptions))
      if (args.values[flag] !== undefined) throw new InputError(`contract: --${flag} applies to contract matrix only`);
    const kind = (args.values.kind as string | undefined) ?? 'openapi';
    if (kind === 'protobuf')
      return diffProtoTrees(
        base,
        revision,
        protoConfig(args.values.category as string | undefined, args.values.config as string | undefined, io),
        args.json,
        io,
      );
    if (kind !== 'openapi' && kind !== 'asyncapi' && kind !== 'jsonschema')
      throw new InputError(`contract: --kind must be openapi, protobuf, asyncapi or jsonschema, not ${JSON.stringify(kind)}`);
    if (args.values.category !== undefined || args.values.config !== undefined)
      throw new InputError('contract: --category and --config apply to --kind protobuf only');
    let diff: ContractDiff;
    try {
      diff =
        kind === 'asyncapi'
          ? diffAsyncApi(loadAsyncApi(resolve(io.cwd, base), base), loadAsyncApi(resolve(io.cwd, revision), revision))
          : kind === 'jsonschema'
            ? diffJsonSchema(load(resolve(io.cwd, base), base), load(resolve(io.cwd, revision), revision), 'producer-to-consumer')
            : diffOpenApi(loadOpenApiDocument(resolve(io.cwd, base), base), loadOpenApiDocument(resolve(io.cwd, revision), revision), { now: Date.now() });
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
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      throw new InputError(`cannot read ${file === path ? shown : file}`);
    }
    const decoded = decodeUtf8(bytes);
    if ('notUtf8' in decoded) throw new InputError(`${file === path ? shown : file}:${decoded.notUtf8.line}:${decoded.notUtf8.column}: not valid UTF-8 text`);
    return decoded.text;
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

/**
 * Reads an OpenAPI document: one without `openapi: 3.0.x` or `3.1.x` (a .proto, an AsyncAPI
 * document, any YAML) is refused, not compared as an API with no operations.
 */
function loadOpenApiDocument(path: string, shown: string): unknown {
  const document = load(path, shown);
  const problem = openApiVersionProblem(document);
  if (!problem) return document;
  const { line, column } = problem.path.length ? specLocator(readFileSync(path, 'utf8'))(problem.path) : { line: 1, column: 1 };
  throw new InputError(`${shown}:${line}:${column}: ${problem.message}`);
}

/** Reads an AsyncAPI document; one that cannot be read as AsyncAPI is an input error at its place in the file. */
function loadAsyncApi(path: string, shown: string): AsyncApiContract {
  const document = load(path, shown);
  try {
    return readAsyncApi(document);
  } catch (error) {
    if (!(error instanceof AsyncApiProblem)) throw error;
    const { line, column } = specLocator(readFileSync(path, 'utf8'))(error.path);
    throw new InputError(`${shown}:${line}:${column}: ${error.message}`);
  }
}

/** The rules to check: one category (FILE by default), or a buf.yaml's breaking section. */
function protoConfig(category: string | undefined, config: string | undefined, io: CliIO): BufConfig {
  if (config !== undefined) {
    if (category !== undefined) throw new InputError('contract: give --category or --config, not both');
    let text: string;
    try {
      text = readFileSync(resolve(io.cwd, config), 'utf8');
    } catch {
      throw new InputError(`cannot read ${config}`);
    }
    return readBufConfig(text, config);
  }
  const chosen = category ?? 'FILE';
  if (!(BUF_CATEGORIES as readonly string[]).includes(chosen))
    throw new InputError(`contract: --category must be one of ${BUF_CATEGORIES.join(', ')}, not ${JSON.stringify(chosen)}`);
  return { ...DEFAULT_BUF_CONFIG, use: [chosen] };
}

/** `contract diff --kind protobuf`: buf's breaking rules between two trees. */
function diffProtoTrees(base: string, revision: string, config: BufConfig, json: boolean, io: CliIO): number {
  const chosen = config.use.join(', ');
  const from = readTree(base, io);
  const to = readTree(revision, io, from);
  const changes = diffProtobuf(from.tree, to.tree, config);
  const breaking = changes.length > 0;
  if (json) {
    writeJson(io.stdout, { breaking, rules: config.use, changes });
  } else if (!breaking) {
    io.stdout.write(`no breaking change (${chosen}) between ${base} and ${revision}\n`);
  } else {
    const where = (c: (typeof changes)[number]) => (c.path === undefined ? '' : c.span ? `${c.path}:${c.span.line}:${c.span.column}` : c.path);
    const rows = changes.map((c) => ['ERR', c.rule, where(c), c.message]);
    io.stdout.write(`${renderTable(['LEVEL', 'RULE', 'LOCATION', 'CHANGE'], rows)}\n\n${changes.length} breaking (${chosen}): breaking\n`);
  }
  return breaking ? EXIT.findings : EXIT.ok;
}

/** One side's tree; a problem in it is named by the path the user would open (`new/a.proto:3:7: …`). */
function readTree(shown: string, io: CliIO, shared?: ProtoTreeRead): ProtoTreeRead {
  try {
    const sources = readProtoSources(resolve(io.cwd, shown), shown);
    return { sources, tree: readProtoTree(sources, shared) };
  } catch (error) {
    if (!(error instanceof ProtoSyntaxError)) throw error;
    // Paths in a tree are relative to the directory given, or to the folder of the file given.
    const root = shown.endsWith('.proto') ? dirname(shown) : shown;
    throw new InputError(`${join(root, error.file)}:${error.line}:${error.column}: ${error.reason}`);
  }
}
