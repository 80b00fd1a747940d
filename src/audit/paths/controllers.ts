import { bootstrapPolicy } from "../../rbac/bootstrap.js";
import type { ClusterRoleBinding, RoleBinding } from "../../rbac/types.js";
import { AUTOUPDATE_ANNOTATION } from "../expected.js";
import type { PreparedSnapshot } from "../prepare.js";
import { reachesServiceAccounts } from "./relevance.js";

/*
 * The controllers' ClusterRoleBindings of the bootstrap policy (system:controller:<name> binds
 * ServiceAccount kube-system/<name> to ClusterRole system:controller:<name>, autoupdate "true"):
 * kube-apiserver reconciles them at start-up, so every cluster has them, whatever the manifests carry.
 * An offline audit without --with-defaults would otherwise miss every path through them (create pods in
 * kube-system as clusterrole-aggregation-controller, which escalates); a missed path is the worse error.
 * Only the path analysis sees them, and only when some grant of the input can reach a ServiceAccount of
 * kube-system (else no route can go through them and the graph is not built for them); the controllers
 * get no finding of their own from them (findings.ts): the user did not give them.
 */

/** The namespace of the controllers' ServiceAccounts. */
const KUBE_SYSTEM = "kube-system";
const PREFIX = "system:controller:";

let controllerBindings: readonly ClusterRoleBinding[] | undefined;
/** Every ServiceAccount a controller binding of the policy names (kube-system's bootstrap-signer, token-cleaner and cloud-provider by RoleBindings). */
let controllerAccounts: ReadonlySet<string> | undefined;

/** The bootstrap policy's controller ClusterRoleBindings (shared objects: nobody may change them). */
function bootstrapControllerBindings(): readonly ClusterRoleBinding[] {
  controllerBindings ??= bootstrapPolicy().clusterRoleBindings.filter((binding) => binding.metadata.name.startsWith(PREFIX));
  return controllerBindings;
}

/**
 * True for a ServiceAccount the bootstrap policy binds to a controller role (kube-system/<controller>):
 * kube-controller-manager acts as it with tokens it requests itself (--use-service-account-credentials),
 * and no pod runs as it.
 */
export function isControllerAccount(namespace: string, name: string): boolean {
  if (namespace !== KUBE_SYSTEM) return false;
  controllerAccounts ??= new Set(
    [...bootstrapPolicy().clusterRoleBindings, ...bootstrapPolicy().roleBindings]
      .filter((binding) => binding.metadata.name.startsWith(PREFIX))
      .flatMap((binding) =>
        (binding.subjects ?? []).flatMap((subject) => (subject.kind === "ServiceAccount" ? [`${subject.namespace ?? ""}/${subject.name}`] : [])),
      ),
  );
  return controllerAccounts.has(`${namespace}/${name}`);
}

/** True when some grant of the input gives an edge to the ServiceAccounts of kube-system: only then can a route go through a controller. */
function reachesKubeSystemAccounts(prepared: PreparedSnapshot): boolean {
  const { clusterRoleBindings, roleBindings } = prepared.snapshot;
  const reaches = (binding: ClusterRoleBinding | RoleBinding, namespace: string): boolean => {
    const resolved = prepared.resolve(binding);
    return resolved.ok && reachesServiceAccounts(resolved.rules, namespace);
  };
  return (
    clusterRoleBindings.some((binding) => reaches(binding, "")) ||
    roleBindings.some((binding) => binding.metadata.namespace === KUBE_SYSTEM && reaches(binding, KUBE_SYSTEM))
  );
}

/** The snapshot the path analysis searches, and the bindings it added to the input's. */
export interface PathSnapshot {
  prepared: PreparedSnapshot;
  /** The controller bindings the input lacks, added because every cluster has them. */
  implied: ReadonlySet<ClusterRoleBinding | RoleBinding>;
}

const NONE: ReadonlySet<ClusterRoleBinding | RoleBinding> = new Set();

/** True when the input's binding grants what the default does: the same role, the default's subjects among its own. */
function covers(input: ClusterRoleBinding, binding: ClusterRoleBinding): boolean {
  if (input === binding) return true;
  if (input.roleRef.kind !== binding.roleRef.kind || input.roleRef.name !== binding.roleRef.name) return false;
  return (binding.subjects ?? []).every((subject) =>
    (input.subjects ?? []).some((own) => own.kind === subject.kind && own.name === subject.name && (own.namespace ?? "") === (subject.namespace ?? "")),
  );
}

/**
 * The prepared snapshot with the controller bindings the input lacks (offline): one the input carries
 * (--with-defaults, or manifests with the defaults) stays as it is; one it redefines is added as well,
 * since the API server reconciles it at start-up (its roleRef and subjects come back), unless the
 * input's says autoupdate "false".
 */
export function withControllerBindings(prepared: PreparedSnapshot): PathSnapshot {
  const defaults = bootstrapControllerBindings();
  const present = new Map(prepared.snapshot.clusterRoleBindings.map((binding) => [binding.metadata.name, binding]));
  const missing = defaults.filter((binding) => {
    const input = present.get(binding.metadata.name);
    return !input || (!covers(input, binding) && input.metadata.annotations?.[AUTOUPDATE_ANNOTATION] !== "false");
  });
  if (missing.length === 0 || !reachesKubeSystemAccounts(prepared)) return { prepared, implied: NONE };
  const snapshot = { ...prepared.snapshot, clusterRoleBindings: [...prepared.snapshot.clusterRoleBindings, ...missing] };
  return { prepared: { ...prepared, snapshot }, implied: new Set(missing) };
}
