import type { RbacSnapshot } from "../rbac/types.js";

/*
 * Two objects with the same kind, namespace and name are one object to the apiserver: `kubectl
 * apply` of both leaves the last one. Left in the snapshot, both would be evaluated (a binding
 * counted twice, a role's rules from an old version still granting). Keep the last, say where both were.
 */

interface Placed {
  kind: string;
  metadata: { name: string; namespace?: string };
  source?: { file: string; line: number };
}

function where(object: Placed): string {
  return object.source ? `${object.source.file}:${object.source.line}` : "(unknown place)";
}

function keepLast<T extends Placed>(objects: T[], warnings: string[]): T[] {
  // Namespace, then name, to the index of the last object so named: no key string built per object.
  const last = new Map<string, Map<string, number>>();
  let distinct = 0;
  for (let index = 0; index < objects.length; index++) {
    const { namespace = "", name } = (objects[index] as T).metadata;
    let names = last.get(namespace);
    if (!names) last.set(namespace, (names = new Map()));
    if (!names.has(name)) distinct++;
    names.set(name, index);
  }
  if (distinct === objects.length) return objects;
  const kept: T[] = [];
  objects.forEach((object) => {
    const winner = objects[last.get(object.metadata.namespace ?? "")?.get(object.metadata.name) as number] as T;
    if (winner === object) {
      kept.push(object);
      return;
    }
    const name = object.metadata.namespace ? `${object.metadata.namespace}/${object.metadata.name}` : object.metadata.name;
    warnings.push(
      `${object.kind} ${name} is given twice, at ${where(object)} and at ${where(winner)}: the last one is audited, as kubectl apply would leave it`,
    );
  });
  return kept;
}

/** Drops every object a later one of the same kind, namespace and name replaces; returns one warning per dropped object. */
export function dropReplaced(snapshot: RbacSnapshot): { snapshot: RbacSnapshot; warnings: string[] } {
  const warnings: string[] = [];
  return {
    snapshot: {
      roles: keepLast(snapshot.roles, warnings),
      clusterRoles: keepLast(snapshot.clusterRoles, warnings),
      roleBindings: keepLast(snapshot.roleBindings, warnings),
      clusterRoleBindings: keepLast(snapshot.clusterRoleBindings, warnings),
      serviceAccounts: keepLast(snapshot.serviceAccounts, warnings),
    },
    warnings,
  };
}
