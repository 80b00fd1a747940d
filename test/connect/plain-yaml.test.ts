import fc from "fast-check";
import jsYaml from "js-yaml";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseDocument, stringify } from "yaml";
import { NOT_PLAIN } from "../../src/input/block-yaml.js";
import { MAX_DEPTH } from "../../src/input/limits.js";
import { parseKubeconfig } from "../../src/connect/kubeconfig/parse.js";
import { readPlainKubeconfig } from "../../src/connect/kubeconfig/plain-yaml.js";
import { testCertificates } from "../support/certs.js";
import { kubectl } from "./kubectl-oracle.js";
import { applyYamlEdits, yamlEdits } from "../support/yaml-edits.js";
import { tempDir, writeAt } from "./temp-files.js";

// The kubeconfig fast path must give exactly what the `yaml` package reads as YAML 1.1 (as parse.ts
// calls it, as kubectl reads kubeconfigs), or give up: compared on documents written by YAML 1.2
// writers (which leave `yes`, `on` or `y` unquoted), by a writer that quotes nothing, on those
// broken at random, on cases picked by hand, and on kubeconfigs the real kubectl writes, which it
// must read without the `yaml` package.

/** The `yaml` package's YAML 1.1 value, as parse.ts asks for it, or "error". */
function yaml11(text: string): { value: unknown } | "error" {
  const document = parseDocument(text, { uniqueKeys: false, version: "1.1", prettyErrors: false });
  if (document.errors.length > 0) return "error";
  try {
    return { value: document.toJS({ maxAliasCount: 100 }) };
  } catch {
    return "error";
  }
}

const seen = { read: 0 };

function agrees(text: string): boolean {
  const read = readPlainKubeconfig(text);
  if (read === NOT_PLAIN) return true;
  seen.read++;
  const expected = yaml11(text);
  expect(expected, text).not.toBe("error");
  expect(read, text).toStrictEqual((expected as { value: unknown }).value);
  return true;
}

// Scalars whose YAML 1.1 and 1.2 meanings differ, or that are close to one that does.
const tricky = fc.constantFrom(
  ...["y", "Y", "yes", "Yes", "YES", "yEs", "n", "N", "no", "No", "NO", "nO", "on", "On", "ON", "oN", "off", "Off", "OFF", "oFF"],
  ...["true", "True", "TRUE", "false", "FALSE", "null", "Null", "NULL", "~", "", "yes!", "no-op", "online", "y2"],
  ...["0755", "0o755", "0b101", "0x1F", "1_000", "1:30", "190:20:30", "1.5", ".5", "1e3", "6.8523015e+5", ".inf", "-.inf", ".NaN"],
  ...["2001-12-14", "2001-12-14t21:59:43.10-05:00", "2002-12-14 21:59:43.10 -5", "<<", "<", "<x", "=", "=x", "a=b", "+1", "-1", "0"],
  ...["--region", "-n", "--cluster-name", "-e5", "-E+1", "+e1", "-x:y", "-x: y", "--", "---", "-", "- x", "-.5", "-.inf", "-0", "-a#b", "-é"],
  ...["a: b", "a #b", "a#b", "x:", "x:y", "it's", 'say "hi"', "é", "a\u0085b", "a\u2028b", "a\ufeffb", "\ufeffa", "a\u00a0"],
);
const word = fc.oneof(
  fc.stringMatching(/^[a-z][a-zA-Z0-9.-]{0,10}$/),
  fc.constantFrom("apiVersion", "kind", "clusters", "cluster", "server", "https://127.0.0.1:6443", "users", "token", "contexts", "v1", "Config"),
);
const scalar = fc.oneof(
  { arbitrary: word, weight: 8 },
  { arbitrary: tricky, weight: 3 },
  { arbitrary: fc.string({ maxLength: 6 }), weight: 1 },
  { arbitrary: fc.integer({ min: -5, max: 100_000 }), weight: 1 },
  { arbitrary: fc.boolean(), weight: 1 },
  { arbitrary: fc.constant(null), weight: 1 },
);
const key = fc.oneof({ arbitrary: word, weight: 8 }, { arbitrary: tricky, weight: 2 });
const value = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, tie("list"), tie("map")),
  list: fc.array(tie("node"), { maxLength: 4 }),
  map: fc.dictionary(key, tie("node"), { maxKeys: 4 }),
})).map;

/** Block YAML that quotes nothing but what it must to stay one line: every tricky word plain. */
function unquoted(node: unknown, indent = ""): string {
  const plain = (item: unknown) => (typeof item === "string" && /^[^\n'"]*$/.test(item) && item.trim() === item && item !== "" ? item : JSON.stringify(item));
  const collection = (item: unknown) => item !== null && typeof item === "object" && Object.keys(item).length > 0;
  if (Array.isArray(node))
    return node.map((item) => (collection(item) ? `${indent}-\n${unquoted(item, `${indent}  `)}` : `${indent}- ${plain(item)}\n`)).join("");
  return Object.entries(node as Record<string, unknown>)
    .map(([name, item]) => (collection(item) ? `${indent}${plain(name)}:\n${unquoted(item, `${indent}  `)}` : `${indent}${plain(name)}: ${plain(item)}\n`))
    .join("");
}

const writer = fc.constantFrom(
  (document: object) => stringify(document, { version: "1.2", lineWidth: 0 }),
  (document: object) => stringify(document, { version: "1.1", lineWidth: 0 }),
  (document: object) => jsYaml.dump(document, { lineWidth: -1, noCompatMode: true }),
  (document: object) => jsYaml.dump(document, { lineWidth: -1 }),
  (document: object) => unquoted(document),
);

describe("readPlainKubeconfig", () => {
  it("reads what YAML writers write as YAML 1.1 reads it, or gives up", () => {
    seen.read = 0;
    fc.assert(
      fc.property(value, writer, (document, write) => agrees(write(document))),
      { numRuns: 3000 },
    );
    expect(seen.read).toBeGreaterThan(300);
  });

  it("reads broken documents as YAML 1.1 does, or gives up (never a value where the yaml package fails)", () => {
    seen.read = 0;
    const edits = yamlEdits(["delete", "space", "unspace", "colon", "dash", "duplicate", "quote", "insert"]);
    fc.assert(
      fc.property(value, writer, edits, tricky, (document, write, edit, word) => agrees(applyYamlEdits(write(document), edit, word))),
      { numRuns: 3000 },
    );
    expect(seen.read).toBeGreaterThan(50);
  });

  it.each([
    "a: yes",
    "yes: a",
    "a: 'yes'",
    'a: "on"',
    "a: [y, n]",
    "a: [x, 'N']",
    "- OFF",
    "a: 0755",
    "a: 1:30",
    "a: 2001-12-14",
    "a: <<",
    "<<: {}",
    "a: =",
    "e-0: a",
    "a: e5",
    "a: [E+1]",
    "a: -e5",
    "a:\n- --region\n- -n\n- -E+1",
    "a: --x: y",
    "a: b\u0085c: d",
    "a: b\u2028c",
    "\ufeffa: b",
    "a: \u0001",
    "%YAML 1.2\n---\na: yes",
    "a: 12\nb: 0\nc: ~\nd:\ne: True\nf: null",
  ])("%j", (text) => {
    expect(agrees(text)).toBe(true);
  });

  it("gives up on a character YAML 1.1 may read otherwise or that is not plain text, wherever it is", () => {
    for (const character of ["\u0085", "\u2028", "\u2029", "\ufeff", "\u0000", "\u001b", "\u007f", "\ud83d\ude00"])
      for (const text of [`a: b${character}c`, `a${character}: b`, `# ${character}\na: b`])
        expect(readPlainKubeconfig(text), JSON.stringify(text)).toBe(NOT_PLAIN);
    expect(readPlainKubeconfig("a: b\u00a0c\nd: é\u2027")).toEqual({ a: "b\u00a0c", d: "é\u2027" });
  });

  it("gives up on every word YAML 1.1 reads as a boolean or a number, quoted or not, as a key, a value or an item", () => {
    for (const word of ["y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off", "OFF", "e5", "E-1", "e+0", "-e5", "-E+1"])
      for (const text of [`a: ${word}`, `${word}: a`, `a: '${word}'`, `a: "${word}"`, `a: [${word}]`, `a:\n- ${word}`])
        expect(readPlainKubeconfig(text), text).toBe(NOT_PLAIN);
  });

  it("leaves a document nested as deep as the limit to the yaml package, which reports it", () => {
    const deep = (levels: number) => Array.from({ length: levels }, (_, level) => `${"  ".repeat(level)}k:`).join("\n") + " x\n";
    expect(readPlainKubeconfig(deep(8))).not.toBe(NOT_PLAIN);
    expect(readPlainKubeconfig(deep(MAX_DEPTH + 1))).toBe(NOT_PLAIN);
  });
});

describe("kubeconfigs the real kubectl writes", async () => {
  const certificates = await testCertificates();
  const root = tempDir("saprobe-plain-kubeconfig-");
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const ca = writeAt(root, "ca.crt", certificates.ca.cert);
  const cert = writeAt(root, "client.crt", certificates.client.cert);
  const clientKey = writeAt(root, "client.key", certificates.client.key);

  /** Runs `kubectl config ...` steps into a fresh file and returns its text. */
  async function written(name: string, steps: string[][]): Promise<{ file: string; text: string }> {
    const file = join(root, `${name}.kubeconfig`);
    for (const step of steps) {
      const run = await kubectl(["config", ...step, `--kubeconfig=${file}`], { cwd: root, env: {} });
      expect(run.code, run.stderr).toBe(0);
    }
    return { file, text: readFileSync(file, "utf8") };
  }

  /** parse.ts's result for the text, and for the same text through the yaml package (a comment the fast path refuses). */
  function bothWays(file: string, text: string) {
    return { fast: parseKubeconfig(file, text), slow: parseKubeconfig(file, `${text}# \u2028\n`) };
  }

  it("reads every field kubectl writes without the yaml package, to the same kubeconfig", async () => {
    const { file, text } = await written("full", [
      ["set-cluster", "prod", "--server=https://10.0.0.1:6443", `--certificate-authority=${ca}`, "--embed-certs=true", "--tls-server-name=api.example.com"],
      ["set-cluster", "dev", "--server=https://127.0.0.1:8443", "--insecure-skip-tls-verify=true", "--proxy-url=http://proxy.example.com:3128"],
      ["set-cluster", "local", "--server=https://localhost:6443", `--certificate-authority=${ca}`],
      ["set-credentials", "admin", "--token=abc.def-123_XYZ"],
      ["set-credentials", "cert-user", `--client-certificate=${cert}`, `--client-key=${clientKey}`, "--embed-certs=true"],
      ["set-credentials", "file-user", `--client-certificate=${cert}`, `--client-key=${clientKey}`],
      ["set-credentials", "basic", "--username=alice", "--password=s3cret"],
      ["set-credentials", "plugin", "--exec-command=/usr/local/bin/get-token", "--exec-api-version=client.authentication.k8s.io/v1", "--exec-env=PROFILE=ops"],
      ["set-context", "prod-admin", "--cluster=prod", "--user=admin", "--namespace=kube-system"],
      ["set-context", "dev-plugin", "--cluster=dev", "--user=plugin"],
      ["set-context", "local-cert", "--cluster=local", "--user=cert-user", "--namespace=team-0001"],
      ["use-context", "prod-admin"],
    ]);
    expect(readPlainKubeconfig(text), text).not.toBe(NOT_PLAIN);
    expect(agrees(text)).toBe(true);
    const { fast, slow } = bothWays(file, text);
    expect(fast).toStrictEqual(slow);
    expect(fast.set.contexts.size).toBe(3);
    expect(fast.set.currentContext).toBe("prod-admin");
  });

  it("reads an exec plugin's flags without the yaml package, to the same kubeconfig", async () => {
    const { file, text } = await written("exec", [
      [
        "set-credentials",
        "eks",
        "--exec-command=aws",
        "--exec-api-version=client.authentication.k8s.io/v1beta1",
        "--exec-arg=--region",
        "--exec-arg=eu-west-1",
        "--exec-arg=eks",
        "--exec-arg=get-token",
        "--exec-arg=--cluster-name",
        "--exec-arg=prod-1",
        "--exec-interactive-mode=Never",
      ],
      ["set-context", "eks", "--user=eks"],
      ["use-context", "eks"],
    ]);
    expect(readPlainKubeconfig(text), text).not.toBe(NOT_PLAIN);
    expect(agrees(text)).toBe(true);
    const { fast, slow } = bothWays(file, text);
    expect(fast).toStrictEqual(slow);
    expect(fast.set.users.get("eks")?.exec?.args).toEqual(["--region", "eu-west-1", "eks", "get-token", "--cluster-name", "prod-1"]);
  });

  it("reads names kubectl must quote as YAML 1.1 does, whichever way it goes", async () => {
    const names = ["yes", "on", "N", "0755", "1:30", "2001-12-14", "<<", "=", "~", "null", "true", "a: b", "#x", "1e3", "0x1F"];
    const { file, text } = await written(
      "quoted",
      names.flatMap((name, index) => [
        ["set-cluster", name, `--server=https://127.0.0.1:${6000 + index}`],
        ["set-credentials", name, `--token=${name}`],
        ["set-context", name, `--cluster=${name}`, `--user=${name}`, `--namespace=${name}`],
      ]),
    );
    expect(agrees(text)).toBe(true);
    const { fast, slow } = bothWays(file, text);
    expect(fast).toStrictEqual(slow);
    expect([...fast.set.clusters.keys()].sort()).toEqual([...names].sort());
  });
});
