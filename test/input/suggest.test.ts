import { describe, expect, it } from "vitest";
import { allowedProperties, closestName, didYouMean } from "../../src/input/suggest.js";

const POLICY_RULE = ["apiGroups", "resources", "verbs", "resourceNames", "nonResourceURLs"];

describe("closestName", () => {
  it("names the field a typo was meant to be: singular for plural, case, a swapped or missing letter", () => {
    expect(["verb", "resource", "apiGroup", "apigroups", "resourcename", "nonResourceUrls", "vebrs"].map((name) => closestName(name, POLICY_RULE))).toEqual([
      "verbs", "resources", "apiGroups", "apiGroups", "resourceNames", "nonResourceURLs", "verbs",
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

describe("allowedProperties", () => {
  const schema = { $defs: { "a/b": { properties: { one: {}, two: {} }, additionalProperties: false } } };

  it("reads the properties next to the additionalProperties keyword an ajv error points at (JSON pointer escapes too)", () => {
    expect(allowedProperties(schema, "#/$defs/a~1b/additionalProperties")).toEqual(["one", "two"]);
  });

  it("is empty for any other path", () => {
    expect(allowedProperties(schema, "#/$defs/a~1b/required")).toEqual([]);
    expect(allowedProperties(schema, "#/$defs/missing/additionalProperties")).toEqual([]);
    expect(allowedProperties(schema, "other.json#/x/additionalProperties")).toEqual([]);
  });
});
