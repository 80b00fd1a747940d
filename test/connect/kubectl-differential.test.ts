import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseArgs } from "../../src/cli/args.js";
import { connectionFlags, resolveInputFromArgs } from "../../src/cli/connection-flags.js";
import { resolveConnection } from "../../src/connect/resolve.js";
import type { Connection } from "../../src/connect/types.js";
import { ConnectionConfigError } from "../../src/model/errors.js";
import { testCertificates } from "../support/certs.js";
import { generateScenario, seededRandom, type Pems, type Scenario } from "./kubeconfig-generator.js";
import { kubectl, observeRequest } from "./kubectl-oracle.js";
import { tempDir } from "./temp-files.js";

const SCENARIOS = 100;
const SEED = 20261128;

const certificates = await testCertificates();
const pems: Pems = {
  cas: [certificates.ca.cert, certificates.unknownCa.cert, certificates.selfSigned.cert],
  clientCert: certificates.client.cert,
  clientKey: certificates.client.key,
};

function materialize(scenario: Scenario): { root: string; env: Record<string, string | undefined> } {
  const root = tempDir("saprobe-diff-");
  mkdirSync(join(root, "home"), { recursive: true });
  for (const file of scenario.files) {
    mkdirSync(dirname(join(root, file.path)), { recursive: true });
    writeFileSync(join(root, file.path), file.content);
  }
  return { root, env: { HOME: join(root, "home"), KUBECONFIG: scenario.kubeconfigEnv?.replaceAll("@ROOT@", root) } };
}

async function ours(scenario: Scenario, root: string, env: Record<string, string | undefined>): Promise<Connection | Error> {
  try {
    const args = parseArgs(scenario.args, connectionFlags, "diff");
    return await resolveConnection(resolveInputFromArgs(args, { env, cwd: root }));
  } catch (error) {
    return error as Error;
  }
}

/** `f<i>` in a generated name says which file defined it. */
function fileIndex(text: string): number {
  return Number(/-f(\d+)/.exec(text)?.[1] ?? "-1");
}

type MinifiedConfig = {
  "current-context": string;
  clusters?: { name: string; cluster: Record<string, unknown> }[];
  users?: { name: string; user: Record<string, unknown> }[];
  contexts: { name: string; context: { cluster?: string; user?: string; namespace?: string } }[];
};

function compareWithConfigView(connection: Connection, minified: MinifiedConfig, scenario: Scenario, root: string): void {
  const context = minified.contexts[0]?.context ?? {};
  expect(connection.context).toBe(minified["current-context"]);
  // kubectl prints an unset context user or cluster as "".
  expect(connection.cluster).toBe(context.cluster || undefined);
  expect(connection.user).toBe(context.user || undefined);
  expect(connection.namespace).toBe(context.namespace ?? "default");
  const cluster = minified.clusters?.[0]?.cluster ?? {};
  expect(connection.server).toBe(String(cluster.server).replace(/\/+$/, ""));
  expect(connection.tls.insecureSkipTLSVerify).toBe(cluster["insecure-skip-tls-verify"] === true);
  const caData = cluster["certificate-authority-data"];
  if (typeof caData === "string") {
    const expected = Buffer.from(caData, "base64").toString("utf8");
    const actual = connection.tls.caData ?? readFileSync(connection.tls.caFile as string, "utf8");
    expect(actual).toBe(expected);
    if (connection.tls.caFile) expect(connection.tls.caFile.startsWith(join(root, scenario.dirs[fileIndex(String(cluster.server))] as string))).toBe(true);
  } else {
    expect(connection.tls.caFile ?? connection.tls.caData).toBeUndefined();
  }
  const user = minified.users?.[0]?.user ?? {};
  const credentials = connection.credentials;
  if (typeof user.token === "string") expect(credentials.kind === "token" && credentials.token.reveal()).toBe(user.token);
  else if (typeof user.tokenFile === "string")
    expect(credentials).toEqual({ kind: "token-file", path: join(root, scenario.dirs[fileIndex(user.tokenFile)] as string, user.tokenFile) });
  else if (typeof user["client-certificate-data"] === "string") {
    expect(credentials.kind).toBe("client-certificate");
    if (credentials.kind === "client-certificate") {
      const expectedDir = join(root, scenario.dirs[fileIndex(String(user.as))] as string);
      expect(credentials.certFile).toBe(join(expectedDir, `client-f${fileIndex(String(user.as))}.crt`));
      expect(readFileSync(credentials.keyFile as string, "utf8")).toBe(Buffer.from(String(user["client-key-data"]), "base64").toString("utf8"));
    }
  } else expect(credentials.kind).toBe("none");
  expect(connection.impersonate?.user).toBe(user.as);
}

/** Where saprobe deliberately refuses what client-go accepts, `kubectl config view --minify` refuses too. */
async function expectConfigViewRefuses(scenario: Scenario, root: string, env: Record<string, string | undefined>): Promise<void> {
  if (["--cluster", "--user", "-n"].some((flag) => scenario.args.includes(flag))) return;
  const view = await kubectl(["config", "view", "--minify", "--flatten", "-o", "json", ...scenario.args], { cwd: root, env });
  expect(view.code, "kubectl config view --minify accepted what saprobe refused").not.toBe(0);
}

const KUBECTL_DEFAULT_SERVER = "http://localhost:8080";
const DANGLING_CONTEXT_USER = /user "[^"]+" named by context "[^"]+" does not exist/;
const tally = { agreedSuccess: 0, agreedError: 0, kubectlDefaultServer: 0, danglingContextUser: 0 };

describe("connection resolution agrees with the real kubectl (v1.32) on generated kubeconfig sets", () => {
  const random = seededRandom(SEED);
  const scenarios: Scenario[] = [];
  for (let id = 0; id < SCENARIOS; id++) scenarios.push(generateScenario(id, random, pems));

  it("covers merges, duplicates, later current-contexts, relative paths, missing files, overrides and dangling names", () => {
    const traits = new Map<string, number>();
    for (const scenario of scenarios) for (const trait of scenario.traits) traits.set(trait, (traits.get(trait) ?? 0) + 1);
    for (const trait of [
      "merge",
      "duplicate-name",
      "current-context-in-later-file",
      "missing-file",
      "duplicate-entry",
      "tls-file",
      "tls-subdir",
      "auth-tokenFile",
      "auth-cert",
      "mode-home",
      "mode---kubeconfig",
      "override--context",
      "override--cluster",
      "override--user",
      "override-n",
    ]) {
      expect(traits.get(trait) ?? 0, trait).toBeGreaterThanOrEqual(2);
    }
  });

  for (const scenario of scenarios) {
    it(`scenario ${scenario.id}: ${[...scenario.traits].sort().join(", ")} ${scenario.args.join(" ")}`, async () => {
      const { root, env } = materialize(scenario);
      const connection = await ours(scenario, root, env);
      const observation = await observeRequest(scenario.args, { cwd: root, env });
      if (observation.kind === "refused") {
        expect(connection, `kubectl refused the config (${observation.message}) but saprobe resolved it`).toBeInstanceOf(Error);
        tally.agreedError++;
        return;
      }
      if (observation.kind === "request" && observation.request.server === KUBECTL_DEFAULT_SERVER) {
        // Documented difference: kubectl silently uses http://localhost:8080 when the kubeconfig yields no server.
        expect(connection).toBeInstanceOf(ConnectionConfigError);
        await expectConfigViewRefuses(scenario, root, env);
        tally.kubectlDefaultServer++;
        return;
      }
      if (connection instanceof Error) {
        // Documented difference: client-go continues without credentials when a context names a missing user.
        expect(connection.message, `saprobe refused what kubectl accepted: ${connection.message}`).toMatch(DANGLING_CONTEXT_USER);
        expect(observation.kind === "prompted" || !observation.request.bearer).toBe(true);
        await expectConfigViewRefuses(scenario, root, env);
        tally.danglingContextUser++;
        return;
      }
      if (observation.kind === "prompted") {
        // kubectl accepted the configuration and found no credentials, so it asked for a username.
        expect(connection.credentials.kind).toBe("none");
      } else {
        expect(connection.server).toBe(observation.request.server.replace(/\/+$/, ""));
        expect(connection.impersonate?.user).toBe(observation.request.impersonateUser);
        expect(connection.credentials.kind === "token" || connection.credentials.kind === "token-file").toBe(observation.request.bearer);
      }
      const overridesViewIgnores = ["--cluster", "--user", "-n"].some((flag) => scenario.args.includes(flag));
      if (!overridesViewIgnores) {
        const view = await kubectl(["config", "view", "--minify", "--flatten", "-o", "json", ...scenario.args], { cwd: root, env });
        expect(view.code, view.stderr).toBe(0);
        compareWithConfigView(connection, JSON.parse(view.stdout) as MinifiedConfig, scenario, root);
      }
      if (scenario.args.includes("-n")) {
        // A token flag keeps kubectl from prompting; it does not change how the namespace is chosen.
        const created = await kubectl(
          ["create", "configmap", "probe", "--dry-run=client", "-o", "jsonpath={.metadata.namespace}", ...scenario.args, "--token=namespace-oracle"],
          { cwd: root, env },
        );
        expect(created.code, created.stderr).toBe(0);
        expect(connection.namespace).toBe(created.stdout);
      }
      tally.agreedSuccess++;
    });
  }

  it("had both successes and errors to agree on", () => {
    expect(tally.agreedSuccess + tally.agreedError + tally.kubectlDefaultServer + tally.danglingContextUser).toBe(SCENARIOS);
    expect(tally.agreedSuccess).toBeGreaterThanOrEqual(30);
    expect(tally.agreedError).toBeGreaterThanOrEqual(10);
  });
});
