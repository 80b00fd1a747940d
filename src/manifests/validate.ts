import { readFileSync } from "node:fs";
import type { ErrorObject } from "ajv";
import { allowedProperties, didYouMean } from "../input/suggest.js";
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

/** A schema violation: where (JSON path), which field, what is wrong. */
export interface SchemaProblem {
  path: (string | number)[];
  /** True when the path names a key (an unknown field) rather than a value. */
  atKey: boolean;
  /** The field as people write it: `rules[0].verbs`. */
  field: string;
  message: string;
}

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

function parsePointer(pointer: string): (string | number)[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((part) => part.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/** `rules[0].verbs` from `["rules", 0, "verbs"]`. */
export function fieldName(path: readonly (string | number)[]): string {
  return path.reduce<string>((text, part) => (typeof part === "number" ? `${text}[${part}]` : text ? `${text}.${part}` : part), "") || "(document)";
}

/** The fields allowed where an unknown one was found. The kind's own level is `#/...` of its definition. */
function knownFields(kind: RbacKind, schemaPath: string): string[] {
  const definitions = rbacSchema() as { "x-kinds"?: Record<string, string> };
  const absolute = schemaPath.startsWith("#/$defs/") ? schemaPath : `${definitions["x-kinds"]?.[kind] ?? "#"}${schemaPath.slice(1)}`;
  return allowedProperties(definitions, absolute);
}

function problemOf(kind: RbacKind, error: ErrorObject): SchemaProblem {
  const path = parsePointer(error.instancePath);
  if (error.keyword === "additionalProperties") {
    const extra = String((error.params as { additionalProperty: string }).additionalProperty);
    return { path: [...path, extra], atKey: true, field: fieldName([...path, extra]), message: `unknown field${didYouMean(extra, knownFields(kind, error.schemaPath))}` };
  }
  if (error.keyword === "required") {
    const missing = String((error.params as { missingProperty: string }).missingProperty);
    return { path, atKey: false, field: fieldName([...path, missing]), message: "required field is missing" };
  }
  return { path, atKey: false, field: fieldName(path), message: error.message ?? "is invalid" };
}

/** Validates an object of a known kind; returns its problems (empty when valid). */
export function validateObject(kind: RbacKind, object: unknown): SchemaProblem[] {
  const validate = validators.get(kind);
  if (!validate) return [{ path: ["kind"], atKey: false, field: "kind", message: `no schema for kind ${kind}` }];
  if (validate(object)) return [];
  // allOf branches repeat the same complaint; keep one per field and message.
  const seen = new Set<string>();
  return (validate.errors ?? []).map((error) => problemOf(kind, error)).filter((problem) => {
    const key = `${problem.field}\u0000${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
