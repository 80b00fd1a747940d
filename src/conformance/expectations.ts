import type { Readable } from "node:stream";
import type { CheckDefinition } from "../checks/types.js";
import type { Catalogue } from "../audit/rule-types.js";
import type { KubeClient } from "../kube/types.js";
import { loadManifests } from "../manifests/index.js";
import type { CheckResult, DriftItem } from "../model/report.js";
import type { IdentityLookup } from "../probes/types.js";
import { breakdownRule } from "../rbac/covers.js";
import { describeRequest } from "../rbac/request-spec.js";
import type { RbacObject, RbacSnapshot, RequestAttributes, UserInfo } from "../rbac/types.js";
import { attributesOf } from "../run/attributes.js";
import { expectedVerdict } from "./expected.js";
import { checkDrift } from "./live-objects.js";
import { ratePermissions, type PermissionRating } from "./permission-severity.js";

/** The expected RBAC of `--expect`. */
export interface ExpectedRbac {
  snapshot: RbacSnapshot;
  /** The files read, for messages. */
  files: string[];
  /** Add the default bootstrap policy when judging (`--with-defaults`, on by default). */
  withDefaults: boolean;
  /** What the apiserver would refuse in the files (evaluated as written all the same). */
  warnings: string[];
}

/** Where and how `--expect` manifests are read. */
export interface ExpectedRbacOptions {
  withDefaults: boolean;
  cwd: string;
  /** Standard input, for `--expect -`. */
  stdin?: Readable;
  /** Largest file accepted (`--max-file-bytes`; default 16 MiB). */
  maxFileBytes?: number;
  /**
   * Namespace of namespaced objects that name none, as `kubectl apply` gives them: `-n`, else the
   * context's, else the in-cluster mount's (the connection's namespace). ServiceAccount subjects of a
   * RoleBinding that name no namespace are the binding's, as the authorizer reads them.
   */
  defaultNamespace: string;
}

/** Loads `--expect` manifests (files or directories); problems are an `InputError` naming file and line. */
export async function loadExpectedRbac(paths: readonly string[], options: ExpectedRbacOptions): Promise<ExpectedRbac> {
  const loaded = await loadManifests([...paths], {
    cwd: options.cwd,
    defaultNamespace: options.defaultNamespace,
    ...(options.stdin ? { stdin: options.stdin } : {}),
    ...(options.maxFileBytes !== undefined ? { maxFileBytes: options.maxFileBytes } : {}),
  });
  return {
    snapshot: loaded.snapshot,
    files: loaded.files,
    withDefaults: options.withDefaults,
    warnings: loaded.warnings.map((warning) => `--expect: ${warning}`),
  };
}

/** Every object the expected files declare. */
function declaredObjects(snapshot: RbacSnapshot): RbacObject[] {
  return [...snapshot.serviceAccounts, ...snapshot.clusterRoles, ...snapshot.clusterRoleBindings, ...snapshot.roles, ...snapshot.roleBindings];
}

/** Every namespace the expected files name: objects' own and their ServiceAccount subjects'. */
export function expectedNamespaces(snapshot: RbacSnapshot): string[] {
  const namespaces = new Set<string>();
  for (const object of [...snapshot.roles, ...snapshot.roleBindings, ...snapshot.serviceAccounts])
    if (object.metadata.namespace) namespaces.add(object.metadata.namespace);
  for (const binding of [...snapshot.roleBindings, ...snapshot.clusterRoleBindings]) {
    for (const subject of binding.subjects ?? []) if (subject.kind === "ServiceAccount" && subject.namespace) namespaces.add(subject.namespace);
  }
  return [...namespaces];
}

/**
 * Drift between the expected objects and the live ones (missing, changed, extra or missing
 * subjects). Objects the identity may not read are `skipped` with the reason, never failed.
 */
export function expectedDrift(client: KubeClient, expected: ExpectedRbac): Promise<DriftItem[]> {
  return checkDrift(client, declaredObjects(expected.snapshot));
}

/** The catalogue's rating of the one permission a request uses, at the request's scope. */
function ratingOf(catalogue: Catalogue, attrs: RequestAttributes): PermissionRating | undefined {
  if (!attrs.resourceRequest) return undefined;
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const [atom] = breakdownRule({
    verbs: [attrs.verb],
    apiGroups: [attrs.apiGroup],
    resources: [resource],
    ...(attrs.name ? { resourceNames: [attrs.name] } : {}),
  });
  if (!atom) return undefined;
  return [...ratePermissions(catalogue, attrs.namespace === "" ? "cluster" : attrs.namespace, [atom]).values()][0];
}

function rejudge(
  result: CheckResult,
  attrs: RequestAttributes,
  verdict: ReturnType<typeof expectedVerdict>,
  rating: PermissionRating | undefined,
): CheckResult {
  const expected = verdict.expected;
  const because = verdict.because;
  const observation = result.observation ?? result.message;
  const judged: CheckResult = {
    ...result,
    expected,
    expectedSource: "rbac",
    observation,
    message: observation,
    evidence: { ...result.evidence, expectedBecause: because },
  };
  // Errors and skips stay what they are: saprobe could not tell, whatever was expected.
  if (result.status === "error" || result.status === "skip") return judged;
  if (result.observed === expected) return { ...judged, status: "pass", message: `${observation}; the expected RBAC agrees` };
  const asked = describeRequest(attrs);
  if (result.observed === "allowed") {
    const audit = rating && rating.rules.length > 0 ? ` Audit rule ${rating.rules.join(", ")}.` : "";
    return {
      ...judged,
      status: "fail",
      ...(rating ? { severity: rating.severity } : {}),
      message: `over-privileged: ${observation}, but the expected RBAC denies it (${because}).${audit}`,
      remediation: `Remove or narrow the binding that lets this identity ${asked} (the over-privileged results of the permission comparison name it when the identity may read RBAC objects); or declare the permission in the expected RBAC if it is intended.`,
    };
  }
  if (result.observed === "denied") {
    return {
      ...judged,
      status: "fail",
      message: `under-privileged: ${observation}, but the ${because}; that grant does not take effect on the server`,
      remediation: `Apply the expected binding that grants ${asked} to the cluster, and check that its subjects name this identity and its roleRef names a role that exists.`,
    };
  }
  return judged;
}

/**
 * Replaces each check's own expectation with the one the expected RBAC gives the identity saprobe
 * ran as (`user`: exactly as the server reported it): observed allowed but expected denied fails as
 * over-privileged, with the severity the audit catalogue gives that permission; observed denied but
 * expected allowed fails as under-privileged. Results are matched to their checks by id; checks that
 * are not one RBAC question keep their own expectation.
 */
export function applyExpectedRbac(
  checks: readonly CheckDefinition[],
  results: readonly CheckResult[],
  expected: ExpectedRbac,
  identity: IdentityLookup,
  catalogue?: Catalogue,
): { results: CheckResult[]; warnings: string[] } {
  if (identity.state !== "known" || identity.username === undefined) {
    return { results: [...results], warnings: [`--expect: the server did not say who saprobe is (${identity.message}); each check keeps its own expectation`] };
  }
  const user: UserInfo = { name: identity.username, groups: identity.groups };
  const warnings = expected.withDefaults
    ? []
    : ["--expect without the default bootstrap policy (--with-defaults=false): discovery and self-reviews may show as over-privileged"];
  const byId = new Map(checks.map((check) => [check.id, check]));
  const judged = results.map((result) => {
    const check = byId.get(result.id);
    const attributes = check ? attributesOf(check, result) : undefined;
    if (!attributes) return result;
    const verdict = expectedVerdict(expected.snapshot, user, attributes, { withDefaults: expected.withDefaults });
    const rating = catalogue && result.observed === "allowed" && verdict.expected === "denied" ? ratingOf(catalogue, attributes) : undefined;
    return rejudge(result, attributes, verdict, rating);
  });
  return { results: judged, warnings };
}
