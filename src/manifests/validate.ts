import { readFileSync } from "node:fs";
import type { ErrorObject } from "ajv";
import { allowedProperties, schemaProblems, type SchemaProblem } from "../input/schema-problems.js";
import * as compiled from "./rbac-validators.generated.js";

/*
 * Validation against schemas/rbac.schema.json, which scripts/generate/derive-schemas.mjs
 * derives from the kube-apiserver's OpenAPI v3 (the version is in the file). The schema is
 * compiled ahead of time by ajv (scripts/generate/compile-validators.mjs writes
 * rbac-validators.generated.ts; a test fails when it is stale), so no run pays for compiling it.
 */

/** The kinds saprobe validates and reads. */
export const RBAC_KINDS = ["Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ServiceAccount"] as const;

/** One of `RBAC_KINDS`. */
export type RbacKind = (typeof RBAC_KINDS)[number];

const SCHEMA_URL = new URL("../../schemas/rbac.schema.json", import.meta.url);

/** An ajv validate function: true when valid, else its `errors` say why. */
interface ValidateFunction {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

const validators = new Map<string, ValidateFunction>(Object.entries(compiled as Record<string, ValidateFunction>));

/** The Kubernetes version the schemas were derived from. */
export function schemaKubernetesVersion(): string {
  return (JSON.parse(readFileSync(SCHEMA_URL, "utf8")) as { "x-kubernetes-version": string })["x-kubernetes-version"];
}

let schema: unknown;

/** The committed schema itself, read only when a manifest has an unknown field (to name the known ones). */
function rbacSchema(): unknown {
  schema ??= JSON.parse(readFileSync(SCHEMA_URL, "utf8"));
  return schema;
}

/** The fields allowed where an unknown one was found. The kind's own level is `#/...` of its definition. */
function knownFields(kind: RbacKind, schemaPath: string): string[] {
  const definitions = rbacSchema() as { "x-kinds"?: Record<string, string> };
  const absolute = schemaPath.startsWith("#/$defs/") ? schemaPath : `${definitions["x-kinds"]?.[kind] ?? "#"}${schemaPath.slice(1)}`;
  return allowedProperties(definitions, absolute);
}

/** Validates an object of a known kind; returns its problems (empty when valid). */
export function validateObject(kind: RbacKind, object: unknown): SchemaProblem[] {
  const validate = validators.get(kind);
  if (!validate) return [{ path: ["kind"], atKey: false, field: "kind", message: `no schema for kind ${kind}` }];
  if (validate(object)) return [];
  return schemaProblems(validate.errors ?? [], object, { knownFields: (error) => knownFields(kind, error.schemaPath) });
}
