import { spawnSync } from 'node:child_process';
import { BIN } from './paths.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real bin/tranche as a user would, in `cwd`. */
export function runCli(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  if (result.error) throw result.error;
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** The parsed stdout of a --json run. */
export function runJson<T = Record<string, unknown>>(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): { code: number; json: T; stderr: string } {
  const result = runCli([...args, '--json'], cwd, env);
  return { code: result.code, json: JSON.parse(result.stdout) as T, stderr: result.stderr };
}
