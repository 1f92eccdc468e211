import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { RenderRequest, RenderResult, Renderer } from '../../ports/renderer.js';

/** How long a render may take, and how much it may print. */
const TIMEOUT_MS = 120_000;
const MAX_OUTPUT = 256 * 1024 * 1024;

/**
 * Renders with the operator's tools as processes: `kubectl kustomize` for an overlay (through a
 * kustomization of tranche's own, in a temporary directory, that adds origin annotations — the
 * overlay itself is never written to), or the manifest's command for a render. Argument arrays,
 * never a shell; the environment is the operator's PATH and HOME (and kubectl's and helm's own
 * variables), nothing else; a time limit and an output limit.
 */
export class ProcessRenderer implements Renderer {
  private readonly env: NodeJS.ProcessEnv;

  constructor(env: NodeJS.ProcessEnv) {
    this.env = Object.fromEntries(
      Object.entries(env).filter(([name]) => ['PATH', 'HOME', 'LANG', 'TMPDIR', 'KUBECONFIG'].includes(name) || /^(HELM|XDG)_/.test(name)),
    );
  }

  async render(request: RenderRequest, fleetDir: string): Promise<RenderResult> {
    if ('argv' in request) return this.run(request.argv, fleetDir, request.argv.join(' '));
    const overlay = resolve(fleetDir, request.kustomize);
    const wrapper = await mkdtemp(join(tmpdir(), 'tranche-kustomize-'));
    try {
      // kustomize takes no absolute path to a base: the way from the wrapper to the overlay is relative.
      const way = relative(wrapper, overlay).split(sep).join('/');
      await writeFile(
        join(wrapper, 'kustomization.yaml'),
        `resources:\n  - ${JSON.stringify(way)}\nbuildMetadata: [originAnnotations, transformerAnnotations]\n`,
      );
      const result = await this.run(['kubectl', 'kustomize', wrapper], fleetDir, `kubectl kustomize ${request.kustomize}`);
      if (!result.ok) return result;
      return {
        ...result,
        origin: (annotated) => {
          const path = relative(fleetDir, resolve(wrapper, annotated));
          return path === '' || path.startsWith('..') || isAbsolute(path) ? undefined : path.split(sep).join('/');
        },
      };
    } finally {
      await rm(wrapper, { recursive: true, force: true });
    }
  }

  private run(argv: readonly string[], cwd: string, shown: string): Promise<RenderResult> {
    return new Promise((settle) => {
      let settled = false;
      const done = (result: RenderResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        settle(result);
      };
      const [command, ...args] = argv;
      const child = spawn(command!, args, { cwd, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let size = 0;
      let failure: string | undefined;
      const timer = setTimeout(() => {
        failure = `${shown} did not finish within ${TIMEOUT_MS / 1000} s`;
        child.kill('SIGKILL');
      }, TIMEOUT_MS);
      child.stdout.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_OUTPUT) {
          failure = `${shown} printed more than ${MAX_OUTPUT / 1024 / 1024} MB`;
          child.kill('SIGKILL');
        } else out.push(chunk);
      });
      child.stderr.resume();
      child.on('error', (error: NodeJS.ErrnoException) => {
        failure =
          error.code === 'ENOENT'
            ? command === 'kubectl'
              ? 'kubectl is not installed (or not on PATH): a kustomize source is rendered with kubectl kustomize (kubectl 1.14 or later; no cluster is needed)'
              : `${command} is not installed (or not on PATH): the render command of this source runs it`
            : `${shown} could not start: ${error.code ?? error.message}`;
        done({ ok: false, problem: failure });
      });
      child.on('close', (code) => {
        // What the tool printed on stderr is not shown: it may quote values, and values may be secrets.
        if (failure ?? code !== 0) done({ ok: false, problem: failure ?? `${shown} failed (exit ${code}); run it in the fleet's directory to see why` });
        else done({ ok: true, output: Buffer.concat(out).toString('utf8') });
      });
    });
  }
}
