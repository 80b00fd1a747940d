import { ConnectionConfigError } from "../model/errors.js";
import { Secret } from "../model/secret.js";
import type { KubeconfigUser } from "./kubeconfig/model.js";
import type { Credentials, Impersonation } from "./types.js";

/** Credentials picked for one user, and what the user should know about the choice. */
export interface ChosenCredentials {
  credentials: Credentials;
  warnings: string[];
  explain: string[];
}

function validateExec(user: KubeconfigUser): void {
  const exec = user.exec;
  if (!exec) return;
  const where = `user "${user.name}" exec plugin`;
  if (!exec.command) throw new ConnectionConfigError(`${where}: "command" must be set`);
  const known = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"];
  if (!exec.apiVersion || !known.includes(exec.apiVersion)) {
    throw new ConnectionConfigError(`${where}: apiVersion must be one of ${known.join(", ")} (got "${exec.apiVersion ?? ""}")`);
  }
  const modes = ["Never", "IfAvailable", "Always"];
  if (exec.apiVersion.endsWith("/v1") && !exec.interactiveMode) {
    throw new ConnectionConfigError(`${where}: interactiveMode must be specified for client.authentication.k8s.io/v1 (use Never)`);
  }
  if (exec.interactiveMode && !modes.includes(exec.interactiveMode)) {
    throw new ConnectionConfigError(`${where}: interactiveMode must be one of ${modes.join(", ")}`);
  }
}

function clientCertificate(user: KubeconfigUser, explain: string[]): Credentials {
  const hasCert = user.clientCertificate !== undefined || user.clientCertificateData !== undefined;
  const hasKey = user.clientKey !== undefined || user.clientKeyData !== undefined;
  if (!hasCert || !hasKey) {
    const missing = hasCert ? "client-key or client-key-data" : "client-certificate or client-certificate-data";
    throw new ConnectionConfigError(`user "${user.name}": ${missing} must be specified to use client certificate authentication`);
  }
  if (user.clientCertificateData && user.clientCertificate)
    explain.push(`user "${user.name}": client-certificate-data overrides client-certificate (as in client-go)`);
  if (user.clientKeyData && user.clientKey) explain.push(`user "${user.name}": client-key-data overrides client-key (as in client-go)`);
  return user.clientCertificateData || user.clientKeyData
    ? {
        kind: "client-certificate",
        ...(user.clientCertificateData ? { certData: user.clientCertificateData } : { certFile: user.clientCertificate }),
        ...(user.clientKeyData ? { keyData: user.clientKeyData } : { keyFile: user.clientKey }),
      }
    : { kind: "client-certificate", certFile: user.clientCertificate, keyFile: user.clientKey };
}

/**
 * Picks one authentication method for a kubeconfig user, validating like client-go: a token plus
 * basic auth, or exec plus auth-provider, is an error. Precedence when several are set: a token
 * (file or value), then exec, then the client certificate, then basic auth, then an auth-provider.
 * client-go would also present the certificate next to a token; saprobe says so in a warning.
 */
export function credentialsForUser(user: KubeconfigUser | undefined, clusterExtension: unknown): ChosenCredentials {
  const warnings: string[] = [];
  const explain: string[] = [];
  if (!user) return { credentials: { kind: "none", reason: "the context names no user" }, warnings, explain };
  const hasToken = user.token !== undefined || user.tokenFile !== undefined;
  const hasBasic = user.username !== undefined || user.password !== undefined;
  const hasCert =
    user.clientCertificate !== undefined || user.clientCertificateData !== undefined || user.clientKey !== undefined || user.clientKeyData !== undefined;
  if (hasToken && hasBasic)
    throw new ConnectionConfigError(`more than one authentication method found for user "${user.name}": token and basic auth; only one is allowed`);
  if (user.exec && user.authProvider) throw new ConnectionConfigError(`user "${user.name}": exec and auth-provider cannot both be set`);
  validateExec(user);
  if (hasCert && (hasToken || user.exec)) {
    warnings.push(
      `user "${user.name}" has both a client certificate and a ${hasToken ? "token" : "exec plugin"}; saprobe uses only the ${hasToken ? "token" : "exec plugin"} (kubectl would present both)`,
    );
  }
  let credentials: Credentials;
  if (user.tokenFile !== undefined) {
    if (user.token) explain.push(`user "${user.name}": tokenFile overrides token whenever the file is readable (as in client-go)`);
    credentials = { kind: "token-file", path: user.tokenFile };
  } else if (user.token !== undefined) {
    credentials = { kind: "token", token: user.token };
  } else if (user.exec) {
    const exec = user.exec;
    credentials = {
      kind: "exec",
      apiVersion: exec.apiVersion as string,
      command: exec.command as string,
      args: exec.args,
      env: exec.env,
      interactiveMode: exec.interactiveMode ?? "IfAvailable",
      provideClusterInfo: exec.provideClusterInfo,
      ...(clusterExtension === undefined ? {} : { clusterConfig: clusterExtension }),
      ...(exec.installHint ? { installHint: exec.installHint } : {}),
    };
  } else if (hasCert) {
    credentials = clientCertificate(user, explain);
  } else if (hasBasic) {
    warnings.push(`user "${user.name}" uses basic auth (username/password): a legacy method most clusters no longer accept`);
    credentials = { kind: "basic", username: user.username ?? "", password: user.password ?? new Secret("") };
  } else if (user.authProvider) {
    credentials = { kind: "auth-provider", name: user.authProvider.name };
  } else {
    credentials = { kind: "none", reason: `user "${user.name}" has no credentials` };
  }
  return { credentials, warnings, explain };
}

/** Impersonation from the user entry and the `--as*` flags; groups or uid without a user is an error. */
export function impersonationFor(user: KubeconfigUser | undefined, overrides: { user?: string; groups?: string[]; uid?: string }): Impersonation | undefined {
  const name = overrides.user ?? user?.impersonate;
  const groups = overrides.groups && overrides.groups.length > 0 ? overrides.groups : (user?.impersonateGroups ?? []);
  const uid = overrides.uid ?? user?.impersonateUid;
  const extra = user?.impersonateExtra;
  if (name === undefined || name === "") {
    if (groups.length > 0 || uid !== undefined || (extra && Object.keys(extra).length > 0)) {
      throw new ConnectionConfigError("impersonating groups, a uid or extra fields requires a user to impersonate (--as)");
    }
    return undefined;
  }
  return { user: name, groups, ...(uid === undefined ? {} : { uid }), ...(extra ? { extra } : {}) };
}
