import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { certificateRequestSubject } from "../../src/audit/csr-subject.js";
import { scanKubeconfig } from "../../src/audit/files/kubeconfig-scan.js";
import { mastersFindings } from "../../src/audit/masters-findings.js";
import { loadCatalogue } from "../../src/audit/files/catalogue.js";
import { InputError } from "../../src/model/errors.js";

// Real certificates and requests from the openssl CLI, not hand-made bytes.
let dir: string;
function openssl(args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "ignore", timeout: 20_000 });
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "saprobe-masters-"));
  openssl([
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-keyout",
    "admin.key",
    "-out",
    "admin.crt",
    "-days",
    "30",
    "-subj",
    "/O=system:masters/CN=kubernetes-admin",
  ]);
  openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "dev.key", "-out", "dev.crt", "-days", "30", "-subj", "/O=developers/O=other/CN=jane"]);
  openssl(["req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", "csr.key", "-out", "masters.csr", "-subj", "/O=system:masters/O=extra/CN=mallory"]);
});

const rule = loadCatalogue().rules.find((candidate) => candidate.id === "system-masters-member");

describe("system:masters evidence", () => {
  it("finds O=system:masters in a kubeconfig's embedded and referenced client certificates, with the user's line", () => {
    const embedded = readFileSync(join(dir, "admin.crt")).toString("base64");
    const kubeconfig = join(dir, "config");
    writeFileSync(
      kubeconfig,
      [
        "apiVersion: v1",
        "kind: Config",
        "users:",
        "  - name: token-user",
        "    user: { token: not-a-cert }",
        "  - name: admin",
        "    user:",
        `      client-certificate-data: ${embedded}`,
        "      client-key-data: c2VjcmV0",
        "  - name: dev",
        "    user:",
        "      client-certificate: dev.crt",
        "",
      ].join("\n"),
    );
    const evidence = scanKubeconfig(kubeconfig);
    expect(evidence.map((item) => item.kind === "client-certificate" && [item.user, item.line, item.commonName, item.organizations])).toEqual([
      ["admin", 6, "kubernetes-admin", ["system:masters"]],
      ["dev", 10, "jane", ["developers", "other"]],
    ]);
    const findings = mastersFindings(rule!, evidence);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      rule: "system-masters-member",
      severity: "critical",
      subject: { kind: "User", name: "kubernetes-admin" },
      source: { file: kubeconfig, line: 6 },
      cis: "5.1.7",
    });
    expect(JSON.stringify(findings)).not.toContain("c2VjcmV0");
  });

  it("names the file when a certificate is not readable", () => {
    const kubeconfig = join(dir, "broken");
    writeFileSync(kubeconfig, "users:\n  - name: x\n    user:\n      client-certificate-data: bm90IGEgY2VydA==\n");
    expect(() => scanKubeconfig(kubeconfig)).toThrow(InputError);
    const binary = join(dir, "binary");
    writeFileSync(binary, Buffer.from([0x00, 0xff, 0x13, 0x37, 0x0a, 0x41]));
    expect(() => scanKubeconfig(binary)).toThrow(/not a kubeconfig/);
  });

  it("reads the subject of a PKCS#10 request made by openssl, and only approved ones are findings", () => {
    const parsed = certificateRequestSubject(readFileSync(join(dir, "masters.csr")));
    expect(parsed).toEqual({ ok: true, subject: { commonName: "mallory", organizations: ["system:masters", "extra"] } });
    expect(certificateRequestSubject(Buffer.from("garbage")).ok).toBe(false);
    const base = {
      kind: "certificate-signing-request" as const,
      name: "csr-1",
      commonName: "mallory",
      organizations: ["system:masters"],
      signerName: "kubernetes.io/kube-apiserver-client",
    };
    expect(mastersFindings(rule!, [{ ...base, approved: false }])).toHaveLength(0);
    expect(mastersFindings(rule!, [{ ...base, approved: true }])[0]).toMatchObject({ binding: { kind: "CertificateSigningRequest", name: "csr-1" } });
  });
});
