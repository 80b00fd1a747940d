// PaloAltoNetworks/rbac-police ships no fixtures and cannot be built here (its Go modules are refused by
// the module proxy), so each case in scripts/peers/cases/rbac-police/ is written by us from the policy's
// Rego in lib/<policy>.rego, and says what that Rego would answer. The mirror is read to check that the
// policy exists at the snapshot and to print its severity.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { casesIn } from "../own-cases.mjs";

const CASES = join(dirname(fileURLToPath(import.meta.url)), "..", "cases", "rbac-police");

/** Where this peer's snapshot lives under the mirror root, and how to bring it there. */
export const SOURCE = { mirror: "PaloAltoNetworks+rbac-police/repo", fetch: "github:PaloAltoNetworks/rbac-police" };

/** Our cases, each checked against the policy it names (a missing policy is an error, not a skip). */
export function cases(source) {
  return casesIn(CASES).map((item) => {
    const policy = item.peerRule.split(/\s/)[0];
    const rego = source.list(`lib/${policy}.rego`).length ? source.read(`lib/${policy}.rego`) : undefined;
    if (!rego) throw new Error(`${item.id}: rbac-police has no lib/${policy}.rego at ${source.description}`);
    const severity = /severity := "(\w+)"/.exec(rego)?.[1] ?? "?";
    return { ...item, peerRule: `${policy} (${severity})` };
  });
}
