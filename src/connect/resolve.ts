import { ConnectionConfigError, UsageError } from "../model/errors.js";
import { assembleConnection } from "./assemble.js";
import { selectInCluster } from "./in-cluster.js";
import type { ResolveInput } from "./input.js";
import { kubeconfigCandidates, loadKubeconfigs } from "./kubeconfig/load.js";
import { isEmptyKubeconfigSet } from "./kubeconfig/model.js";
import { selectFromKubeconfig } from "./kubeconfig/select.js";
import type { Connection } from "./types.js";

async function forcedInCluster(input: ResolveInput): Promise<Connection> {
  if (input.kubeconfig !== undefined) throw new UsageError("--in-cluster and --kubeconfig cannot be used together");
  const result = await selectInCluster(input);
  if (!result.ok) throw new ConnectionConfigError(`--in-cluster was given but the ServiceAccount mount is not usable: ${result.reason}`);
  result.selection.explain.unshift("--in-cluster given: kubeconfig files are not read");
  return assembleConnection(result.selection, input);
}

/**
 * Resolves flags, environment and files into one connection, the way kubectl does:
 * command-line flags override everything; the kubeconfig comes from `--kubeconfig`, else the
 * `KUBECONFIG` list, else `~/.kube/config`; when that gives nothing usable (and no `--server`), the
 * in-cluster ServiceAccount mount is used. `--in-cluster` forces the mount. Runs no exec plugin and
 * sends no request. Nothing usable: a `ConnectionConfigError` (exit 2) listing what was tried.
 * `explain` on the result says which source was chosen and why the earlier ones were skipped.
 */
export async function resolveConnection(input: ResolveInput): Promise<Connection> {
  if (input.inCluster) return forcedInCluster(input);
  const flagLine = input.overrides.server !== undefined ? "--server given: it overrides the kubeconfig's server" : "no --server flag";
  const loaded = await loadKubeconfigs(kubeconfigCandidates({ explicit: input.kubeconfig, env: input.env, cwd: input.cwd }));
  loaded.explain.unshift(flagLine);
  const empty = isEmptyKubeconfigSet(loaded.set);
  if (!empty || input.overrides.server !== undefined) {
    const selection = selectFromKubeconfig(loaded, input.overrides);
    if (selection) {
      selection.explain.push(`source: ${selection.source === "flags" ? "command-line flags" : "kubeconfig"}; the in-cluster mount is not consulted`);
      return assembleConnection(selection, input);
    }
  } else {
    loaded.explain.push(loaded.files.length === 0 ? "no kubeconfig file exists" : "the kubeconfig files are empty");
  }
  const inCluster = await selectInCluster(input);
  if (inCluster.ok) {
    inCluster.selection.explain.unshift(...loaded.explain, "falling back to the in-cluster ServiceAccount mount (as client-go does)");
    return assembleConnection(inCluster.selection, input);
  }
  const tried = [...loaded.explain, `in-cluster: ${inCluster.reason}`];
  throw new ConnectionConfigError(
    `no usable connection to a Kubernetes API server. Tried:\n${tried.map((line) => `  - ${line}`).join("\n")}\n` +
      "Give --kubeconfig, set KUBECONFIG, or pass --server (with --token or client certificate flags).",
  );
}
