// The review floor of bench/live-scale.mjs: a minimal Node client that asks the server N distinct
// SubjectAccessReviews (a ServiceAccount of team-NNNN reading Secrets there), 32 in flight over 16
// keep-alive connections as saprobe's cross-check does, and nothing else: what the server itself
// needs for that many reviews. Usage: node bench/review-floor.mjs SERVER CA_FILE TOKEN_FILE N
import { readFileSync } from "node:fs";
import { Agent, request } from "node:https";

const [server, caFile, tokenFile, count] = process.argv.slice(2);
const agent = new Agent({ keepAlive: true, maxSockets: 16, ca: readFileSync(caFile) });
const headers = { authorization: `Bearer ${readFileSync(tokenFile, "utf8").trim()}`, "content-type": "application/json", accept: "application/json" };
const url = new URL("/apis/authorization.k8s.io/v1/subjectaccessreviews", server);

function review(index) {
  const namespace = `team-${String(index % 2000).padStart(4, "0")}`;
  const user = `system:serviceaccount:${namespace}:app-${Math.floor(index / 2000)}`;
  const body = JSON.stringify({
    apiVersion: "authorization.k8s.io/v1",
    kind: "SubjectAccessReview",
    spec: {
      user,
      groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"],
      resourceAttributes: { namespace, verb: "get", group: "", resource: "secrets" },
    },
  });
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { method: "POST", agent, headers }, (response) => {
      const chunks = [];
      response.on("data", (chunk) => chunks.push(chunk));
      response.on("end", () =>
        response.statusCode === 201 ? resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))) : reject(new Error(`HTTP ${response.statusCode}`)),
      );
    });
    outgoing.on("error", reject);
    outgoing.end(body);
  });
}

let next = 0;
let allowed = 0;
const worker = async () => {
  while (next < Number(count)) if ((await review(next++)).status?.allowed) allowed++;
};
await Promise.all(Array.from({ length: 32 }, worker));
agent.destroy();
process.stdout.write(`${JSON.stringify({ reviews: Number(count), allowed })}\n`);
