/**
 * What renders Kubernetes manifests from a fleet's files with a tool the operator has:
 * `kubectl kustomize` over an overlay directory, or a command of the manifest's (`helm template …`).
 */
export type RenderRequest =
  /** An overlay directory, relative to the fleet's directory. */
  | { kustomize: string }
  /** A command as an argument list (never a shell string), run in the fleet's directory. */
  | { argv: readonly string[] };

export type RenderResult =
  | {
      ok: true;
      /** What the tool printed: multi-document YAML. */
      output: string;
      /**
       * For kustomize: the fleet-relative path of a file that an origin annotation names
       * (`config.kubernetes.io/origin`, relative to where kustomize ran), or undefined when it is
       * outside the fleet's directory.
       */
      origin?: (annotated: string) => string | undefined;
    }
  | {
      ok: false;
      /** Why nothing was rendered, without the tool's own output (it may quote values). */
      problem: string;
    };

/** Runs the tool over the fleet's files as they are on disk in `fleetDir` (see `FileTree.materialize`). */
export interface Renderer {
  render(request: RenderRequest, fleetDir: string): Promise<RenderResult>;
}
