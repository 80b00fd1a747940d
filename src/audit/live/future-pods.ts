import type { FuturePod, FutureTokenSecret } from "../paths/future-pods.js";
import { keptSecretNames, podSecretNames } from "./pod-secrets.js";

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
  // Not a CronJob field: the Secrets its pods refer to (pod-secrets.ts), for the legacy token Secrets among them.
  const secretNames = podSecretNames(pod);
  return {
    metadata: { name: metadata.name, namespace: metadata.namespace },
    spec: { serviceAccountName: account ?? "default", ...(spec.suspend === true ? { suspend: true } : {}) },
    ...(secretNames.containers.length > 0 || secretNames.node.length > 0 ? { secretNames } : {}),
  };
}

/**
 * The first future pod found for each ServiceAccount (`namespace/name`): a pod not bound to a node that has
 * not finished (projected by objects.ts podServiceAccountOnly), else a CronJob (projected by cronJobOnly).
 */
export function futurePods(pods: readonly Raw[], cronJobs: readonly Raw[] = []): Map<string, FuturePod> {
  const found = new Map<string, FuturePod>();
  for (const [object, pod] of eachFuturePod(pods, cronJobs)) {
    const metadata = (object.metadata ?? {}) as Raw;
    const spec = (object.spec ?? {}) as Raw;
    const account = `${metadata.namespace}/${typeof spec.serviceAccountName === "string" && spec.serviceAccountName ? spec.serviceAccountName : "default"}`;
    if (!found.has(account)) found.set(account, pod);
  }
  return found;
}

/** Each future pod with the object it comes from (a projected pod or CronJob), pods first. */
function* eachFuturePod(pods: readonly Raw[], cronJobs: readonly Raw[]): Generator<[Raw, FuturePod]> {
  const nameOf = (object: Raw): string | undefined => {
    const metadata = (object.metadata ?? {}) as Raw;
    return typeof metadata.namespace === "string" && typeof metadata.name === "string" ? `${metadata.namespace}/${metadata.name}` : undefined;
  };
  for (const pod of pods) {
    const spec = (pod.spec ?? {}) as Raw;
    const phase = ((pod.status ?? {}) as Raw).phase;
    const name = nameOf(pod);
    if ((typeof spec.nodeName === "string" && spec.nodeName) || FINISHED.has(String(phase)) || !name) continue;
    yield [pod, { kind: "Pod", name }];
  }
  for (const cronJob of cronJobs) {
    const name = nameOf(cronJob);
    const suspended = ((cronJob.spec ?? {}) as Raw).suspend === true;
    if (name) yield [cronJob, { kind: "CronJob", name, ...(suspended ? { suspended: true } : {}) }];
  }
}

/**
 * The legacy token Secrets future pods refer to (any way the Node authorizer counts: its node reads them
 * all), each with the first future pod found; `owners` is the ServiceAccount of every legacy token Secret
 * by `namespace/secret`.
 */
export function futureTokenSecrets(pods: readonly Raw[], cronJobs: readonly Raw[], owners: ReadonlyMap<string, string>): FutureTokenSecret[] {
  const found = new Map<string, FutureTokenSecret>();
  for (const [object, awaited] of eachFuturePod(pods, cronJobs)) {
    const names = keptSecretNames(object);
    const namespace = awaited.name.slice(0, awaited.name.indexOf("/"));
    for (const secret of names ? [...names.containers, ...names.node] : []) {
      const owner = owners.get(`${namespace}/${secret}`);
      const key = `${namespace}/${secret}`;
      if (owner && !found.has(key)) found.set(key, { namespace, secret, owner, pod: awaited.name.slice(namespace.length + 1), awaited });
    }
  }
  return [...found.values()];
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
