import type { FuturePod } from "../paths/future-pods.js";

/*
 * The pods the scheduler binds later, from the live lists (paths/future-pods.ts says why they matter):
 * listed pods with no node that have not finished, and CronJobs, whose next pod the scheduler binds.
 */

type Raw = Record<string, unknown>;

/** Phases of a pod that will never run again. */
const FINISHED = new Set(["Succeeded", "Failed"]);

/** What the audit keeps of a CronJob: its namespace, name, whether it is suspended and its pods' ServiceAccount. */
export function cronJobOnly(cronJob: Raw): Raw {
  const metadata = (cronJob.metadata ?? {}) as Raw;
  const spec = (cronJob.spec ?? {}) as Raw;
  const pod = (((((spec.jobTemplate ?? {}) as Raw).spec ?? {}) as Raw).template ?? {}) as Raw;
  const podSpec = (pod.spec ?? {}) as Raw;
  // serviceAccount is the deprecated spelling; an empty name is the namespace's `default`, as for a pod.
  const account = [podSpec.serviceAccountName, podSpec.serviceAccount].find((name) => typeof name === "string" && name !== "");
  return {
    metadata: { name: metadata.name, namespace: metadata.namespace },
    spec: { serviceAccountName: account ?? "default", ...(spec.suspend === true ? { suspend: true } : {}) },
  };
}

/**
 * The first future pod found for each ServiceAccount (`namespace/name`): a pod not bound to a node that has
 * not finished (projected by objects.ts podServiceAccountOnly), else a CronJob (projected by cronJobOnly).
 */
export function futurePods(pods: readonly Raw[], cronJobs: readonly Raw[] = []): Map<string, FuturePod> {
  const found = new Map<string, FuturePod>();
  const add = (object: Raw, pod: (name: string) => FuturePod): void => {
    const metadata = (object.metadata ?? {}) as Raw;
    const spec = (object.spec ?? {}) as Raw;
    if (typeof metadata.namespace !== "string" || typeof metadata.name !== "string") return;
    const account = `${metadata.namespace}/${typeof spec.serviceAccountName === "string" && spec.serviceAccountName ? spec.serviceAccountName : "default"}`;
    if (!found.has(account)) found.set(account, pod(`${metadata.namespace}/${metadata.name}`));
  };
  for (const pod of pods) {
    const spec = (pod.spec ?? {}) as Raw;
    const phase = ((pod.status ?? {}) as Raw).phase;
    if ((typeof spec.nodeName === "string" && spec.nodeName) || FINISHED.has(String(phase))) continue;
    add(pod, (name) => ({ kind: "Pod", name }));
  }
  for (const cronJob of cronJobs) {
    const suspended = ((cronJob.spec ?? {}) as Raw).suspend === true;
    add(cronJob, (name) => ({ kind: "CronJob", name, ...(suspended ? { suspended: true } : {}) }));
  }
  return found;
}

/** What the audit keeps of a node (read as metadata only): its name. */
export function nodeNameOnly(node: Raw): Raw {
  return { metadata: { name: ((node.metadata ?? {}) as Raw).name } };
}

/** The names of the listed nodes. */
export function nodeNames(nodes: readonly Raw[]): Set<string> {
  const names = new Set<string>();
  for (const node of nodes) {
    const name = ((node.metadata ?? {}) as Raw).name;
    if (typeof name === "string" && name) names.add(name);
  }
  return names;
}
