import { GitRepo } from '../support/git-repo.js';
import { runCli, type CliResult } from '../support/run-cli.js';

/**
 * A fleet whose services deploy through the exec driver with a command that only succeeds (no
 * process to start): for tests of what a release is — its content, its checks, what is recorded
 * — where the services need not answer. `a`, `b` and `c` each have a config file per environment.
 * A service's deploy command waits while the file its `GATE_<SERVICE>` variable names is absent,
 * so a test can hold a release in the middle of a batch.
 */
export const EXEC_MANIFEST = `version: 1
name: rel
environments:
  dev: { driver: exec }
  prod: { driver: exec }
policy: { batch_size: 1, bake: 0s }
services:
${['a', 'b', 'c']
  .map(
    (name, i) => `  ${name}:
    path: services/${name}
    exec:
      deploy: [node, -e, "const f = process.env.GATE_${name.toUpperCase()}; const fs = require('fs'); const wait = () => (!f || fs.existsSync(f) ? process.exit(0) : setTimeout(wait, 20)); wait()"]
    config:
      schema:
        PORT: { type: port, default: ${7101 + i} }
        LOG_LEVEL: { type: string, default: info }
      sources:
        - file: config/{env}.yaml
          optional: true
`,
  )
  .join('')}`;

export interface ExecFleet {
  repo: GitRepo;
  v1: string;
  /** Runs bin/tranche in the fleet. */
  run(args: string[], env?: NodeJS.ProcessEnv): CliResult;
  /** The same with --json, parsed. */
  json<T>(args: string[], env?: NodeJS.ProcessEnv): CliResult & { json: T };
  /** Commits `files` with `message` as `author`; returns the commit. */
  commit(message: string, files: Record<string, string>, author?: string): string;
  /** Service → the commit recorded as deployed in `env`. */
  deployed(env?: string): Record<string, string>;
}

export function execFleet(repos: GitRepo[], files: Record<string, string> = {}, manifest = EXEC_MANIFEST): ExecFleet {
  const repo = new GitRepo({
    'tranche.yaml': manifest,
    '.gitignore': '.tranche/\n',
    'services/a/index.js': 'a v1\n',
    'services/b/index.js': 'b v1\n',
    'services/c/index.js': 'c v1\n',
    'services/b/config/dev.yaml': 'LOG_LEVEL: info\n',
    ...files,
  });
  repos.push(repo);
  const v1 = repo.commit('v1');
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, repo.dir, env);
  const json = <T>(args: string[], env: NodeJS.ProcessEnv = {}) => {
    const result = runCli([...args, '--json'], repo.dir, env);
    try {
      return { ...result, json: JSON.parse(result.stdout) as T };
    } catch {
      throw new Error(`tranche ${args.join(' ')} --json printed no JSON (exit ${result.code}):\n${result.stdout}\n${result.stderr}`);
    }
  };
  return {
    repo,
    v1,
    run,
    json,
    commit(message, changed, author = 'Test Author') {
      repo.write(changed);
      repo.git('add', '-A');
      repo.git('-c', `user.name=${author}`, '-c', 'user.email=a@example.com', 'commit', '-q', '--author', `${author} <a@example.com>`, '-m', message);
      return repo.git('rev-parse', 'HEAD');
    },
    deployed(env = 'dev') {
      const status = json<{ services: { service: string; commit: string }[] }>(['status', '--env', env]).json;
      return Object.fromEntries(status.services.map((s) => [s.service, s.commit]));
    },
  };
}
