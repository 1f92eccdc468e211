/**
 * What renders a source's Kubernetes manifests with a tool the operator has: `kubectl kustomize`
 * over an overlay directory, or a command of the manifest's (`helm template …`).
 */
export type RenderRequest =
  /** An overlay directory, relative to the fleet's directory. */
  | { kustomize: string }
  /** A command as an argument list (never a shell string), run in the fleet's directory. */
  | { argv: readonly string[] };
