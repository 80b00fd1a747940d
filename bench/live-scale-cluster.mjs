// The generated cluster bench/live-scale.mjs loads into its own control plane, and the loader. Shape
// (SHAPE below): 2,000 namespaces, each with 5 ServiceAccounts and their legacy token Secrets, 5 Roles
// and 6 RoleBindings (the team's group may `edit`, which lets it run pods as any of them), 25 Pods that
// never run (no node, no scheduler) spread over the ServiceAccounts; cluster-wide 100 operator
// ClusterRoles bound to one ServiceAccount each, 20 namespaces whose app-2 is bound to cluster-admin
// (attack paths: the team's developers create a pod as app-2), and the bench identity of `run --expect`
// with 300 rules. Loading is many parallel POSTs over one undici Pool; a marker ConfigMap written last
// makes reruns skip it.
import { Pool } from "undici";

/** How big the generated cluster is; the marker records it, so a changed shape loads again. */
export const SHAPE = { namespaces: 2000, serviceAccounts: 5, roles: 5, pods: 25, operators: 100, admins: 20, runnerRules: 300, version: 1 };
export const BENCH_NAMESPACE = "saprobe-bench";
export const RUNNER = "bench-runner";
const RBAC = "rbac.authorization.k8s.io";
const rbacPath = (resource, namespace) => (namespace ? `/apis/${RBAC}/v1/namespaces/${namespace}/${resource}` : `/apis/${RBAC}/v1/${resource}`);
const corePath = (resource, namespace) => `/api/v1/namespaces/${namespace}/${resource}`;
export const team = (index) => `team-${String(index).padStart(4, "0")}`;
const roleRef = (kind, name) => ({ apiGroup: RBAC, kind, name });
const serviceAccount = (name, namespace) => ({ kind: "ServiceAccount", name, namespace });

/** The runner's 300 rules: custom resources of 30 groups, read-only, plus a few core reads. */
export function runnerRules(count = SHAPE.runnerRules) {
  const rules = [];
  for (let index = 0; index < count; index++)
    rules.push({ apiGroups: [`g${index % 30}.bench.example.com`], resources: [`widgets${index}`], verbs: ["get", "list", "watch"] });
  return rules;
}

function namespaceObjects(index, shape) {
  const ns = team(index);
  const out = [];
  for (let app = 0; app < shape.serviceAccounts; app++) {
    const name = `app-${app}`;
    out.push({ phase: 1, path: corePath("serviceaccounts", ns), body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name, namespace: ns } } });
    out.push({
      phase: 2,
      path: corePath("secrets", ns),
      body: {
        apiVersion: "v1",
        kind: "Secret",
        type: "kubernetes.io/service-account-token",
        metadata: { name: `${name}-token`, namespace: ns, annotations: { "kubernetes.io/service-account.name": name } },
      },
    });
  }
  for (let role = 0; role < shape.roles - 1; role++) {
    const name = `app-${role}`;
    out.push({
      phase: 2,
      path: rbacPath("roles", ns),
      body: {
        apiVersion: `${RBAC}/v1`,
        kind: "Role",
        metadata: { name, namespace: ns },
        rules: [
          { apiGroups: [""], resources: ["configmaps", "endpoints"], verbs: ["get", "list", "watch"] },
          { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["get", "create", "update"] },
          { apiGroups: [""], resources: ["secrets"], resourceNames: [`${name}-tls`], verbs: ["get"] },
        ],
      },
    });
    out.push({
      phase: 2,
      path: rbacPath("rolebindings", ns),
      body: {
        apiVersion: `${RBAC}/v1`,
        kind: "RoleBinding",
        metadata: { name, namespace: ns },
        roleRef: roleRef("Role", name),
        subjects: [serviceAccount(name, ns)],
      },
    });
  }
  out.push({
    phase: 2,
    path: rbacPath("roles", ns),
    body: {
      apiVersion: `${RBAC}/v1`,
      kind: "Role",
      metadata: { name: "deployer", namespace: ns },
      rules: [{ apiGroups: ["apps"], resources: ["deployments", "statefulsets"], verbs: ["get", "list", "create", "update", "patch"] }],
    },
  });
  out.push({
    phase: 2,
    path: rbacPath("rolebindings", ns),
    body: {
      apiVersion: `${RBAC}/v1`,
      kind: "RoleBinding",
      metadata: { name: "deployer", namespace: ns },
      roleRef: roleRef("Role", "deployer"),
      subjects: [serviceAccount("app-0", ns)],
    },
  });
  out.push({
    phase: 2,
    path: rbacPath("rolebindings", ns),
    body: {
      apiVersion: `${RBAC}/v1`,
      kind: "RoleBinding",
      metadata: { name: "team-edit", namespace: ns },
      roleRef: roleRef("ClusterRole", "edit"),
      subjects: [{ kind: "Group", apiGroup: RBAC, name: `${ns}-developers` }],
    },
  });
  for (let pod = 0; pod < shape.pods; pod++) {
    const app = `app-${pod % shape.serviceAccounts}`;
    const owned =
      pod % 5 === 0
        ? {
            ownerReferences: [
              { apiVersion: "apps/v1", kind: "ReplicaSet", name: `${app}-7d9f`, uid: `00000000-0000-4000-8000-${String(index * 100 + pod).padStart(12, "0")}` },
            ],
          }
        : {};
    out.push({
      phase: 2,
      path: corePath("pods", ns),
      body: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: `${app}-${pod}`, namespace: ns, labels: { app }, ...owned },
        spec: {
          serviceAccountName: app,
          containers: [{ name: "main", image: "registry.k8s.io/pause:3.10", resources: { requests: { cpu: "10m", memory: "16Mi" } } }],
        },
      },
    });
  }
  return out;
}

function clusterObjects(shape) {
  const out = [];
  for (let index = 0; index < shape.operators; index++) {
    const name = `operator-${index}`;
    out.push({
      phase: 2,
      path: rbacPath("clusterroles"),
      body: {
        apiVersion: `${RBAC}/v1`,
        kind: "ClusterRole",
        metadata: { name },
        rules: [
          { apiGroups: [""], resources: ["secrets", "configmaps"], verbs: ["get", "list", "watch"] },
          { apiGroups: [`${name}.example.com`], resources: ["*"], verbs: ["*"] },
        ],
      },
    });
    out.push({
      phase: 2,
      path: rbacPath("clusterrolebindings"),
      body: {
        apiVersion: `${RBAC}/v1`,
        kind: "ClusterRoleBinding",
        metadata: { name },
        roleRef: roleRef("ClusterRole", name),
        subjects: [serviceAccount("app-1", team(index * 20))],
      },
    });
  }
  for (let index = 0; index < shape.admins; index++) {
    out.push({
      phase: 2,
      path: rbacPath("clusterrolebindings"),
      body: {
        apiVersion: `${RBAC}/v1`,
        kind: "ClusterRoleBinding",
        metadata: { name: `platform-admin-${index}` },
        roleRef: roleRef("ClusterRole", "cluster-admin"),
        subjects: [serviceAccount("app-2", team(index * 100 + 7))],
      },
    });
  }
  out.push({
    phase: 1,
    path: corePath("serviceaccounts", BENCH_NAMESPACE),
    body: { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: RUNNER, namespace: BENCH_NAMESPACE } },
  });
  out.push({
    phase: 2,
    path: rbacPath("clusterroles"),
    body: { apiVersion: `${RBAC}/v1`, kind: "ClusterRole", metadata: { name: RUNNER }, rules: runnerRules(shape.runnerRules) },
  });
  out.push({
    phase: 2,
    path: rbacPath("rolebindings", BENCH_NAMESPACE),
    body: {
      apiVersion: `${RBAC}/v1`,
      kind: "RoleBinding",
      metadata: { name: RUNNER, namespace: BENCH_NAMESPACE },
      roleRef: roleRef("ClusterRole", RUNNER),
      subjects: [serviceAccount(RUNNER, BENCH_NAMESPACE)],
    },
  });
  // It may list namespaces (so `run --expect` compares all 2,000) and read RBAC (so it names live grants).
  out.push({
    phase: 2,
    path: rbacPath("clusterroles"),
    body: {
      apiVersion: `${RBAC}/v1`,
      kind: "ClusterRole",
      metadata: { name: `${RUNNER}-read` },
      rules: [
        { apiGroups: [""], resources: ["namespaces"], verbs: ["get", "list"] },
        { apiGroups: [RBAC], resources: ["roles", "rolebindings", "clusterroles", "clusterrolebindings"], verbs: ["get", "list", "watch"] },
      ],
    },
  });
  out.push({
    phase: 2,
    path: rbacPath("clusterrolebindings"),
    body: {
      apiVersion: `${RBAC}/v1`,
      kind: "ClusterRoleBinding",
      metadata: { name: `${RUNNER}-read` },
      roleRef: roleRef("ClusterRole", `${RUNNER}-read`),
      subjects: [serviceAccount(RUNNER, BENCH_NAMESPACE)],
    },
  });
  return out;
}

/** Every object to create, by phase: 0 namespaces, 1 ServiceAccounts (pods need them), 2 the rest. */
export function generate(shape = SHAPE) {
  const phases = [[], [], []];
  for (const name of [BENCH_NAMESPACE, ...Array.from({ length: shape.namespaces }, (_, index) => team(index))])
    phases[0].push({ path: "/api/v1/namespaces", body: { apiVersion: "v1", kind: "Namespace", metadata: { name } } });
  for (let index = 0; index < shape.namespaces; index++) for (const object of namespaceObjects(index, shape)) phases[object.phase].push(object);
  for (const object of clusterObjects(shape)) phases[object.phase].push(object);
  return phases;
}

const MARKER = `/api/v1/namespaces/${BENCH_NAMESPACE}/configmaps/live-scale-loaded`;

/**
 * Loads the generated cluster (SHAPE, or `shape`: bench/who-can-live.mjs's few namespaces) unless the
 * marker says this shape is there already. Returns what it did: `{ skipped: true }` or `{ objects, seconds }`.
 */
export async function loadCluster(server, ca, token, { shape = SHAPE, connections = 24, inFlight = 96 } = {}) {
  const pool = new Pool(server, { connections, connect: { ca }, keepAliveTimeout: 30_000 });
  const headers = { authorization: `Bearer ${token}`, "content-type": "application/json", accept: "application/json" };
  const call = async (method, path, body) => {
    const response = await pool.request({ method, path, headers, body: body ? JSON.stringify(body) : undefined });
    const text = await response.body.text();
    return { status: response.statusCode, text };
  };
  try {
    const marker = await call("GET", MARKER);
    if (marker.status === 200 && JSON.parse(marker.text).data?.shape === JSON.stringify(shape)) return { skipped: true };
    const started = performance.now();
    let objects = 0;
    for (const phase of generate(shape)) {
      let next = 0;
      const worker = async () => {
        while (next < phase.length) {
          const object = phase[next++];
          // 409: there from an interrupted load. Anything else is retried a few times (admission may not
          // see a namespace or ServiceAccount created a moment ago), then fails the bench.
          for (let attempt = 0; ; attempt++) {
            const { status, text } = await call("POST", object.path, object.body);
            if (status === 201 || status === 409) break;
            if (attempt >= 8) throw new Error(`POST ${object.path} ${object.body.metadata.name}: HTTP ${status} ${text.slice(0, 300)}`);
            await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
          }
          objects++;
        }
      };
      await Promise.all(Array.from({ length: inFlight }, worker));
    }
    const seconds = (performance.now() - started) / 1000;
    await call("DELETE", MARKER);
    const created = await call("POST", `/api/v1/namespaces/${BENCH_NAMESPACE}/configmaps`, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "live-scale-loaded" },
      data: { shape: JSON.stringify(shape), seconds: seconds.toFixed(1), objects: String(objects) },
    });
    if (created.status !== 201) throw new Error(`could not write the marker: HTTP ${created.status}`);
    return { objects, seconds };
  } finally {
    await pool.close();
  }
}
