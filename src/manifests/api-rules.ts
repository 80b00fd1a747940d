import type { PolicyRule, RbacObject, Subject } from "../rbac/types.js";

/*
 * The apiserver's own validation of RBAC objects (pkg/apis/rbac/validation) beyond the schema:
 * things the schema allows but `kubectl apply` would be refused for. saprobe still evaluates such
 * objects exactly as written (as the authorizer would if they existed) and reports these as warnings.
 */

const RBAC_GROUP = "rbac.authorization.k8s.io";

function ruleProblems(rule: PolicyRule, index: number, inRole: boolean): string[] {
  const where = `rules[${index}]`;
  const problems: string[] = [];
  if ((rule.verbs ?? []).length === 0) problems.push(`${where}: verbs must not be empty`);
  const urls = (rule.nonResourceURLs ?? []).length > 0;
  const resourcey = (rule.apiGroups ?? []).length > 0 || (rule.resources ?? []).length > 0 || (rule.resourceNames ?? []).length > 0;
  if (urls && inRole) problems.push(`${where}: nonResourceURLs are not allowed in a Role (namespaced); use a ClusterRole and a ClusterRoleBinding`);
  if (urls && resourcey) problems.push(`${where}: a rule cannot apply to both resources and nonResourceURLs`);
  if (!urls && ((rule.apiGroups ?? []).length === 0 || (rule.resources ?? []).length === 0)) problems.push(`${where}: a resource rule needs at least one apiGroup and one resource`);
  return problems;
}

function subjectProblems(subject: Subject, index: number, clusterWide: boolean): string[] {
  const where = `subjects[${index}]`;
  switch (subject.kind) {
    case "ServiceAccount": {
      const problems: string[] = [];
      if (subject.apiGroup) problems.push(`${where}: a ServiceAccount subject's apiGroup must be "" (it is ${JSON.stringify(subject.apiGroup)})`);
      if (clusterWide && !subject.namespace) problems.push(`${where}: a ServiceAccount subject of a ClusterRoleBinding needs a namespace (without one it matches nobody)`);
      return problems;
    }
    case "User":
    case "Group":
      return subject.apiGroup && subject.apiGroup !== RBAC_GROUP ? [`${where}: a ${subject.kind} subject's apiGroup must be ${RBAC_GROUP}`] : [];
    default:
      return [`${where}: kind ${JSON.stringify(subject.kind)} is not User, Group or ServiceAccount (kinds are case-sensitive); it matches nobody`];
  }
}

/** What the apiserver would refuse in this object, as sentences (empty when it would accept it). */
export function apiServerRefusals(object: RbacObject): string[] {
  switch (object.kind) {
    case "Role":
    case "ClusterRole":
      return (object.rules ?? []).flatMap((rule, index) => ruleProblems(rule, index, object.kind === "Role"));
    case "RoleBinding":
    case "ClusterRoleBinding": {
      const clusterWide = object.kind === "ClusterRoleBinding";
      const problems = (object.subjects ?? []).flatMap((subject, index) => subjectProblems(subject, index, clusterWide));
      const kinds = clusterWide ? ["ClusterRole"] : ["Role", "ClusterRole"];
      if (!kinds.includes(object.roleRef.kind)) problems.push(`roleRef.kind must be ${kinds.join(" or ")} (it is ${JSON.stringify(object.roleRef.kind)})`);
      if (object.roleRef.apiGroup && object.roleRef.apiGroup !== RBAC_GROUP) problems.push(`roleRef.apiGroup must be ${RBAC_GROUP}`);
      return problems;
    }
    default:
      return [];
  }
}
