import { namespaceObjectRequestNamespace } from "../rbac/namespace-requests.js";
import { isClusterScopedType } from "../rbac/request-spec.js";
import { parseServiceAccountUsername } from "../rbac/users.js";
import type { CheckDefinition } from "../checks/types.js";
import type { Connection } from "../connect/types.js";
import type { RequestAttributes } from "../rbac/types.js";
import type { IdentityLookup, ProbeContext } from "./types.js";

/** The namespace a resource check addresses, and why. `""` means cluster scope or all namespaces. */
export interface ResolvedNamespace {
  namespace: string;
  source: string;
}

/** True for resources that live outside namespaces (the generated list of built-in types; a check without a group names the type by its name alone). */
function isClusterScoped(check: Pick<CheckDefinition, "resource" | "group">): boolean {
  return check.resource !== undefined && isClusterScopedType(check.resource, check.group);
}

/** The namespace from the check, else the identity's ServiceAccount namespace, else the connection's. */
export function namespaceFor(
  check: Pick<CheckDefinition, "allNamespaces" | "namespace" | "resource" | "group">,
  connection: Connection,
  identity: IdentityLookup | undefined,
): ResolvedNamespace {
  if (isClusterScoped(check)) return { namespace: "", source: "cluster-scoped resource" };
  if (check.allNamespaces) return { namespace: "", source: "all namespaces" };
  if (check.namespace !== undefined) return { namespace: check.namespace, source: "check" };
  const fromIdentity = parseServiceAccountUsername(identity?.username ?? "")?.namespace;
  if (fromIdentity) return { namespace: fromIdentity, source: `the ServiceAccount's namespace (${identity?.source ?? "identity"})` };
  return { namespace: connection.namespace, source: connection.namespaceSource };
}

/** `namespaceFor`, waiting for the run's identity only when the check leaves the namespace open. */
export async function resolveNamespace(check: CheckDefinition, connection: Connection, context: ProbeContext): Promise<ResolvedNamespace> {
  const needsIdentity = check.namespace === undefined && !check.allNamespaces && !isClusterScoped(check);
  return namespaceFor(check, connection, needsIdentity ? await context.identity() : undefined);
}

/** The authorization attributes a resource check's request carries (what RBAC sees). */
export function resourceAttributes(check: CheckDefinition, verb: string, namespace: string): RequestAttributes {
  const resource = check.probe === "logs" ? "pods" : (check.resource ?? "");
  const apiGroup = check.group ?? "";
  return {
    resourceRequest: true,
    verb,
    apiGroup,
    resource,
    ...(check.probe === "logs" ? { subresource: "log" } : check.subresource ? { subresource: check.subresource } : {}),
    ...(check.name !== undefined ? { name: check.name } : {}),
    // GET /api/v1/namespaces/NAME is made in namespace NAME, whatever the path's scope says.
    namespace: namespaceObjectRequestNamespace(resource, apiGroup, verb, check.name) ?? namespace,
  };
}
