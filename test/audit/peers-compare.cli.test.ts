import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

// scripts/peers/compare.mjs runs the built CLI over peer tools' RBAC test cases (docs/peers.md). These
// tests keep it from rotting: our own committed cases always run; the peers' suites run when their
// snapshots are on this machine (they are never committed).
const run = promisify(execFile);
const SCRIPT = "scripts/peers/compare.mjs";
const MIRRORS = process.env.SAPROBE_PEER_MIRRORS ?? "/work/.mirror";

interface Row {
  case: string;
  target: string;
  peerFlags: boolean;
  saprobeFlags: boolean;
  agree: boolean;
  matched: string[];
  verdict?: { right: string; why: string };
}
interface Section {
  peer: string;
  rows?: Row[];
  missing?: string;
}

async function compare(args: string[]): Promise<{ code: number; sections: Section[] }> {
  try {
    const { stdout } = await run(process.execPath, [SCRIPT, ...args, "--json"], { maxBuffer: 64 << 20 });
    return { code: 0, sections: JSON.parse(stdout) as Section[] };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    if (!failed.stdout) throw new Error(`compare.mjs exited ${failed.code}: ${failed.stderr}`);
    return { code: failed.code, sections: JSON.parse(failed.stdout) as Section[] };
  }
}

describe("scripts/peers/compare.mjs on our own cases", () => {
  it("agrees with every expectation of scripts/peers/cases/own, flagged and not flagged", { timeout: 120_000 }, async () => {
    const { code, sections } = await compare(["--own"]);
    const rows = sections[0]!.rows!;
    expect(rows.filter((row) => !row.agree)).toEqual([]);
    expect(rows.filter((row) => row.peerFlags).length).toBeGreaterThanOrEqual(3);
    expect(rows.filter((row) => !row.peerFlags).length).toBeGreaterThanOrEqual(3);
    expect(code).toBe(0);
  });

  it("reports a disagreement, and exits 1, when an expectation is wrong", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "saprobe-peer-cases-"));
    const own = readFileSync("scripts/peers/cases/own/02-nodes-proxy-through-rolebinding.yaml", "utf8");
    writeFileSync(join(dir, "wrong.yaml"), own.replace("# expect: not-flagged User jane", "# expect: flagged User jane"));
    const { code, sections } = await compare(["--cases", dir]);
    expect(sections[0]!.rows!.map((row) => [row.agree, row.peerFlags, row.saprobeFlags])).toEqual([[false, true, false]]);
    expect(code).toBe(1);
  });

  it("names the file when a case's header is incomplete", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "saprobe-peer-cases-"));
    writeFileSync(join(dir, "bad.yaml"), "# peer-rule: x\napiVersion: v1\nkind: ServiceAccount\nmetadata: { name: a }\n");
    await expect(run(process.execPath, [SCRIPT, "--cases", dir])).rejects.toMatchObject({ code: 2, stderr: expect.stringContaining("bad.yaml") });
  });
});

const PEERS = ["kubescape", "polaris", "kube-linter", "kics", "kubiscan", "rbac-police"];
const present = (peer: string): boolean =>
  ({
    kubescape: ["kubescape+regolibrary/repo"],
    polaris: ["FairwindsOps+polaris/repo"],
    "kube-linter": ["stackrox+kube-linter/repo"],
    kics: ["Checkmarx+kics/repo", "Checkmarx+kics-files"],
    kubiscan: ["cyberark+KubiScan/repo"],
    "rbac-police": ["PaloAltoNetworks+rbac-police/repo"],
  })[peer]!.some((dir) => existsSync(join(MIRRORS, dir)));

// The three large suites (about 230 audits, 2-3 minutes on this shared machine) run only when asked.
const LARGE = new Set(["kubescape", "polaris", "kubiscan"]);
const FULL = process.env.SAPROBE_PEERS_FULL === "1";

describe("scripts/peers/compare.mjs on the peers' own suites", () => {
  for (const peer of PEERS) {
    const skip = !present(peer)
      ? `no snapshot of ${peer} under ${MIRRORS}; fetch it as docs/peers.md says, or set SAPROBE_PEER_MIRRORS`
      : LARGE.has(peer) && !FULL
        ? "a large suite: set SAPROBE_PEERS_FULL=1 to run it"
        : "";
    const reason = skip ? ` (skipped: ${skip})` : "";
    it.skipIf(skip !== "")(
      `${peer}: every disagreement has a recorded verdict, and none says saprobe is wrong${reason}`,
      async () => {
        const { sections } = await compare(["--mirrors", MIRRORS, "--peer", peer]);
        const rows = sections.find((section) => section.peer === peer)!.rows!;
        expect(rows.length).toBeGreaterThan(0);
        const open = rows.filter((row) => !row.agree && (!row.verdict || row.verdict.right === "saprobe-wrong"));
        expect(open.map((row) => `${row.case} ${row.target}: ${row.verdict?.why ?? "no verdict"}`)).toEqual([]);
      },
      300_000,
    );
  }
});
