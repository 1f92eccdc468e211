import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Manifest names (environments, services) are validated with this pattern; re-checked here because they become paths. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** `<fleetRoot>/.tranche/runtime/<env>/<service>`: what the drivers keep of one service in one environment. */
export function runtimeDir(fleetRoot: string, env: string, service: string): string {
  for (const name of [env, service]) {
    if (!NAME.test(name)) throw new Error(`internal error: ${JSON.stringify(name)} is not a valid environment or service name`);
  }
  return join(fleetRoot, '.tranche', 'runtime', env, service);
}

/**
 * Writes `value` as JSON (mode 0600) through a temp file renamed into place, so that a reader, or
 * the next run after a crash, sees the previous file or the new one, never part of one.
 */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const handle = await open(temp, 'wx', 0o600);
    try {
      await handle.writeFile(`${JSON.stringify(value, null, 2)}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** The parsed content of a JSON file; undefined when the file does not exist. */
export async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new Error(`${file} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
}
