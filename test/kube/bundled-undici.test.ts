import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it, vi } from "vitest";

// The CLI bundle replaces undici's public index by scripts/undici-in-bundle.cjs (the undici files
// saprobe uses). This file checks that replacement against the installed undici, then runs the kube
// client's own tests (TLS, errors, timeouts, the proxy tunnel, watch streams) over it: the client's
// "undici" is the bundle's here, so the product behaves as the tests of the index say.
const require = createRequire(import.meta.url);
const BUNDLED = "../../scripts/undici-in-bundle.cjs";
vi.mock("undici", () => require(BUNDLED));

const root = join(import.meta.dirname, "..", "..");

describe("scripts/undici-in-bundle.cjs, the bundle's undici", () => {
  it("is built for the undici package-lock.json pins, which is the one installed", () => {
    const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as { packages: Record<string, { version: string }> };
    const pinned = (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> }).dependencies.undici;
    const installed = (require("undici/package.json") as { version: string }).version;
    expect(lock.packages["node_modules/undici"]?.version).toBe(pinned);
    expect(installed).toBe(pinned);
  });

  it("takes from undici's private files the very objects its public index exports (an upgrade that moves them fails here)", () => {
    const source = readFileSync(join(root, "scripts", "undici-in-bundle.cjs"), "utf8");
    const paths = [...source.matchAll(/require\("(undici\/lib\/[^"]+)"\)/g)].map((match) => match[1] as string);
    expect(paths.length).toBeGreaterThanOrEqual(5);
    for (const path of paths) expect(() => require.resolve(path), path).not.toThrow();
    const index = vi.importActual<Record<string, unknown>>("undici");
    return index.then((undici) => {
      const bundled = require(BUNDLED) as Record<string, unknown>;
      for (const name of ["Dispatcher", "Agent", "ProxyAgent"]) expect(bundled[name], name).toBe(undici[name]);
      // The index makes the API (request, stream, pipeline, upgrade, connect) every dispatcher's methods, as the bundle's module does.
      const api = require("undici/lib/api") as Record<string, unknown>;
      const prototype = (undici.Dispatcher as { prototype: Record<string, unknown> }).prototype;
      for (const name of Object.keys(api)) expect(prototype[name], name).toBe(api[name]);
      expect(Object.keys(api).sort()).toEqual(["connect", "pipeline", "request", "stream", "upgrade"]);
    });
  });

  it("exports everything saprobe's sources import from undici at run time", () => {
    const sources = readdirSync(join(root, "src"), { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".ts"));
    const imported = sources.flatMap((file) =>
      [...readFileSync(join(root, "src", file), "utf8").matchAll(/^import\s+(?!type\b)\{([^}]*)\}\s+from\s+"undici";/gm)].flatMap((match) =>
        (match[1] as string)
          .split(",")
          .map((name) => name.trim())
          .filter((name) => name !== "" && !name.startsWith("type "))
          .map((name) => name.split(/\s+as\s+/)[0] as string),
      ),
    );
    expect(imported.sort()).toEqual(["Agent", "ProxyAgent", "request"]);
    const bundled = require(BUNDLED) as Record<string, unknown>;
    for (const name of imported) expect(typeof bundled[name], name).toBe("function");
  });

  it("finds undici calling node:assert only as assert(value, message), all the bundle's stand-in for it answers (scripts/bundle.mjs)", () => {
    const lib = join(dirname(require.resolve("undici/package.json")), "lib");
    const files = readdirSync(lib, { recursive: true, encoding: "utf8" }).filter((file) => file.endsWith(".js"));
    const asserting = files.filter((file) => /require\(['"](node:)?assert['"]\)/.test(readFileSync(join(lib, file), "utf8")));
    expect(asserting.length).toBeGreaterThan(10);
    expect(asserting.filter((file) => /\bassert\s*\.\s*\w/.test(readFileSync(join(lib, file), "utf8")))).toEqual([]);
  });

  it("asks for a dispatcher: the bundle has no global one", () => {
    const { request } = require(BUNDLED) as { request: (url: string, options: object) => unknown };
    expect(() => request("https://127.0.0.1:1/", {})).toThrow(/opts\.dispatcher/);
  });
});

// The kube client's tests, over the bundle's undici (the mock above applies to this file's imports).
await import("./client.test.js");
await import("./proxy.test.js");
await import("./watch.test.js");
