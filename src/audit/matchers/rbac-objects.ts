/** The RBAC object lists every binding-level matcher reads in a live audit (`resource.group`). */
export const RBAC_OBJECTS: readonly string[] = [
  "roles.rbac.authorization.k8s.io",
  "clusterroles.rbac.authorization.k8s.io",
  "rolebindings.rbac.authorization.k8s.io",
  "clusterrolebindings.rbac.authorization.k8s.io",
];

/** The role lists alone, for matchers that judge role definitions. */
export const ROLE_OBJECTS: readonly string[] = RBAC_OBJECTS.slice(0, 2);
