import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Selection } from "./assemble.js";
import { DEFAULT_SERVICE_ACCOUNT_DIR, type ResolveInput } from "./input.js";
import { joinHostPort } from "./server-url.js";

/** Either an in-cluster selection, or the reason it is not possible. */
export type InClusterResult = { ok: true; selection: Selection } | { ok: false; reason: string };

async function isFile(path: string): Promise<boolean> {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

async function namespaceFromMount(dir: string): Promise<string | undefined> {
  try {
    const text = readFileSync(join(dir, "namespace"), "utf8").trim();
    return text === "" ? undefined : text;
  } catch {
    return undefined;
  }
}

/**
 * client-go's `rest.InClusterConfig`: possible when KUBERNETES_SERVICE_HOST and
 * KUBERNETES_SERVICE_PORT are both set and the mount has a token file. The server is always
 * https (IPv6 bracketed); the token is a token file, re-read so the projected token can rotate;
 * ca.crt is used when present. Namespace: `-n`, else POD_NAMESPACE, else the mount's namespace file,
 * else "default".
 */
export async function selectInCluster(input: ResolveInput): Promise<InClusterResult> {
  const dir = resolve(input.cwd, input.serviceAccountDir ?? DEFAULT_SERVICE_ACCOUNT_DIR);
  const host = input.env.KUBERNETES_SERVICE_HOST ?? "";
  const port = input.env.KUBERNETES_SERVICE_PORT ?? "";
  if (host === "" || port === "") {
    return { ok: false, reason: "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not both set (not running in a Pod)" };
  }
  const tokenPath = join(dir, "token");
  if (!(await isFile(tokenPath))) return { ok: false, reason: `no ServiceAccount token at ${tokenPath}` };
  const caPath = join(dir, "ca.crt");
  const hasCa = await isFile(caPath);
  const explain = [
    `in-cluster: KUBERNETES_SERVICE_HOST=${host}, KUBERNETES_SERVICE_PORT=${port}, token ${tokenPath}`,
    hasCa ? `in-cluster: CA ${caPath}` : `in-cluster: no ${caPath}; the system CAs are used (as in client-go)`,
  ];
  const podNamespace = input.env.POD_NAMESPACE ? input.env.POD_NAMESPACE : undefined;
  const mounted = podNamespace === undefined ? await namespaceFromMount(dir) : undefined;
  const namespace = input.overrides.namespace ?? podNamespace ?? mounted ?? "default";
  const namespaceSource =
    input.overrides.namespace !== undefined
      ? "--namespace"
      : podNamespace !== undefined
        ? "POD_NAMESPACE"
        : mounted !== undefined
          ? `${join(dir, "namespace")}`
          : "default";
  return {
    ok: true,
    selection: {
      source: input.overrides.server !== undefined ? "flags" : "in-cluster",
      files: [],
      cluster: {
        name: "in-cluster",
        origin: "",
        server: `https://${joinHostPort(host, port)}`,
        ...(hasCa ? { certificateAuthority: caPath } : {}),
        insecureSkipTlsVerify: false,
      },
      user: { name: "in-cluster", origin: "", tokenFile: tokenPath, impersonateGroups: [] },
      namespace,
      namespaceSource,
      explain,
      serviceAccountDir: dir,
    },
  };
}
