import type { Connection, Credentials } from "./types.js";

/** Non-secret details of the credentials, for people and for `config view -o json`. */
export type AuthView = { kind: Credentials["kind"] } & Record<string, unknown>;

/** The documented `saprobe config view -o json` shape. Contains no secret. */
export interface ConnectionView {
  source: Connection["source"];
  files: string[];
  context: string | null;
  cluster: string | null;
  user: string | null;
  namespace: string;
  server: string;
  tls: { caFile?: string; caData?: true; insecureSkipTLSVerify: boolean; serverName?: string };
  auth: AuthView;
  impersonate?: { user: string; groups: string[]; uid?: string; extra?: Record<string, string[]> };
  explain: string[];
}

const SECRET_FLAG = /^--?[\w.-]*(secret|token|password|passwd|credential|key)[\w.-]*/i;

/** Hides values of secret-looking flags in exec arguments (kubelogin's --oidc-client-secret=...). */
function redactSecretArguments(args: string[]): string[] {
  return args.map((arg, index) => {
    const flag = SECRET_FLAG.exec(arg);
    if (flag && arg.includes("=")) return `${arg.slice(0, arg.indexOf("="))}=[redacted]`;
    const previous = args[index - 1];
    if (previous !== undefined && !previous.includes("=") && SECRET_FLAG.test(previous) && !arg.startsWith("-")) return "[redacted]";
    return arg;
  });
}

function withoutPassword(server: string): string {
  const url = new URL(server);
  if (!url.password) return server;
  url.password = "redacted";
  return url.toString().replace(/\/$/, "");
}

function authView(credentials: Credentials): AuthView {
  switch (credentials.kind) {
    case "none":
      return { kind: "none", reason: credentials.reason };
    case "token":
      return { kind: "token" };
    case "token-file":
      return { kind: "token-file", tokenFile: credentials.path };
    case "client-certificate":
      return {
        kind: "client-certificate",
        ...(credentials.certData ? { certData: true } : { certFile: credentials.certFile }),
        ...(credentials.keyData ? { keyData: true } : { keyFile: credentials.keyFile }),
      };
    case "exec":
      return {
        kind: "exec",
        apiVersion: credentials.apiVersion,
        command: credentials.command,
        args: redactSecretArguments(credentials.args),
        // Only the names: exec env values often carry secrets.
        envNames: credentials.env.map((entry) => entry.name),
        interactiveMode: credentials.interactiveMode,
        provideClusterInfo: credentials.provideClusterInfo,
      };
    case "basic":
      return { kind: "basic", username: credentials.username };
    case "auth-provider":
      return { kind: "auth-provider", name: credentials.name, supported: false };
  }
}

/**
 * The connection as plain data without secrets: what `config view` prints. Warnings are appended
 * to `explain` as `warning: ...` lines. Never runs an exec plugin or reads a credential file.
 */
export function describeConnection(connection: Connection): ConnectionView {
  const { tls } = connection;
  return {
    source: connection.source,
    files: connection.files,
    context: connection.context ?? null,
    cluster: connection.cluster ?? null,
    user: connection.user ?? null,
    namespace: connection.namespace,
    server: withoutPassword(connection.server),
    tls: {
      ...(tls.caFile ? { caFile: tls.caFile } : {}),
      ...(tls.caData ? { caData: true as const } : {}),
      insecureSkipTLSVerify: tls.insecureSkipTLSVerify,
      ...(tls.serverName ? { serverName: tls.serverName } : {}),
    },
    auth: authView(connection.credentials),
    ...(connection.impersonate ? { impersonate: { ...connection.impersonate, groups: [...connection.impersonate.groups] } } : {}),
    explain: [
      ...connection.explain,
      `namespace "${connection.namespace}" from ${connection.namespaceSource}`,
      ...connection.warnings.map((warning) => `warning: ${warning}`),
    ],
  };
}
