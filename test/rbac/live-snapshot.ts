import type { RbacSnapshot } from "../../src/rbac/types.js";
import { adminRequest } from "../support/cluster.js";

/** Every Role, ClusterRole, RoleBinding and ClusterRoleBinding on the test cluster, as stored (read with the independent test client). */
export async function liveRbacSnapshot(): Promise<RbacSnapshot> {
  const list = async (resource: string, kind: string) => {
    const body = (await adminRequest("GET", `/apis/rbac.authorization.k8s.io/v1/${resource}`)) as { items: Record<string, unknown>[] };
    return body.items.map((item) => ({ ...item, kind, ...(kind.endsWith("Role") ? { rules: item.rules ?? [] } : { subjects: item.subjects ?? [] }) }));
  };
  const [roles, clusterRoles, roleBindings, clusterRoleBindings] = await Promise.all([
    list("roles", "Role"),
    list("clusterroles", "ClusterRole"),
    list("rolebindings", "RoleBinding"),
    list("clusterrolebindings", "ClusterRoleBinding"),
  ]);
  return { roles, clusterRoles, roleBindings, clusterRoleBindings, serviceAccounts: [] } as unknown as RbacSnapshot;
}
