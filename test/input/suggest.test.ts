import { describe, expect, it } from "vitest";
import { closestName, didYouMean } from "../../src/input/suggest.js";

const POLICY_RULE = ["apiGroups", "resources", "verbs", "resourceNames", "nonResourceURLs"];

describe("closestName", () => {
  it("names the field a typo was meant to be: singular for plural, case, a swapped or missing letter", () => {
    expect(["verb", "resource", "apiGroup", "apigroups", "resourcename", "nonResourceUrls", "vebrs"].map((name) => closestName(name, POLICY_RULE))).toEqual([
      "verbs",
      "resources",
      "apiGroups",
      "apiGroups",
      "resourceNames",
      "nonResourceURLs",
      "verbs",
    ]);
  });

  it("suggests nothing for a name that is not close to any, or that is already known", () => {
    expect(closestName("namespace", POLICY_RULE)).toBeUndefined();
    expect(closestName("x", POLICY_RULE)).toBeUndefined();
    expect(closestName("role", ["apiVersion", "kind", "metadata", "subjects", "roleRef"])).toBeUndefined();
    expect(closestName("verbs", POLICY_RULE)).toBeUndefined();
  });

  it("didYouMean is a clause to append, or nothing", () => {
    expect(didYouMean("subject", ["subjects", "roleRef"])).toBe('; did you mean "subjects"?');
    expect(didYouMean("zzz", ["subjects"])).toBe("");
  });
});
