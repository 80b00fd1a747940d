import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Finding } from "../../../src/model/report.js";
import { auditFiles, FIXTURES, folders, readYaml, refText } from "../support.js";

const PATHS = join(FIXTURES, "paths");
const BASE = join(PATHS, "base.yaml");

interface Expected {
  subject: string;
  edges: string[];
  severity: string;
}

const pathFindingsOf = (findings: Finding[], subject: string): Finding[] =>
  findings.filter((finding) => finding.rule === "cluster-admin-path" && refText(finding.subject) === subject);

describe("every edge kind of the attack-path graph: fail.yaml reaches cluster-admin, its look-alike does not", () => {
  for (const name of folders(PATHS)) {
    const dir = join(PATHS, name);
    const expected = readYaml<Expected>(join(dir, "expected.yaml"));
    it(`${name}: a path through ${expected.edges.join(" -> ")}`, async () => {
      const found = pathFindingsOf(await auditFiles([BASE, join(dir, "fail.yaml")]), expected.subject);
      expect(found.map((finding) => finding.path?.map((hop) => hop.edge))).toEqual([expected.edges]);
      expect(found[0]?.severity).toBe(expected.severity);
      // Every hop names the grant that allows it, with the file and line it was read from.
      for (const hop of found[0]?.path ?? []) {
        // system:masters holds before RBAC is asked; the Node authorizer, not a grant, lets a node mint its pods' tokens.
        if ((hop.edge === "holds" || hop.edge === "node-token") && hop.grants.length === 0) continue;
        expect(hop.grants.length).toBeGreaterThan(0);
        // A grant a self-grant hop gives is planned (no binding in a file yet); the hop before it is the self-grant.
        const planned = hop.grants.filter((grant) => grant.planned);
        if (planned.length > 0) expect(found[0]?.path?.[0]?.edge).toMatch(/-self$/);
        expect(hop.grants.every((grant) => grant.planned || (grant.source?.file.endsWith(".yaml") && grant.source.line > 0))).toBe(true);
      }
    });
    it(`${name}: the look-alike gives no path`, async () => {
      const found = pathFindingsOf(await auditFiles([BASE, join(dir, "pass.yaml")]), expected.subject);
      expect(found.map((finding) => finding.message)).toEqual([]);
    });
  }
});
