import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Secret } from "../../src/model/secret.js";
import { diagnoseToken, formatDuration } from "../../src/token/diagnose.js";
import { decodeJwt } from "../../src/token/jwt.js";
import { readServiceAccountDir, readTokenFile } from "../../src/token/source.js";

const now = new Date("2026-01-01T00:00:00Z");
const t = now.getTime() / 1000;
const jwt = (payload: unknown) => new Secret(`eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.c2ln`);

describe("diagnoseToken", () => {
  it("reads a kubelet-projected token: audiences, expiry, warnafter, pod and node binding", () => {
    const diagnosis = diagnoseToken(
      jwt({
        iss: "https://kubernetes.default.svc",
        sub: "system:serviceaccount:a:b",
        aud: "api",
        exp: t + 86_400 * 365,
        iat: t,
        "kubernetes.io": {
          namespace: "a",
          serviceaccount: { name: "b", uid: "u" },
          pod: { name: "p", uid: "pu" },
          node: { name: "n", uid: "nu" },
          warnafter: t + 3607,
        },
      }),
      { source: "mount", now },
    );
    expect(diagnosis).toMatchObject({
      format: "jwt",
      kind: "bound",
      audiences: ["api"],
      serviceAccount: { namespace: "a", name: "b", uid: "u" },
      warnAfter: "2026-01-01T01:00:07.000Z",
      problems: [],
    });
    expect(diagnosis.boundTo.map((ref) => ref.kind)).toEqual(["Pod", "Node"]);
    expect(diagnosis.notes[0]).toBe("expires at 2027-01-01T00:00:00.000Z (in 365d)");
  });

  it("finds an expired token and one not valid yet", () => {
    const expired = diagnoseToken(jwt({ sub: "x", exp: t - 90, "kubernetes.io": { namespace: "a" } }), { source: "f", now });
    expect(expired.problems).toEqual(["the token expired at 2025-12-31T23:58:30.000Z (1m 30s ago)"]);
    const early = diagnoseToken(jwt({ sub: "x", exp: t + 9000, nbf: t + 3600, "kubernetes.io": {} }), { source: "f", now });
    expect(early.problems[0]).toContain("not valid before");
  });

  it("reads nothing from an opaque token and never fails on garbage", () => {
    expect(diagnoseToken(new Secret("abc123"), { source: "f", now })).toMatchObject({ format: "opaque", kind: "unknown", problems: [] });
    expect(decodeJwt(new Secret("a.b.c"))).toBeUndefined();
    expect(decodeJwt(new Secret("eyJ9.eyJ9.x"))).toBeUndefined();
  });

  it("formats durations for people", () => {
    expect([formatDuration(0), formatDuration(59), formatDuration(3600), formatDuration(3661), formatDuration(-90061)]).toEqual([
      "0s",
      "59s",
      "1h",
      "1h 1m",
      "1d 1h",
    ]);
  });
});

describe("token sources", () => {
  it("reads a mount's token and namespace, trimming the newline an editor adds", async () => {
    const dir = mkdtempSync(join(tmpdir(), "saprobe-token-"));
    writeFileSync(join(dir, "token"), "abc.def.ghi\n");
    writeFileSync(join(dir, "namespace"), "team-a");
    const read = await readServiceAccountDir(dir);
    expect(read.token?.reveal()).toBe("abc.def.ghi");
    expect(read.mountNamespace).toBe("team-a");
  });

  it("says why a token file cannot be used", async () => {
    expect((await readTokenFile("/nonexistent/token")).error).toBe("cannot read the token file: ENOENT");
    const dir = mkdtempSync(join(tmpdir(), "saprobe-token-"));
    writeFileSync(join(dir, "token"), "");
    expect((await readTokenFile(join(dir, "token"))).error).toBe("the token file is empty");
  });
});
