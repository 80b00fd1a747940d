import { loadCatalogue } from "../audit/files/catalogue.js";
import type { CheckDefinition } from "../checks/types.js";
import type { Connection } from "../connect/types.js";
import type { KubeClient } from "../kube/types.js";
import type { CheckResult } from "../model/report.js";
import type { IdentityLookup } from "../probes/types.js";
import { applyExpectedRbac, type ExpectedRbac } from "./expectations.js";
import { checkPermissionSet } from "./permission-check.js";

/*
 * Everything `run --expect` adds to a run, behind one lazily imported module: the expected files,
 * the checks judged by them, the whole permission set compared, and drift.
 */

export { loadExpectedRbac, expectedDrift, type ExpectedRbac } from "./expectations.js";

/**
 * Judges a finished run by the expected RBAC: each probe that is one RBAC question gets the expected
 * RBAC's verdict, and the identity's whole permission set is compared (one result per difference).
 */
export async function judgeAgainstExpected(input: {
  client: KubeClient;
  connection: Connection;
  /** The impersonating identity, when the run impersonates (`--as`): it reads what the identity may not. */
  reader?: { client: KubeClient; connection: Connection };
  checks: readonly CheckDefinition[];
  results: readonly CheckResult[];
  expected: ExpectedRbac;
  identity: IdentityLookup;
  namespace: string;
  signal?: AbortSignal;
}): Promise<{ results: CheckResult[]; warnings: string[] }> {
  const catalogue = loadCatalogue();
  const judged = applyExpectedRbac(input.checks, input.results, input.expected, input.identity, catalogue);
  const permissions = await checkPermissionSet({
    client: input.client,
    connection: input.connection,
    ...(input.reader ? { reader: input.reader } : {}),
    expected: input.expected,
    identity: input.identity,
    namespace: input.namespace,
    catalogue,
    ...(input.signal ? { signal: input.signal } : {}),
  });
  return { results: [...judged.results, ...permissions.results], warnings: [...judged.warnings, ...permissions.warnings] };
}
