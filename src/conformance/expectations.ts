import type { Readable } from "node:stream";
import type { CheckDefinition } from "../checks/types.js";
import { checkDrift, expectedVerdict } from "../conformance/index.js";
import type { KubeClient } from "../kube/types.js";
import { loadManifests } from "../manifests/index.js";
import type { CheckResult, DriftItem } from "../model/report.js";
import type { IdentityLookup } from "../probes/types.js";
import type { RbacObject, RbacSnapshot } from "../rbac/types.js";
import { userInfoFor } from "../rbac/users.js";
import { attributesOf } from "./attributes.js";

/** The expected RBAC of `--expect`. */
export interface ExpectedRbac {
  snapshot: RbacSnapshot;
  /** The files read, for messages. */
  files: string[];
  /** Add the default bootstrap policy when judging (`--with-defaults`, on by default). */
  withDefaults: boolean;
  /** What the apiserver would refuse in the files (evaluated as written all the same). */
  warnings: string[];
}

/** Where and how `--expect` manifests are read. */
export interface ExpectedRbacOptions {
  withDefaults: boolean;
  cwd: string;
  /** Standard input, for `--expect -`. */
  stdin?: Readable;
  /** Largest file accepted (`--max-file-bytes`; default 16 MiB). */
  maxFileBytes?: number;
}

/** Loads `--expect` manifests (files or directories); problems are an `InputError` naming file and line. */
export async function loadExpectedRbac(paths: readonly string[], options: ExpectedRbacOptions): Promise<ExpectedRbac> {
  const loaded = await loadManifests([...paths], {
    cwd: options.cwd,
    ...(options.stdin ? { stdin: options.stdin } : {}),
    ...(options.maxFileBytes !== undefined ? { maxFileBytes: options.maxFileBytes } : {}),
  });
  return { snapshot: loaded.snapshot, files: loaded.files, withDefaults: options.withDefaults, warnings: loaded.warnings.map((warning) => `--expect: ${warning}`) };
}

/** Every object the expected files declare. */
function declaredObjects(snapshot: RbacSnapshot): RbacObject[] {
  return [...snapshot.serviceAccounts, ...snapshot.clusterRoles, ...snapshot.clusterRoleBindings, ...snapshot.roles, ...snapshot.roleBindings];
}

/**
 * Drift between the expected objects and the live ones (missing, changed, extra or missing
 * subjects). Objects the identity may not read are `skipped` with the reason, never failed.
 */
export function expectedDrift(client: KubeClient, expected: ExpectedRbac): Promise<DriftItem[]> {
  return checkDrift(client, declaredObjects(expected.snapshot));
}

/** The probe's sentence without the verdict the check's own expectation added to it. */
function observationSentence(result: CheckResult): string {
  return result.message.replace(/, expected (allowed|denied|any)$/, "");
}

function rejudge(result: CheckResult, expected: "allowed" | "denied", because: string): CheckResult {
  const message = observationSentence(result);
  const judged: CheckResult = { ...result, expected, expectedSource: "rbac", message, evidence: { ...result.evidence, expectedBecause: because } };
  // Errors and skips stay what they are: saprobe could not tell, whatever was expected.
  if (result.status === "error" || result.status === "skip") return judged;
  if (result.observed === expected) return { ...judged, status: "pass", message: `${message}; the expected RBAC agrees` };
  if (result.observed === "allowed") {
    return { ...judged, status: "fail", message: `over-privileged: ${message}, but the expected RBAC denies it (${because})` };
  }
  if (result.observed === "denied") {
    return { ...judged, status: "fail", message: `under-privileged: ${message}, but the ${because}; that grant does not take effect on the server` };
  }
  return judged;
}

/**
 * Replaces each check's own expectation with the one the expected RBAC gives the identity saprobe
 * ran as: observed allowed but expected denied fails as over-privileged, observed denied but
 * expected allowed fails as under-privileged. Checks that are not one RBAC question keep theirs.
 * Returns the results and warnings (e.g. when the identity is unknown).
 */
export function applyExpectedRbac(
  checks: readonly CheckDefinition[],
  results: readonly CheckResult[],
  expected: ExpectedRbac,
  identity: IdentityLookup,
): { results: CheckResult[]; warnings: string[] } {
  if (identity.state !== "known" || identity.username === undefined) {
    return { results: [...results], warnings: [`--expect: the server did not say who saprobe is (${identity.message}); each check keeps its own expectation`] };
  }
  const user = userInfoFor(identity.username, identity.groups);
  const warnings = expected.withDefaults ? [] : ["--expect without the default bootstrap policy (--with-defaults=false): discovery and self-reviews may show as over-privileged"];
  const judged = results.map((result, index) => {
    const check = checks[index];
    const attributes = check ? attributesOf(check, result) : undefined;
    if (!attributes) return result;
    const verdict = expectedVerdict(expected.snapshot, user, attributes, { withDefaults: expected.withDefaults });
    return rejudge(result, verdict.expected, verdict.because);
  });
  return { results: judged, warnings };
}
