#!/usr/bin/env node
// Writes a large multi-document RBAC manifest for loader measurements (default: 76,000 objects,
// about 21 MB, the audit issue's benchmark size). Deterministic: the same arguments give the same file.
// Usage: node bench/generate-large.mjs OUT.yaml [OBJECTS]
import { createWriteStream } from "node:fs";

const [out, countText = "76000"] = process.argv.slice(2);
if (!out) throw new Error("usage: generate-large.mjs OUT.yaml [OBJECTS]");
const count = Number(countText);
const stream = createWriteStream(out);
const verbs = ["get", "list", "watch", "create", "update", "patch", "delete"];
const resources = ["pods", "services", "configmaps", "secrets", "deployments", "jobs", "pods/log", "pods/exec"];

function object(index) {
  const ns = `team-${index % 500}`;
  switch (index % 5) {
    case 0:
      return `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa-${index}\n  namespace: ${ns}\n  labels:\n    app: app-${index % 97}\n`;
    case 1:
      return `apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: role-${index}\n  namespace: ${ns}\nrules:\n- apiGroups: [""]\n  resources: ["${resources[index % 8]}"]\n  verbs: ["${verbs[index % 7]}", "${verbs[(index + 1) % 7]}"]\n- apiGroups: ["apps"]\n  resources: ["deployments"]\n  verbs: ["get"]\n`;
    case 2:
      return `apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: rb-${index}\n  namespace: ${ns}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: role-${index - 1}\nsubjects:\n- kind: ServiceAccount\n  name: sa-${index - 2}\n  namespace: ${ns}\n`;
    case 3:
      return `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: cr-${index}\n  labels:\n    tier: t${index % 13}\nrules:\n- apiGroups: ["*"]\n  resources: ["${resources[index % 8]}"]\n  verbs: ["get", "list"]\n`;
    default:
      return `apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata:\n  name: crb-${index}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: ClusterRole\n  name: cr-${index - 1}\nsubjects:\n- kind: Group\n  name: group-${index % 211}\n  apiGroup: rbac.authorization.k8s.io\n- kind: User\n  name: user-${index}\n  apiGroup: rbac.authorization.k8s.io\n`;
  }
}

for (let index = 0; index < count; index++) stream.write(`---\n# object ${index}\n${object(index)}`);
stream.end();
