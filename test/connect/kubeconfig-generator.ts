/**
 * A seeded generator of kubeconfig sets for the differential test against real kubectl: 1-3 files
 * in different directories, overlapping names, relative CA/cert/token-file paths, current-context in
 * any file, missing and duplicate KUBECONFIG entries, --context/--cluster/--user/-n overrides and
 * dangling names. Every server, token and `as` marker names the file that defined it, so the winner
 * of a merge is visible in kubectl's output.
 */

/** A deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** PEM material the scenarios reference: distinct CAs per file, one client pair. */
export interface Pems {
  cas: [string, string, string];
  clientCert: string;
  clientKey: string;
}

/** One generated scenario: files to write (relative to its root), environment and kubectl flags. */
export interface Scenario {
  id: number;
  files: { path: string; content: string }[];
  /** Directory (relative to root) of kubeconfig file i, indexed by the `f<i>` in names. */
  dirs: string[];
  /** KUBECONFIG value, relative entries resolved against the root (the working directory). */
  kubeconfigEnv?: string;
  args: string[];
  /** What the scenario exercises, for the coverage check. */
  traits: Set<string>;
}

const CLUSTERS = ["c0", "c1", "c2"];
const USERS = ["u0", "u1", "u2"];
const CONTEXTS = ["x0", "x1", "x2"];

/** Builds scenario `id` from `random`. */
export function generateScenario(id: number, random: () => number, pems: Pems): Scenario {
  const chance = (p: number) => random() < p;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const traits = new Set<string>();
  const files: Scenario["files"] = [];
  const mode = pick(["KUBECONFIG", "KUBECONFIG", "KUBECONFIG", "--kubeconfig", "home"] as const);
  const count = mode === "KUBECONFIG" ? 1 + Math.floor(random() * 3) : 1;
  const dirs: string[] = [];
  const kubeconfigPaths: string[] = [];
  const definedBy: Record<string, number> = {};

  for (let index = 0; index < count; index++) {
    const dir = mode === "home" ? "home/.kube" : pick([`d${index}`, `d${index}/nested/deeper`]);
    dirs.push(dir);
    const write = (relative: string, content: string) => files.push({ path: `${dir}/${relative}`, content });
    const clusters = CLUSTERS.filter(() => chance(0.6)).map((name) => {
      const cluster: Record<string, unknown> = { server: `https://127.0.0.1:1/s-${name}-f${index}${chance(0.3) ? "/" : ""}` };
      const tls = pick(["file", "file", "subdir", "data", "insecure", "none"] as const);
      if (tls === "file") {
        cluster["certificate-authority"] = `ca-${name}.pem`;
        write(`ca-${name}.pem`, pems.cas[index % 3] as string);
      } else if (tls === "subdir") {
        cluster["certificate-authority"] = `certs/ca-${name}.pem`;
        write(`certs/ca-${name}.pem`, pems.cas[(index + 1) % 3] as string);
      } else if (tls === "data") {
        cluster["certificate-authority-data"] = Buffer.from(pems.cas[(index + 2) % 3] as string).toString("base64");
      } else if (tls === "insecure") {
        cluster["insecure-skip-tls-verify"] = true;
      }
      traits.add(`tls-${tls}`);
      if (definedBy[`c:${name}`] !== undefined) traits.add("duplicate-name");
      definedBy[`c:${name}`] ??= index;
      return { name, cluster };
    });
    const users = USERS.filter(() => chance(0.6)).map((name) => {
      const user: Record<string, unknown> = { as: `mark-f${index}-${name}` };
      const auth = pick(["token", "tokenFile", "cert", "none"] as const);
      if (auth === "token") user.token = `tok-f${index}-${name}`;
      if (auth === "tokenFile") {
        user.tokenFile = `tok-f${index}-${name}.txt`;
        write(`tok-f${index}-${name}.txt`, `file-token-f${index}-${name}\n`);
      }
      if (auth === "cert") {
        user["client-certificate"] = `client-f${index}.crt`;
        user["client-key"] = `keys/client-f${index}.key`;
        write(`client-f${index}.crt`, pems.clientCert);
        write(`keys/client-f${index}.key`, pems.clientKey);
      }
      traits.add(`auth-${auth}`);
      if (definedBy[`u:${name}`] !== undefined) traits.add("duplicate-name");
      definedBy[`u:${name}`] ??= index;
      return { name, user };
    });
    const contexts = CONTEXTS.filter(() => chance(0.6)).map((name) => {
      // Mostly names some file defines, sometimes any pool name (which may dangle), rarely a missing one.
      const known = (prefix: string, pool: string[]) => {
        const defined = pool.filter((candidate) => definedBy[`${prefix}:${candidate}`] !== undefined);
        return defined.length > 0 && chance(0.8) ? pick(defined) : pick(pool);
      };
      const context: Record<string, unknown> = { cluster: chance(0.05) ? "cgone" : known("c", CLUSTERS) };
      if (chance(0.85)) context.user = chance(0.05) ? "ugone" : known("u", USERS);
      if (chance(0.5)) context.namespace = `ns-f${index}-${name}`;
      if (definedBy[`x:${name}`] !== undefined) traits.add("duplicate-name");
      definedBy[`x:${name}`] ??= index;
      return { name, context };
    });
    const config: Record<string, unknown> = { apiVersion: "v1", kind: "Config", clusters, users, contexts };
    if (chance(0.75)) {
      const defined = CONTEXTS.filter((candidate) => definedBy[`x:${candidate}`] !== undefined);
      config["current-context"] = chance(0.08) ? "xgone" : defined.length > 0 && chance(0.8) ? pick(defined) : pick(CONTEXTS);
      if (index > 0) traits.add("current-context-in-later-file");
    }
    const name = mode === "home" ? "config" : pick(["config", "kc.yaml"]);
    files.push({ path: `${dir}/${name}`, content: JSON.stringify(config, null, 1) });
    kubeconfigPaths.push(`${dir}/${name}`);
  }

  let kubeconfigEnv: string | undefined;
  const args: string[] = [];
  if (mode === "KUBECONFIG") {
    const entries = kubeconfigPaths.map((path) => (chance(0.5) ? `@ROOT@/${path}` : path));
    if (chance(0.35)) {
      entries.splice(Math.floor(random() * (entries.length + 1)), 0, "missing/none.yaml");
      traits.add("missing-file");
    }
    if (chance(0.2)) {
      entries.push(entries[0] as string);
      traits.add("duplicate-entry");
    }
    if (count > 1) traits.add("merge");
    kubeconfigEnv = entries.join(":");
  } else if (mode === "--kubeconfig") {
    args.push("--kubeconfig", chance(0.1) ? "missing/explicit.yaml" : (kubeconfigPaths[0] as string));
  }
  traits.add(`mode-${mode}`);
  if (chance(0.3)) args.push("--context", chance(0.15) ? "xgone" : pick(CONTEXTS));
  if (chance(0.15)) args.push("--cluster", chance(0.15) ? "cgone" : pick(CLUSTERS));
  if (chance(0.15)) args.push("--user", chance(0.15) ? "ugone" : pick(USERS));
  if (chance(0.2)) args.push("-n", `flag-ns-${id}`);
  for (const flag of ["--context", "--cluster", "--user", "-n"]) if (args.includes(flag)) traits.add(`override${flag}`);
  return { id, files, dirs, kubeconfigEnv, args, traits };
}
