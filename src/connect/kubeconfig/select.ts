import { didYouMean } from "../../input/suggest.js";
import { ConnectionConfigError } from "../../model/errors.js";
import type { Selection } from "../assemble.js";
import type { ConnectionOverrides } from "../input.js";
import type { LoadedKubeconfig } from "./load.js";

function filesRead(loaded: LoadedKubeconfig): string {
  return `files read: ${loaded.files.join(", ") || "none"}`;
}

/**
 * Picks context, cluster and user from a merged kubeconfig (client-go's `DirectClientConfig`):
 * `--context` else current-context; `--cluster`/`--user` else the context's; `-n` else the
 * context's namespace else "default". A name that does not exist is an error naming it and the files.
 * Returns `undefined` when no context is selected and `--server` was not given: the kubeconfig is
 * then unusable and the caller may fall back to the in-cluster mount, as client-go does.
 */
export function selectFromKubeconfig(loaded: LoadedKubeconfig, overrides: ConnectionOverrides): Selection | undefined {
  const { set } = loaded;
  const explain = [...loaded.explain];
  const contextName = overrides.context ?? set.currentContext;
  const context = contextName === undefined ? undefined : set.contexts.get(contextName);
  if (contextName !== undefined && !context) {
    const setBy = overrides.context !== undefined ? "--context" : `current-context (set in ${set.currentContextOrigin})`;
    throw new ConnectionConfigError(
      `context "${contextName}" from ${setBy} does not exist${didYouMean(contextName, [...set.contexts.keys()])} (${filesRead(loaded)})`,
    );
  }
  if (!context && overrides.server === undefined && overrides.cluster === undefined) {
    loaded.explain.push("the kubeconfig selects no context (no current-context and no --context)");
    return undefined;
  }
  if (context)
    explain.push(
      `context "${context.name}" from ${overrides.context !== undefined ? "--context" : `current-context in ${set.currentContextOrigin}`}, defined in ${context.origin}`,
    );

  const clusterName = overrides.cluster ?? context?.cluster;
  const cluster = clusterName === undefined ? undefined : set.clusters.get(clusterName);
  if (clusterName !== undefined && !cluster && (overrides.cluster !== undefined || overrides.server === undefined)) {
    const namedBy = overrides.cluster !== undefined ? "--cluster" : `context "${contextName}"`;
    throw new ConnectionConfigError(
      `cluster "${clusterName}" named by ${namedBy} does not exist${didYouMean(clusterName, [...set.clusters.keys()])} (${filesRead(loaded)})`,
    );
  }
  if (clusterName === undefined && overrides.server === undefined) {
    throw new ConnectionConfigError(`context "${contextName}" names no cluster and --server was not given (${filesRead(loaded)})`);
  }
  if (clusterName !== undefined && !cluster)
    explain.push(`cluster "${clusterName}" named by the context does not exist; --server supplies the server (as in kubectl)`);
  if (cluster)
    explain.push(`cluster "${cluster.name}" ${overrides.cluster !== undefined ? "from --cluster" : "from the context"}, defined in ${cluster.origin}`);

  const userName = overrides.user ?? context?.user;
  const user = userName === undefined ? undefined : set.users.get(userName);
  if (userName !== undefined && !user) {
    // client-go quietly continues without credentials when a context names a missing user; saprobe refuses to guess.
    const namedBy = overrides.user !== undefined ? "--user" : `context "${contextName}"`;
    throw new ConnectionConfigError(
      `user "${userName}" named by ${namedBy} does not exist${didYouMean(userName, [...set.users.keys()])} (${filesRead(loaded)})`,
    );
  }
  if (user) explain.push(`user "${user.name}" ${overrides.user !== undefined ? "from --user" : "from the context"}, defined in ${user.origin}`);

  const namespace = overrides.namespace ?? context?.namespace ?? "default";
  const namespaceSource = overrides.namespace !== undefined ? "--namespace" : context?.namespace !== undefined ? `context "${context.name}"` : "default";
  return {
    source: overrides.server !== undefined ? "flags" : "kubeconfig",
    files: loaded.files,
    context: context?.name,
    clusterName,
    userName,
    cluster,
    user,
    namespace,
    namespaceSource,
    explain,
    warnings: [...loaded.warnings],
  };
}
