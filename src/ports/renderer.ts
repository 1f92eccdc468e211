import type { RenderRequest } from '../core/config/render-request.js';

export type { RenderRequest } from '../core/config/render-request.js';

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
