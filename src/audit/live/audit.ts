import { setMaxListeners } from "node:events";
import type { Connection } from "../../connect/types.js";
import type { KubeClient } from "../../kube/types.js";
import type { ErrorValue, Finding } from "../../model/report.js";
import { lookupIdentity } from "../../probes/identity.js";
import type { IdentityLookup } from "../../probes/types.js";
import type { UserInfo } from "../../rbac/types.js";
import { crossCheck } from "./cross-check.js";
import { csrEvidence } from "../csr-evidence.js";
import { auditSnapshot } from "../engine.js";
import { listAll, type ListedResource, type Projection } from "../../kube/list-all.js";
import { AUDIT_READS } from "./lists.js";
import {
  podNodes,
  namespaceLevelOnly,
  podSecurityLevels,
  podServiceAccountOnly,
  podServiceAccounts,
  podWorkloads,
  snapshotFromLists,
  snapshotFieldsOnly,
  tokenSecretOnly,
  tokenSecretOwners,
  tokenSecretServiceAccounts,
  withoutBulk,
} from "./objects.js";
import { cronJobOnly, futurePods, futureTokenSecrets, nodeNameOnly, nodeNames } from "./future-pods.js";
import { hostPodNodes } from "./pod-host-access.js";
import { mountedTokens, nodeTokenSecrets } from "./pod-secrets.js";
import type { MastersEvidence } from "../masters-findings.js";
import { LIVE_AUDIT_DEADLINE_MS } from "../deadlines.js";
import { formatDuration } from "../../input/units.js";
import { CREATE_SUBJECT_ACCESS_REVIEWS, listPermission, preflight, preflightWarnings } from "./preflight.js";
import type { Catalogue } from "../rule-types.js";
import type { UnreadableResource } from "../unknown-findings.js";

/** What a live audit needs besides the client. */
export interface LiveAuditOptions {
  connection: Connection;
  catalogue: Catalogue;
  subject?: UserInfo;
  /** Evidence gathered elsewhere (kubeconfigs scanned with --kubeconfig-scan). */
  mastersEvidence?: readonly MastersEvidence[];
  /** Skip the SubjectAccessReview cross-check. */
  skipConfirmation?: boolean;
  /** The cross-check's deadline (default CROSS_CHECK_DEADLINE_MS); findings it leaves unasked say so. */
  crossCheckDeadlineMs?: number;
  /** The whole audit's deadline (default LIVE_AUDIT_DEADLINE_MS), on top of `signal`. */
  deadlineMs?: number;
  signal?: AbortSignal;
  /** Told as each step finishes (`done` of `total`, and what comes next), for a progress display. */
  onProgress?: (done: number, total: number, label: string) => void;
}

/** Findings plus everything the report should say about how they were reached. */
export interface LiveAuditOutcome {
  identity: IdentityLookup;
  findings: Finding[];
  warnings: string[];
  /** Problems that stopped the audit as a whole (credentials rejected, server unreachable). */
  errors: ErrorValue[];
}

/** What the audit keeps of each list's items (CSRs whole but for their bulk: their evidence is in spec and status). */
const PROJECTIONS: Record<keyof typeof AUDIT_READS, Projection> = {
  clusterRoles: snapshotFieldsOnly,
  roles: snapshotFieldsOnly,
  clusterRoleBindings: snapshotFieldsOnly,
  roleBindings: snapshotFieldsOnly,
  serviceAccounts: snapshotFieldsOnly,
  pods: podServiceAccountOnly,
  certificateSigningRequests: withoutBulk,
  tokenSecrets: tokenSecretOnly,
  namespaces: namespaceLevelOnly,
  cronJobs: cronJobOnly,
  nodes: nodeNameOnly,
};

type Lists = Partial<Record<keyof typeof AUDIT_READS, Record<string, unknown>[]>>;

/**
 * The live audit: who am I, what may I read (preflight), read it with paginated lists, audit the
 * snapshot with the same engine as offline, then cross-check findings with SubjectAccessReviews.
 * Whatever could not be read makes the rules that need it UNKNOWN, with the missing permission.
 */
export async function auditLive(client: KubeClient, options: LiveAuditOptions): Promise<LiveAuditOutcome> {
  const deadline = AbortSignal.timeout(options.deadlineMs ?? LIVE_AUDIT_DEADLINE_MS);
  const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
  const resources = Object.entries(AUDIT_READS) as [keyof typeof AUDIT_READS, ListedResource][];
  // Every list (and the preflight's review of each) is in flight at once, each request listening on this
  // signal: past Node's default of 10, Node warns on stderr, which a Job's log mixes into its report.
  setMaxListeners(2 * resources.length + 10, signal);
  // Steps: identity, preflight, one per list, the audit, the cross-check.
  const total = resources.length + 4;
  let done = 0;
  const step = (label: string): void => options.onProgress?.(done++, total, label);
  step("who am I");
  const identity = await lookupIdentity(client, options.connection, { signal, timeoutMs: options.connection.requestTimeoutMs, token: async () => undefined });
  if (identity.state === "unauthorized" || identity.failure) {
    return {
      identity,
      findings: [],
      warnings: [],
      errors: [{ code: identity.state === "unauthorized" ? "unauthorized" : "unreachable", message: identity.message }],
    };
  }
  step("preflight: what may this identity read");
  const answers = await preflight(
    client,
    resources.map(([, resource]) => resource),
    signal,
  );
  // Token Secrets, namespaces, CronJobs and nodes are optional: without them a path through one keeps it as a
  // precondition, or the warnings below say what is not followed (no UNKNOWN).
  const secretsPermission = listPermission(AUDIT_READS.tokenSecrets);
  const cronJobsPermission = listPermission(AUDIT_READS.cronJobs);
  const optional = new Set([secretsPermission, listPermission(AUDIT_READS.namespaces), cronJobsPermission, listPermission(AUDIT_READS.nodes)]);
  const warnings = preflightWarnings(answers.filter((answer) => !optional.has(answer.permission)));
  const denied = new Set(answers.filter((answer) => answer.answer === "denied").map((answer) => answer.permission));
  const unreadable: UnreadableResource[] = [];
  const lists: Lists = {};
  await Promise.all(
    resources.map(async ([key, resource]) => {
      const permission = listPermission(resource);
      if (denied.has(permission)) {
        unreadable.push({ resource: resource.id, missingPermission: permission, reason: "denied by the preflight SelfSubjectAccessReview" });
        return;
      }
      const outcome = await listAll(client, resource, signal, PROJECTIONS[key]);
      step(`listed ${resource.id}`);
      if (outcome.ok) lists[key] = outcome.items;
      else unreadable.push({ resource: resource.id, missingPermission: permission, reason: outcome.reason });
    }),
  );
  const snapshot = snapshotFromLists({
    roles: lists.roles ?? [],
    clusterRoles: lists.clusterRoles ?? [],
    roleBindings: lists.roleBindings ?? [],
    clusterRoleBindings: lists.clusterRoleBindings ?? [],
    serviceAccounts: lists.serviceAccounts ?? [],
  });
  const csrs = csrEvidence(lists.certificateSigningRequests ?? []);
  warnings.push(...csrs.warnings);
  // Unused ServiceAccounts need both lists; without them the rule is UNKNOWN (reported by the engine).
  const usage = lists.pods && lists.serviceAccounts ? podServiceAccounts(lists.pods) : undefined;
  done = resources.length + 2;
  step(`auditing ${snapshot.roleBindings.length + snapshot.clusterRoleBindings.length} bindings`);
  if (!lists.pods)
    warnings.push("attack paths through nodes keep a pod on the node as a precondition, and any pod may be one with host access: pods could not be read.");
  if (!lists.tokenSecrets)
    warnings.push(
      `attack paths through legacy token Secrets keep them as preconditions, and a token Secret a pod refers to (exec into it, its node) is not followed: the running identity may not ${secretsPermission}, or they could not be read.`,
    );
  if (!lists.cronJobs)
    warnings.push(
      `attack paths through nodes do not follow the next pods of CronJobs (the scheduler may bind them to a node taken): the running identity may not ${cronJobsPermission}, or they could not be read.`,
    );
  const owners = lists.tokenSecrets ? tokenSecretOwners(lists.tokenSecrets) : undefined;
  // Pods the scheduler binds later: Pending ones (pods read), CronJobs' next (CronJobs read); whichever was read.
  const future = lists.pods || lists.cronJobs ? futurePods(lists.pods ?? [], lists.cronJobs ?? []) : undefined;
  let findings = auditSnapshot(snapshot, options.catalogue, {
    mode: "live",
    pathFacts: {
      serviceAccountsListed: lists.serviceAccounts !== undefined,
      ...(owners ? { tokenSecrets: tokenSecretServiceAccounts(owners), tokenSecretOwners: owners } : {}),
      ...(lists.pods ? { workloads: podWorkloads(lists.pods), podNodes: podNodes(lists.pods), hostPodNodes: hostPodNodes(lists.pods) } : {}),
      ...(lists.namespaces ? { podSecurity: podSecurityLevels(lists.namespaces) } : {}),
      ...(future ? { futurePods: future } : {}),
      ...(future && owners ? { futureTokenSecrets: futureTokenSecrets(lists.pods ?? [], lists.cronJobs ?? [], owners) } : {}),
      ...(lists.nodes ? { nodes: nodeNames(lists.nodes) } : {}),
      ...(lists.pods && owners ? { mountedTokens: mountedTokens(lists.pods, owners), nodeTokenSecrets: nodeTokenSecrets(lists.pods, owners) } : {}),
    },
    unreadable,
    mastersEvidence: [...(options.mastersEvidence ?? []), ...csrs.evidence],
    ...(usage ? { podServiceAccounts: usage } : {}),
    ...(options.subject ? { subject: options.subject } : {}),
  });
  if (!options.skipConfirmation) {
    if (denied.has(CREATE_SUBJECT_ACCESS_REVIEWS)) {
      warnings.push("findings are not cross-checked with SubjectAccessReviews: the running identity may not create them.");
    } else {
      step(`cross-checking ${findings.length} findings with SubjectAccessReviews`);
      const checked = await crossCheck(client, options.catalogue, findings, {
        signal,
        ...(options.crossCheckDeadlineMs !== undefined ? { deadlineMs: options.crossCheckDeadlineMs } : {}),
      });
      findings = checked.findings;
      warnings.push(...checked.warnings);
    }
  }
  // The requests it cut short only say they were cancelled: say once which deadline that was.
  if (deadline.aborted) {
    warnings.push(
      `the audit's deadline (${formatDuration(options.deadlineMs ?? LIVE_AUDIT_DEADLINE_MS)}, --deadline) passed before it finished: what it had not read is UNKNOWN and what it had not asked is unconfirmed.`,
    );
  }
  return { identity, findings, warnings, errors: [] };
}
