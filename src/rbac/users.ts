import type { UserInfo } from "./types.js";

const SERVICE_ACCOUNT_PREFIX = "system:serviceaccount:";

/** The anonymous user's name. */
export const ANONYMOUS_USER = "system:anonymous";

/** Splits `system:serviceaccount:NS:NAME` into its namespace and name; undefined for other users. */
export function parseServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SERVICE_ACCOUNT_PREFIX)) return undefined;
  const parts = username.slice(SERVICE_ACCOUNT_PREFIX.length).split(":");
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  return { namespace: parts[0], name: parts[1] };
}

/**
 * The user as the authenticator would present it: a ServiceAccount gets `system:serviceaccounts`,
 * `system:serviceaccounts:NS` and `system:authenticated`; `system:anonymous` gets
 * `system:unauthenticated`; anyone else gets `system:authenticated`. Extra groups come first, in
 * the order given, without duplicates.
 */
export function userInfoFor(username: string, groups: readonly string[] = []): UserInfo {
  const account = parseServiceAccountUsername(username);
  const implied =
    username === ANONYMOUS_USER
      ? ["system:unauthenticated"]
      : account
        ? ["system:serviceaccounts", `system:serviceaccounts:${account.namespace}`, "system:authenticated"]
        : ["system:authenticated"];
  return { name: username, groups: [...new Set([...groups, ...implied])] };
}

/**
 * The user the API server makes of `--as NAME --as-group G...` (k8s.io/apiserver impersonation
 * filter): explicit groups are the whole list, a ServiceAccount without them gets its two automatic
 * groups, and `system:authenticated` is added unless a group says otherwise (`system:unauthenticated`
 * for the anonymous user). A SubjectAccessReview, unlike this, uses its groups exactly as given.
 */
export function impersonatedUser(username: string, groups: readonly string[] = []): UserInfo {
  const account = parseServiceAccountUsername(username);
  const base = groups.length > 0 ? [...groups] : account ? ["system:serviceaccounts", `system:serviceaccounts:${account.namespace}`] : [];
  if (username === ANONYMOUS_USER) return { name: username, groups: [...new Set([...base, "system:unauthenticated"])] };
  const extra = base.includes("system:unauthenticated") ? [] : ["system:authenticated"];
  return { name: username, groups: [...new Set([...base, ...extra])] };
}
