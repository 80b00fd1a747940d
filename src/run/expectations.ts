import type { CheckDefinition } from "../checks/types.js";
import { loadManifests } from "../manifests/index.js";
import type { CheckResult } from "../model/report.js";
import type { IdentityLookup } from "../probes/types.js";
import { createAuthorizer, type Authorizer } from "../rbac/authorizer.js";
import { withBootstrapPolicy } from "../rbac/bootstrap.js";
import { describeGrantSource } from "../rbac/resolve.js";
import { userInfoFor } from "../rbac/users.js";
import { attributesOf } from "./attributes.js";

/** The expected RBAC of `--expect`, ready to answer questions. */
export interface ExpectedRbac {
  authorizer: Authorizer;
  /** The files read, for messages. */
  files: string[];
  withDefaults: boolean;
}

/** Loads `--expect` manifests (files or directories) and, unless told not to, the default bootstrap policy. */
export async function loadExpectedRbac(paths: readonly string[], options: { withDefaults: boolean; cwd: string }): Promise<ExpectedRbac> {
  const loaded = await loadManifests([...paths], { cwd: options.cwd });
  const snapshot = options.withDefaults ? withBootstrapPolicy(loaded.snapshot) : loaded.snapshot;
  return { authorizer: createAuthorizer(snapshot, { aggregate: true }), files: loaded.files, withDefaults: options.withDefaults };
}

/** The probe's sentence without the verdict the check's own expectation added to it. */
function observationSentence(result: CheckResult): string {
  return result.message.replace(/, expected (allowed|denied|any)$/, "");
}

function rejudge(result: CheckResult, expected: "allowed" | "denied", reason: string, nearMisses: string[]): CheckResult {
  const message = observationSentence(result);
  const judged: CheckResult = { ...result, expected, expectedSource: "rbac", message, evidence: { ...result.evidence, expectedBecause: reason || "no rule in the expected RBAC grants it" } };
  if (nearMisses.length > 0) judged.evidence.expectedNearMisses = nearMisses;
  // Errors and skips stay what they are: saprobe could not tell, whatever was expected.
  if (result.status === "error" || result.status === "skip") return judged;
  if (result.observed === expected) return { ...judged, status: "pass", message: `${message}; the expected RBAC agrees` };
  if (result.observed === "allowed") {
    return { ...judged, status: "fail", message: `over-privileged: ${message}, but the expected RBAC denies it` };
  }
  if (result.observed === "denied") {
    return { ...judged, status: "fail", message: `under-privileged: ${message}, but the expected RBAC allows it (${reason}), which does not take effect on the server` };
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
    const decision = expected.authorizer.authorize(user, attributes);
    const reason = decision.grant ? describeGrantSource(decision.grant) : decision.reason;
    return rejudge(result, decision.allowed ? "allowed" : "denied", reason, decision.nearMisses);
  });
  return { results: judged, warnings };
}
