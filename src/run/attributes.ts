import type { CheckDefinition } from "../checks/types.js";
import type { CheckResult } from "../model/report.js";
import { resourceAttributes } from "../probes/target.js";
import type { RequestAttributes } from "../rbac/types.js";

/** Non-resource paths: everything outside `/api/...` and `/apis/...` resource URLs. */
function isNonResourcePath(path: string): boolean {
  return !/^\/apis?\/[^/]+(\/[^/]+)?\/[^/]+/.test(path) || path === "/api" || path === "/apis";
}

/**
 * The authorization attributes a check's request carried, for comparing with the expected RBAC.
 * Undefined for probes that are not one authorization question (tls, anonymous, token,
 * access-review) and for `raw` resource URLs, whose attributes saprobe does not parse.
 */
export function attributesOf(check: CheckDefinition, result: CheckResult): RequestAttributes | undefined {
  const namespace = typeof result.evidence.namespace === "string" ? result.evidence.namespace : "";
  switch (check.probe) {
    case "list":
      return resourceAttributes(check, "list", namespace);
    case "watch":
      return resourceAttributes(check, "watch", namespace);
    case "get":
    case "logs":
      return resourceAttributes(check, "get", namespace);
    case "version":
      return { resourceRequest: false, verb: "get", path: "/version" };
    case "whoami":
      return { resourceRequest: true, verb: "create", apiGroup: "authentication.k8s.io", resource: "selfsubjectreviews", namespace: "" };
    case "raw": {
      const path = (check.path ?? "/").split("?")[0] as string;
      if (!isNonResourcePath(path)) return undefined;
      return { resourceRequest: false, verb: (check.method ?? "GET") === "POST" ? "post" : "get", path };
    }
    default:
      return undefined;
  }
}
