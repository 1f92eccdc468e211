import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '../../ports/clock.js';
import { DriverError, type DeployRequest, type Driver, type Liveness, type RunningService } from '../../ports/driver.js';
import { Redactor } from '../../core/config/redact-secrets.js';
import type { Service } from '../../core/manifest/manifest.js';
import { formatDotenv } from './format-dotenv.js';
import { formatShell } from './format-shell.js';
import { withLastLines } from './line-tail.js';
import { describeExit, runCommand } from './run-command.js';
import { readJsonFile, runtimeDir, writeJsonAtomic } from './runtime-files.js';
import { registerDriver } from './registry.js';

/** What `exec.json` records of the last successful run. Never a config value: its hash only. */
interface ExecState {
  commit: string;
  contentId: string;
  configHash: string;
  at: string;
}

export interface ExecDriverOptions {
  /** The operator's environment: commands run with it, plus the TRANCHE_* variables. */
  env: NodeJS.ProcessEnv;
  /** After SIGTERM on abort, how long the command has before SIGKILL (default 5 s). */
  graceMs?: number;
  clock?: Pick<Clock, 'now'>;
}

/**
 * Deploys by running the service's own command (`exec.deploy`, or `exec.rollback` for a rollback
 * when it has one): an argument array, no shell, in the service's directory of the fleet, with
 * the operator's environment and `TRANCHE_ACTION`, `TRANCHE_SERVICE`, `TRANCHE_ENV`,
 * `TRANCHE_COMMIT`, `TRANCHE_PREVIOUS_COMMIT` (empty when none), and the resolved config in three
 * forms, one for each kind of reader (each mode 0600, in a private temp directory, deleted once the
 * command exits): `TRANCHE_CONFIG_FILE` a dotenv file that dotenv parsers read back exactly (not
 * for `source`), `TRANCHE_CONFIG_SH` POSIX shell that is safe to source, `TRANCHE_CONFIG_JSON` one
 * JSON object. The command runs every time it is asked to, so it must be idempotent (Helm,
 * kubectl apply and most deploy scripts are). What runs at the target is the command's business:
 * `inspect` reports what the driver last deployed successfully. `stop` runs `exec.stop` the same
 * way (without config files; `TRANCHE_COMMIT` the commit last deployed, empty when none is
 * recorded), then forgets the deploy; a service without `exec.stop` that the driver deployed
 * cannot be stopped by tranche, and `stop` fails saying so rather than pretend.
 * Which process serves the service, and whether it is alive, the driver cannot tell: its liveness
 * is `unknown`, and a batch's gates are its checks alone.
 */
export class ExecDriver implements Driver {
  readonly name = 'exec' as const;
  private readonly env: NodeJS.ProcessEnv;
  private readonly graceMs: number | undefined;
  private readonly clock: Pick<Clock, 'now'>;

  constructor(options: ExecDriverOptions) {
    this.env = options.env;
    this.graceMs = options.graceMs;
    this.clock = options.clock ?? { now: () => new Date() };
  }

  async deploy(request: DeployRequest): Promise<void> {
    const { service, target, action } = request;
    const fail = (message: string, cause?: unknown) => new DriverError(service.name, request.env, action, message, cause === undefined ? undefined : { cause });
    const exec = service.exec;
    const command = action === 'rollback' && exec?.rollback?.length ? exec.rollback : exec?.deploy;
    if (!command?.length) throw fail('the service has no exec.deploy command, which the exec driver needs');
    let texts: Record<'config.env' | 'config.sh' | 'config.json', string>;
    try {
      texts = {
        'config.env': formatDotenv(request.config),
        'config.sh': formatShell(request.config),
        'config.json': `${JSON.stringify(request.config, null, 2)}\n`,
      };
    } catch (error) {
      throw fail((error as Error).message, error);
    }
    const dir = await mkdtemp(join(tmpdir(), 'tranche-exec-'));
    try {
      for (const [name, text] of Object.entries(texts)) {
        const handle = await open(join(dir, name), 'wx', 0o600);
        try {
          await handle.writeFile(text);
        } finally {
          await handle.close();
        }
      }
      const env: NodeJS.ProcessEnv = {
        ...this.env,
        TRANCHE_ACTION: action,
        TRANCHE_SERVICE: service.name,
        TRANCHE_ENV: request.env,
        TRANCHE_COMMIT: target.commit,
        TRANCHE_PREVIOUS_COMMIT: request.previous?.commit ?? '',
        TRANCHE_CONFIG_FILE: join(dir, 'config.env'),
        TRANCHE_CONFIG_SH: join(dir, 'config.sh'),
        TRANCHE_CONFIG_JSON: join(dir, 'config.json'),
      };
      request.log(`running ${command.join(' ')} for ${service.name} (${action} ${target.commit.slice(0, 12)})`);
      const cwd = join(request.fleetRoot, service.path);
      let result: Awaited<ReturnType<typeof runCommand>>;
      try {
        // A deploy script may print what it was given: its lines are cleared of the secrets before anything else.
        const secrets = new Redactor(request.secrets ?? []);
        result = await runCommand(command, {
          cwd,
          env,
          onLine: (line) => request.log(line),
          redact: (line) => secrets.redact(line),
          signal: request.signal,
          graceMs: this.graceMs,
        });
      } catch (error) {
        throw fail(`cannot run \`${command.join(' ')}\` in ${cwd}: ${(error as Error).message}`, error);
      }
      if (result.aborted) throw fail(`aborted; \`${command.join(' ')}\` and its processes were stopped`);
      if (result.code !== 0) throw fail(withLastLines(`\`${command.join(' ')}\` ${describeExit(result)}`, result.lastLines));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const state: ExecState = { commit: target.commit, contentId: target.contentId, configHash: target.configHash, at: this.clock.now().toISOString() };
    try {
      await writeJsonAtomic(stateFile(request.fleetRoot, request.env, service.name), state);
    } catch (error) {
      throw fail(`deployed, but could not record it: ${(error as Error).message}`, error);
    }
  }

  async stop(env: string, service: Service, fleetRoot: string): Promise<void> {
    const fail = (message: string, cause?: unknown) => new DriverError(service.name, env, 'stop', message, cause === undefined ? undefined : { cause });
    const file = stateFile(fleetRoot, env, service.name);
    let deployed: Partial<ExecState> | undefined;
    try {
      deployed = (await readJsonFile(file)) as Partial<ExecState> | undefined;
    } catch (error) {
      throw fail((error as Error).message, error);
    }
    const command = service.exec?.stop;
    if (!command?.length) {
      if (!deployed) return;
      throw fail('the service has no exec.stop command, so tranche cannot stop what exec.deploy started: stop it yourself, or add exec.stop to its manifest');
    }
    const cwd = join(fleetRoot, service.path);
    const commandEnv: NodeJS.ProcessEnv = {
      ...this.env,
      TRANCHE_ACTION: 'stop',
      TRANCHE_SERVICE: service.name,
      TRANCHE_ENV: env,
      TRANCHE_COMMIT: deployed?.commit ?? '',
    };
    let result: Awaited<ReturnType<typeof runCommand>>;
    try {
      result = await runCommand(command, { cwd, env: commandEnv, graceMs: this.graceMs });
    } catch (error) {
      throw fail(`cannot run \`${command.join(' ')}\` in ${cwd}: ${(error as Error).message}`, error);
    }
    if (result.code !== 0) throw fail(withLastLines(`\`${command.join(' ')}\` ${describeExit(result)}`, result.lastLines));
    try {
      await rm(file, { force: true });
    } catch (error) {
      throw fail(`stopped, but could not record it: ${(error as Error).message}`, error);
    }
  }

  async liveness(): Promise<Liveness> {
    return { state: 'unknown' };
  }

  async inspect(env: string, service: Service, fleetRoot: string): Promise<RunningService | undefined> {
    let value: Partial<ExecState> | undefined;
    try {
      value = (await readJsonFile(stateFile(fleetRoot, env, service.name))) as Partial<ExecState> | undefined;
    } catch (error) {
      throw new DriverError(service.name, env, 'inspect', (error as Error).message, { cause: error });
    }
    if (!value) return { running: false };
    return { running: true, commit: value.commit, configHash: value.configHash };
  }
}

function stateFile(fleetRoot: string, env: string, service: string): string {
  return join(runtimeDir(fleetRoot, env, service), 'exec.json');
}

registerDriver('exec', (settings) => new ExecDriver(settings));
