import { DEFAULT_REQUEST_TIMEOUT_MS, DEFAULT_SERVICE_ACCOUNT_DIR, type ConnectionOverrides, type ResolveInput } from "../connect/input.js";
import type { Connection } from "../connect/types.js";
import { Secret } from "../model/secret.js";
import { flag, type FlagSpec, type ParsedArgs } from "./args.js";
import type { CommandIo } from "./command.js";

/** The kubectl-style connection flags every live command accepts. */
export const connectionFlags: FlagSpec[] = [
  { name: "kubeconfig", type: "string", valueName: "PATH", description: "kubeconfig file (only this file is read; KUBECONFIG and ~/.kube/config are ignored)" },
  { name: "context", type: "string", valueName: "NAME", description: "kubeconfig context to use" },
  { name: "cluster", type: "string", valueName: "NAME", description: "kubeconfig cluster to use" },
  { name: "user", type: "string", valueName: "NAME", description: "kubeconfig user to use" },
  { name: "namespace", short: "n", type: "string", valueName: "NAME", description: 'namespace (default: the context\'s, else "default")' },
  { name: "server", short: "s", type: "string", valueName: "URL", description: "API server URL (http://127.0.0.1:8001 for kubectl proxy)" },
  { name: "token", type: "string", valueName: "TOKEN", description: "bearer token" },
  { name: "token-file", type: "string", valueName: "PATH", description: "file with a bearer token, re-read when it rotates" },
  { name: "certificate-authority", type: "string", valueName: "PATH", description: "CA bundle that signs the API server's certificate" },
  { name: "client-certificate", type: "string", valueName: "PATH", description: "client certificate file" },
  { name: "client-key", type: "string", valueName: "PATH", description: "client key file" },
  { name: "insecure-skip-tls-verify", type: "boolean", description: "do not verify the API server's certificate (reported as a finding)" },
  { name: "tls-server-name", type: "string", valueName: "NAME", description: "server name for SNI and certificate verification" },
  { name: "as", type: "string", valueName: "USER", description: "impersonate this user, e.g. system:serviceaccount:NS:NAME" },
  { name: "as-group", type: "list", valueName: "GROUP", description: "impersonate this group (repeatable)", default: [] },
  { name: "as-uid", type: "string", valueName: "UID", description: "impersonate this UID" },
  { name: "in-cluster", type: "boolean", description: "use the Pod's ServiceAccount mount and KUBERNETES_SERVICE_HOST/PORT" },
  { name: "sa-dir", type: "string", valueName: "DIR", description: "ServiceAccount mount directory", default: DEFAULT_SERVICE_ACCOUNT_DIR },
  {
    name: "request-timeout",
    type: "duration",
    description: "timeout for each request, 0 for none (kubectl has none by default; saprobe bounds requests)",
    default: "30s",
  },
  { name: "allow-insecure-http", type: "boolean", description: "allow sending credentials over plain HTTP to a non-loopback host" },
  { name: "verbose", short: "v", type: "boolean", description: "log each request (method, URL, status, duration; never credentials)" },
];

/** The `--server`, `--token`, ... flags as resolver overrides; only flags the user typed count. */
export function overridesFromArgs(args: ParsedArgs): ConnectionOverrides {
  const given = (name: string) => (args.given.has(name) ? flag.string(args, name) : undefined);
  const token = given("token");
  return {
    server: given("server"),
    token: token === undefined ? undefined : new Secret(token),
    tokenFile: given("token-file"),
    certificateAuthority: given("certificate-authority"),
    clientCertificate: given("client-certificate"),
    clientKey: given("client-key"),
    insecureSkipTlsVerify: args.given.has("insecure-skip-tls-verify") ? flag.boolean(args, "insecure-skip-tls-verify") : undefined,
    tlsServerName: given("tls-server-name"),
    context: given("context"),
    cluster: given("cluster"),
    user: given("user"),
    namespace: given("namespace"),
    impersonateUser: given("as"),
    impersonateGroups: args.given.has("as-group") ? flag.list(args, "as-group") : undefined,
    impersonateUid: given("as-uid"),
  };
}

/** The resolver input for these args, with environment and working directory from `io` (never globals). */
export function resolveInputFromArgs(args: ParsedArgs, io: Pick<CommandIo, "env" | "cwd">): ResolveInput {
  return {
    overrides: overridesFromArgs(args),
    kubeconfig: args.given.has("kubeconfig") ? flag.string(args, "kubeconfig") : undefined,
    inCluster: flag.boolean(args, "in-cluster"),
    serviceAccountDir: flag.string(args, "sa-dir") ?? DEFAULT_SERVICE_ACCOUNT_DIR,
    env: io.env,
    cwd: io.cwd,
    // The default is the text "30s" (for --help); a typed value is already milliseconds.
    requestTimeoutMs: flag.number(args, "request-timeout") ?? DEFAULT_REQUEST_TIMEOUT_MS,
    allowInsecureHttp: flag.boolean(args, "allow-insecure-http"),
  };
}

/** What a client logs with `-v`: each request on stderr (method, URL, status, duration; the client never logs credentials). */
export interface RequestLogOptions {
  log?: (line: string) => void;
}

/** The client options `-v/--verbose` asks for, the same for every command that talks to the server. */
export function requestLogOptions(args: ParsedArgs, io: CommandIo): RequestLogOptions {
  return flag.boolean(args, "verbose") ? { log: (line) => void io.stderr.write(`saprobe: ${line}\n`) } : {};
}

/**
 * The one entry point commands use: resolves the connection from the parsed connection flags,
 * `io.env` (KUBECONFIG, HOME, KUBERNETES_SERVICE_*, POD_NAMESPACE) and `io.cwd`. Runs no exec plugin
 * and sends no request; throws `ConnectionConfigError`/`UsageError` (exit 2) when nothing is usable.
 */
export async function connectionFromArgs(args: ParsedArgs, io: CommandIo): Promise<Connection> {
  // Loaded here, not at the top: every command's flags come from this module, even for --help.
  const { resolveConnection } = await import("../connect/resolve.js");
  return resolveConnection(resolveInputFromArgs(args, io));
}
