import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import * as compiled from "../../src/manifests/rbac-validators.generated.js";
import { RBAC_KINDS, validateObject, type RbacKind } from "../../src/manifests/validate.js";

/*
 * The RBAC schemas are compiled ahead of time (src/manifests/rbac-validators.generated.ts). These
 * tests fail when that file is stale, and check that the compiled validators answer exactly as ajv
 * compiling schemas/rbac.schema.json at run time, with the same options, answers.
 */

const ROOT = join(import.meta.dirname, "../..");
const TOOL = pathToFileURL(join(ROOT, "scripts/generate/compile-validators.mjs")).href;

interface Tool {
  validatorSource(): string;
  AJV_OPTIONS: Record<string, unknown>;
}

interface RuntimeValidate {
  (data: unknown): boolean;
  errors?: unknown[] | null;
}

async function runtimeValidators(): Promise<Map<string, RuntimeValidate>> {
  const tool = (await import(TOOL)) as Tool;
  const { Ajv } = createRequire(import.meta.url)("ajv") as {
    Ajv: new (options: Record<string, unknown>) => { addSchema(schema: unknown, key: string): void; getSchema(ref: string): RuntimeValidate };
  };
  const schema = JSON.parse(readFileSync(join(ROOT, "schemas/rbac.schema.json"), "utf8")) as { "x-kinds": Record<string, string> };
  const ajv = new Ajv(tool.AJV_OPTIONS);
  ajv.addSchema(schema, "rbac");
  return new Map(Object.entries(schema["x-kinds"]).map(([kind, pointer]) => [kind, ajv.getSchema(`rbac${pointer}`)]));
}

const rbac = "rbac.authorization.k8s.io/v1";
const SAMPLES: [RbacKind, unknown][] = [
  [
    "Role",
    {
      apiVersion: rbac,
      kind: "Role",
      metadata: { name: "r", namespace: "n", labels: { a: "b" } },
      rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"], resourceNames: ["x"] }],
    },
  ],
  ["Role", { apiVersion: rbac, kind: "Role", metadata: { namespace: "n" }, rules: [{ verbs: "get", extra: 1 }] }],
  ["Role", { apiVersion: rbac, kind: "Role", metadata: { name: 5 }, rules: {} }],
  [
    "ClusterRole",
    {
      apiVersion: rbac,
      kind: "ClusterRole",
      metadata: { name: "c" },
      aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: "y" } }] },
      rules: [{ nonResourceURLs: ["/healthz"], verbs: ["get"] }],
    },
  ],
  [
    "ClusterRole",
    {
      apiVersion: rbac,
      kind: "ClusterRole",
      metadata: { name: "c", annotations: { a: 1 } },
      aggregationRule: { clusterRoleSelectors: [{ matchExpressions: [{ key: "k" }] }] },
    },
  ],
  [
    "RoleBinding",
    {
      apiVersion: rbac,
      kind: "RoleBinding",
      metadata: { name: "b", namespace: "n" },
      roleRef: { kind: "Role", name: "r" },
      subjects: [{ kind: "ServiceAccount", name: "s", namespace: "n" }],
    },
  ],
  ["RoleBinding", { apiVersion: rbac, kind: "RoleBinding", metadata: { name: "b" }, subjects: [{ name: "s" }, "x"] }],
  [
    "ClusterRoleBinding",
    {
      apiVersion: rbac,
      kind: "ClusterRoleBinding",
      metadata: { name: "b" },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "c", extra: true },
    },
  ],
  [
    "ServiceAccount",
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "s", namespace: "n" }, automountServiceAccountToken: false, secrets: [{ name: "t" }] },
  ],
  [
    "ServiceAccount",
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "s" }, automountServiceAccountToken: "no", imagePullSecrets: [{ name: 1 }] },
  ],
  ["ServiceAccount", null],
];

describe("the ahead-of-time compiled RBAC validators", () => {
  it("are what scripts/generate/compile-validators.mjs writes now (npm run generate -- compile-validators after changing the schema or ajv)", async () => {
    const tool = (await import(TOOL)) as Tool;
    expect(readFileSync(join(ROOT, "src/manifests/rbac-validators.generated.ts"), "utf8")).toBe(tool.validatorSource());
  });

  it("answer every kind exactly as ajv compiling the schema at run time", async () => {
    const runtime = await runtimeValidators();
    expect([...runtime.keys()].sort()).toEqual([...RBAC_KINDS].sort());
    let invalid = 0;
    for (const [kind, object] of SAMPLES) {
      const validate = runtime.get(kind) as RuntimeValidate;
      const valid = validate(object);
      const problems = validateObject(kind, object);
      expect(problems.length === 0, `${kind} ${JSON.stringify(object)}`).toBe(valid);
      const ahead = (compiled as unknown as Record<string, RuntimeValidate>)[kind] as RuntimeValidate;
      expect(ahead(object)).toBe(valid);
      expect(ahead.errors ?? null, `${kind} ${JSON.stringify(object)}`).toEqual(validate.errors ?? null);
      if (!valid) invalid++;
    }
    expect(invalid).toBeGreaterThanOrEqual(6);
  });
});
