import type { PolicyRule, RbacObject, Subject } from "../rbac/types.js";

/*
 * The apiserver's own validation of RBAC objects (pkg/apis/rbac/validation) beyond the schema:
 * things the schema allows but `kubectl apply` would be refused for. saprobe still evaluates such
 * objects exactly as written (as the authorizer would if they existed) and reports these as warnings.
 */

const RBAC_GROUP = "rbac.authorization.k8s.io";

/** Shared by every object the apiserver would accept (nearly all of them): nothing to report, nothing allocated. */
const NONE: readonly string[] = Object.freeze([]);

function isEmpty(list: readonly unknown[] | undefined): boolean {
  return list === undefined || list.length === 0;
}

function ruleProblems(rule: PolicyRule, index: number, inRole: boolean, problems: string[]): void {
  const where = (): string => `rules[${index}]`;
  if (isEmpty(rule.verbs)) problems.push(`${where()}: verbs must not be empty`);
  const urls = !isEmpty(rule.nonResourceURLs);
  const resourcey = !isEmpty(rule.apiGroups) || !isEmpty(rule.resources) || !isEmpty(rule.resourceNames);
  if (urls && inRole) problems.push(`${where()}: nonResourceURLs are not allowed in a Role (namespaced); use a ClusterRole and a ClusterRoleBinding`);
  if (urls && resourcey) problems.push(`${where()}: a rule cannot apply to both resources and nonResourceURLs`);
  if (!urls && (isEmpty(rule.apiGroups) || isEmpty(rule.resources))) problems.push(`${where()}: a resource rule needs at least one apiGroup and one resource`);
}

function subjectProblems(subject: Subject, index: number, clusterWide: boolean, problems: string[]): void {
  const where = (): string => `subjects[${index}]`;
  switch (subject.kind) {
    case "ServiceAccount":
      if (subject.apiGroup) problems.push(`${where()}: a ServiceAccount subject's apiGroup must be "" (it is ${JSON.stringify(subject.apiGroup)})`);
      if (clusterWide && !subject.namespace)
        problems.push(`${where()}: a ServiceAccount subject of a ClusterRoleBinding needs a namespace (without one it matches nobody)`);
      return;
    case "User":
    case "Group":
      if (subject.apiGroup && subject.apiGroup !== RBAC_GROUP) problems.push(`${where()}: a ${subject.kind} subject's apiGroup must be ${RBAC_GROUP}`);
      return;
    default:
      problems.push(`${where()}: kind ${JSON.stringify(subject.kind)} is not User, Group or ServiceAccount (kinds are case-sensitive); it matches nobody`);
  }
}

/** What the apiserver would refuse in this object, as sentences (empty when it would accept it). */
export function apiServerRefusals(object: RbacObject): readonly string[] {
  const problems: string[] = [];
  switch (object.kind) {
    case "Role":
    case "ClusterRole": {
      const rules = object.rules ?? [];
      for (let index = 0; index < rules.length; index++) ruleProblems(rules[index] as PolicyRule, index, object.kind === "Role", problems);
      break;
    }
    case "RoleBinding":
    case "ClusterRoleBinding": {
      const clusterWide = object.kind === "ClusterRoleBinding";
      const subjects = object.subjects ?? [];
      for (let index = 0; index < subjects.length; index++) subjectProblems(subjects[index] as Subject, index, clusterWide, problems);
      const roleKind = object.roleRef.kind;
      if (roleKind !== "ClusterRole" && (clusterWide || roleKind !== "Role"))
        problems.push(`roleRef.kind must be ${clusterWide ? "ClusterRole" : "Role or ClusterRole"} (it is ${JSON.stringify(roleKind)})`);
      if (object.roleRef.apiGroup && object.roleRef.apiGroup !== RBAC_GROUP) problems.push(`roleRef.apiGroup must be ${RBAC_GROUP}`);
      break;
    }
    default:
      break;
  }
  return problems.length === 0 ? NONE : problems;
}
