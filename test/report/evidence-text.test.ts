import { describe, expect, it } from "vitest";
import { describeEvidence } from "../../src/report/render/text.js";

describe("describeEvidence", () => {
  it("writes strings as they are, an object reference as kubectl names it, an attack path as its hops, anything else as JSON", () => {
    const text = describeEvidence({
      scope: "ops",
      subject: { kind: "ServiceAccount", name: "runner", namespace: "team" },
      path: [
        {
          edge: "serviceaccount-token",
          permission: 'create serviceaccounts/token "deployer" in ops',
          reaches: { kind: "ServiceAccount", name: "deployer", namespace: "ops" },
          grants: [],
          requests: [],
          confirmation: { agreed: true, detail: "allowed" },
        },
        { edge: "holds", permission: "* on *.*", reaches: { kind: "Power", name: "cluster-admin" }, grants: [], requests: [] },
      ],
      verbs: ["create"],
    });
    expect(text).toBe(
      'scope=ops, subject=ServiceAccount team/runner, path: 1. create serviceaccounts/token "deployer" in ops -> ServiceAccount ops/deployer (confirmed); 2. * on *.* -> cluster-admin power, verbs=["create"]',
    );
  });

  it("keeps an object with more than a reference's fields as JSON", () => {
    expect(describeEvidence({ confirmation: { agreed: true, detail: "x" }, other: { kind: "A", name: "b", namespace: "c", extra: 1 } })).toBe(
      'confirmation={"agreed":true,"detail":"x"}, other={"kind":"A","name":"b","namespace":"c","extra":1}',
    );
  });
});
