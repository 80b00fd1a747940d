import { Document, isScalar, visit } from "yaml";
import type { PolicyRule, RbacObject } from "../rbac/types.js";
import type { LearnedRbac } from "./learn.js";

/*
 * The learned RBAC as the YAML a person would commit: one document per object, in apply order
 * (ServiceAccount, roles, bindings), fields in the order kubectl shows them, short lists on one
 * line, and a comment naming the identity and the window the rules were learned from.
 */

/** What the comment at the top says about where the rules come from. */
export interface LearnedFrom {
  files: readonly string[];
  /** The window asked for (absent ends are open). */
  since?: string;
  until?: string;
}

/** One identity's learned RBAC, with the first and last allowed request it was learned from. */
export type LearnedIdentity = LearnedRbac & { first?: string; last?: string };

const RBAC_API = "rbac.authorization.k8s.io/v1";

function ruleFields(rule: PolicyRule): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  if (rule.nonResourceURLs?.length) fields.nonResourceURLs = rule.nonResourceURLs;
  if (rule.apiGroups?.length) fields.apiGroups = rule.apiGroups;
  if (rule.resources?.length) fields.resources = rule.resources;
  if (rule.resourceNames?.length) fields.resourceNames = rule.resourceNames;
  fields.verbs = rule.verbs;
  return fields;
}

function manifestOf(object: RbacObject): Record<string, unknown> {
  const metadata = { name: object.metadata.name, ...(object.metadata.namespace ? { namespace: object.metadata.namespace } : {}) };
  switch (object.kind) {
    case "ServiceAccount":
      return { apiVersion: "v1", kind: object.kind, metadata };
    case "Role":
    case "ClusterRole":
      return { apiVersion: RBAC_API, kind: object.kind, metadata, rules: object.rules.map(ruleFields) };
    default:
      return { apiVersion: RBAC_API, kind: object.kind, metadata, subjects: object.subjects, roleRef: object.roleRef };
  }
}

function documentText(object: RbacObject): string {
  const document = new Document(manifestOf(object));
  visit(document, {
    Seq(_key, node) {
      if (node.items.every((item) => isScalar(item))) node.flow = true;
    },
  });
  return document.toString({ lineWidth: 0, flowCollectionPadding: false });
}

function windowText(identity: LearnedIdentity, from: LearnedFrom): string {
  const seen = identity.first && identity.last ? `between ${identity.first} and ${identity.last}` : "(no allowed request seen)";
  const asked = from.since || from.until ? `; window asked: ${from.since ?? "the start"} to ${from.until ?? "the end"}` : "";
  return `${seen}${asked}`;
}

/** The YAML of every identity's learned RBAC, each headed by a comment with its window and files. */
export function learnedYaml(learned: readonly LearnedIdentity[], from: LearnedFrom): string {
  const parts: string[] = [];
  for (const identity of learned) {
    const { snapshot } = identity;
    const objects: RbacObject[] = [
      ...snapshot.serviceAccounts,
      ...snapshot.clusterRoles,
      ...snapshot.roles,
      ...snapshot.clusterRoleBindings,
      ...snapshot.roleBindings,
    ];
    const files = from.files.map((file) => (file === "-" ? "standard input" : file)).join(", ");
    const header = [
      `# Minimal RBAC for ${identity.username}, learned by saprobe usage from the requests it made`,
      `# ${windowText(identity, from)} (audit log: ${files}).`,
      ...(identity.allowedByDefault > 0
        ? [`# ${identity.allowedByDefault} request kind(s) left out: the default policy allows them to every such user (discovery, /version, self reviews).`]
        : []),
      ...(objects.length <= 1 ? ["# It made no request that needs a grant."] : []),
    ];
    parts.push(`${header.join("\n")}\n${objects.map(documentText).join("---\n")}`);
  }
  return parts.join("---\n");
}
