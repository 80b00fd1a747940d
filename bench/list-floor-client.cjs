// bench/who-can-live.mjs's "floor via kube client" row: bench/list-floor.mjs's lists made through
// saprobe's own kube client, as a live command makes them: bin's start (the bundle's main pack, V8's
// baseline-only window for undici's WebAssembly parser), the connection resolved from a kubeconfig
// (the resolve pack), the kube client's pack, then every list at once, page by page (limit=500,
// continue tokens), each body capped, cleared of secrets and parsed by the client. No discovery, no
// projection, no engine, no output but the item counts: what any live command that reads these
// objects pays before its own work.
// Usage: node bench/list-floor-client.cjs KUBECONFIG 'LIST_PATH'...
"use strict";
const { readdirSync } = require("node:fs");
const { loadBundle, compileWebAssemblyWithBaselineOnly, BUNDLE_DIR } = require("../bin/bundle-loader.cjs");

compileWebAssemblyWithBaselineOnly();
const { loader } = loadBundle();
const packs = readdirSync(BUNDLE_DIR);
const pack = (prefix) => loader.load(packs.find((name) => new RegExp(`^${prefix}-\\w+\\.cjs$`).test(name)));

async function main() {
  const [kubeconfig, ...lists] = process.argv.slice(2);
  const connection = await pack("resolve").resolveConnection({ kubeconfig, env: {}, cwd: process.cwd(), overrides: {}, requestTimeoutMs: 30_000 });
  const client = pack("client").createKubeClient(connection);
  const listAll = async (path) => {
    let items = 0;
    let token;
    do {
      const outcome = await client.request({ path, query: { limit: 500, continue: token } });
      if (!outcome.ok || outcome.response.status !== 200) throw new Error(`${path}: ${outcome.ok ? outcome.response.status : outcome.failure.message}`);
      items += outcome.response.json.items.length;
      token = outcome.response.json.metadata?.continue;
    } while (token);
    return [path, items];
  };
  const counts = Object.fromEntries(await Promise.all(lists.map(listAll)));
  await client.close();
  process.stdout.write(`${JSON.stringify(counts)}\n`);
}
main();
