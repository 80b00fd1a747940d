import { AUDIT_READS } from "../audit/live/lists.js";
import { snapshotFieldsOnly } from "../audit/live/objects.js";
import { listAll, listed } from "../kube/list-all.js";
import type { KubeClient } from "../kube/types.js";
import { subjectAppliesToUser } from "../rbac/subjects.js";
import type { Subject } from "../rbac/types.js";
import type { ComparePermissionsInput } from "./compare-permissions.js";

/*
 * Which namespaces `run --expect` compares: every one on the server (listed by the identity, or by the
 * impersonating identity), and of those, which need a rules review of their own. RBAC gives an identity
 * in a namespace the rules of the ClusterRoleBindings that name it plus those of the namespace's
 * RoleBindings that name it: where no RoleBinding names it (or a group it is in) and the expected files
 * name nothing, both sides are the cluster-wide rules, compared once. On a cluster of 2,000 namespaces
 * that is a handful of reviews instead of 2,000.
 */

const NAMESPACES = listed("", "v1", "namespaces", "Namespace");

/** Where the namespaces to compare came from; `missed` says why some may be missing. */
interface NamespaceList {
  namespaces: string[];
  from: string;
  missed?: string;
}

async function listNamespaces(
  client: KubeClient,
  signal: AbortSignal | undefined,
): Promise<{ ok: true; names: string[] } | { ok: false; reason: string; forbidden: boolean }> {
  const listed = await listAll(client, NAMESPACES, signal, (item) => ({
    metadata: { name: (item.metadata as { name?: unknown } | undefined)?.name },
  }));
  if (!listed.ok) return listed;
  const names = listed.items.map((item) => (item.metadata as { name?: unknown }).name).filter((name): name is string => typeof name === "string");
  return { ok: true, names };
}

/**
 * Every namespace: listed by the identity when it may, else by the impersonating identity (`reader`).
 * When neither can, only the given ones, and `missed` says so: the comparison is then incomplete.
 * The list is simply tried: its 403 says the identity may not, with no access review asked first.
 */
export async function namespacesToCompare(input: ComparePermissionsInput): Promise<NamespaceList> {
  const given = [...new Set(input.namespaces.filter((namespace) => namespace !== ""))];
  const every = (names: readonly string[]): string[] => [...new Set([...given, ...names])];
  const own = await listNamespaces(input.client, input.signal);
  if (own.ok) return { namespaces: every(own.names), from: "every namespace on the server" };
  let why = own.forbidden ? "the identity may not list namespaces" : `listing namespaces failed: ${own.reason}`;
  if (input.reader) {
    const read = await listNamespaces(input.reader, input.signal);
    if (read.ok) return { namespaces: every(read.names), from: `every namespace on the server, listed by the impersonating identity (${why})` };
    why = `${why}, nor may the impersonating identity (${read.reason})`;
  } else why = `${why}, and no other identity was given to list them (the run does not impersonate)`;
  return {
    namespaces: given,
    from: "the identity's namespace, the namespaces the expected files name, default and kube-system",
    missed: `not every namespace was compared: ${why}`,
  };
}

/**
 * The namespaces that need a review of their own: those `input.namespaces` names (its own, the expected
 * files', default, kube-system) and those with a RoleBinding that names the identity or one of its
 * groups. Undefined when nobody may list RoleBindings: then every namespace is reviewed.
 */
export async function namespacesWithOwnRules(input: ComparePermissionsInput): Promise<Set<string> | undefined> {
  for (const client of [input.client, ...(input.reader ? [input.reader] : [])]) {
    const listedBindings = await listAll(client, AUDIT_READS.roleBindings, input.signal, snapshotFieldsOnly);
    if (!listedBindings.ok) continue;
    const own = new Set(input.namespaces.filter((namespace) => namespace !== ""));
    for (const binding of listedBindings.items) {
      const namespace = (binding.metadata as { namespace?: unknown } | undefined)?.namespace;
      if (typeof namespace !== "string" || own.has(namespace)) continue;
      const subjects = Array.isArray(binding.subjects) ? (binding.subjects as Subject[]) : [];
      if (subjects.some((subject) => subjectAppliesToUser(input.user, subject, namespace))) own.add(namespace);
    }
    return own;
  }
  return undefined;
}
