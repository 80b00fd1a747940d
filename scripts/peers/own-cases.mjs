// Cases we write ourselves, one YAML file each: a header of comments says what is expected, the rest is
// the manifests saprobe audits. Used for rbac-police (it ships no fixtures: each case is written from its
// policy's Rego) and for the committed cases that keep compare.mjs honest in the unit tests.
//
//   # case: what the case shows
//   # peer-rule: the peer's rule or policy
//   # saprobe: rule-a, rule-b          (the saprobe rules that say the same; * for any)
//   # expect: flagged User alice        (one line per target: flagged | not-flagged, kind, [namespace/]name)
//   # why: optional, who is right when the peer and saprobe differ
//   # judges: definitions               (optional: the peer judges role objects, bound or not)
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Parses one case file; throws an Error naming the file when its header is incomplete. */
export function parseCase(name, text) {
  const header = {};
  const expectations = [];
  for (const line of text.split("\n")) {
    const match = /^#\s*([a-z-]+):\s*(.*)$/.exec(line);
    if (!match) continue;
    const [, key, value] = match;
    if (key === "expect") {
      const parts = /^(flagged|not-flagged)\s+(\S+)\s+(\S+)$/.exec(value.trim());
      if (!parts) throw new Error(`${name}: "# expect: ${value}" is not "flagged|not-flagged KIND [NAMESPACE/]NAME"`);
      const [namespace, objectName] = parts[3].includes("/") ? parts[3].split("/") : [undefined, parts[3]];
      expectations.push({ target: { kind: parts[2], name: objectName, ...(namespace ? { namespace } : {}) }, flagged: parts[1] === "flagged" });
    } else header[key] = value.trim();
  }
  if (!header["peer-rule"] || !header.saprobe || !expectations.length)
    throw new Error(`${name}: a case needs "# peer-rule:", "# saprobe:" and at least one "# expect:" line`);
  return {
    id: name.split("/").pop(),
    peerRule: header["peer-rule"],
    saprobeRules: header.saprobe.split(",").map((rule) => rule.trim()),
    files: [{ name, text }],
    expectations,
    note: header.case,
    why: header.why,
    judgesDefinitions: header.judges === "definitions",
  };
}

/** Every *.yaml case in a directory, sorted by name. */
export function casesIn(dir) {
  return readdirSync(dir)
    .filter((name) => name.endsWith(".yaml"))
    .sort()
    .map((name) => parseCase(join(dir, name), readFileSync(join(dir, name), "utf8")));
}
