// The list floor of bench/live-scale.mjs: a minimal Node client that lists the same objects a command
// reads, page by page (limit=500, continue tokens), every resource at once over one keep-alive agent,
// JSON.parse of every page, nothing else (no retries, no projection, no report). Prints the item
// count of each list as JSON.
// Usage: node bench/list-floor.mjs SERVER CA_FILE TOKEN_FILE 'LIST_PATH[?QUERY][#metadata]'...
import { readFileSync } from "node:fs";
import { Agent, get } from "node:https";

const [server, caFile, tokenFile, ...lists] = process.argv.slice(2);
const agent = new Agent({ keepAlive: true, maxSockets: 16, ca: readFileSync(caFile) });
const authorization = `Bearer ${readFileSync(tokenFile, "utf8").trim()}`;
const METADATA_ONLY = "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1";

function page(url, accept) {
  return new Promise((resolve, reject) => {
    get(url, { agent, headers: { authorization, accept } }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () => {
        if (response.statusCode !== 200) return reject(new Error(`${url}: HTTP ${response.statusCode}`));
        resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")));
      });
      response.on("error", reject);
    }).on("error", reject);
  });
}

async function listAll(spec) {
  const [target, fragment] = spec.split("#");
  const accept = fragment === "metadata" ? METADATA_ONLY : "application/json";
  let items = 0;
  let token;
  do {
    const url = new URL(target, server);
    url.searchParams.set("limit", "500");
    if (token) url.searchParams.set("continue", token);
    const body = await page(url, accept);
    // An empty list may come without `items` (a PartialObjectMetadataList of no nodes does).
    items += body.items?.length ?? 0;
    token = body.metadata?.continue;
  } while (token);
  return [target, items];
}

const counts = Object.fromEntries(await Promise.all(lists.map(listAll)));
agent.destroy();
process.stdout.write(`${JSON.stringify(counts)}\n`);
