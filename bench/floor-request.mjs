// The floor of any Node.js CLI that reads one thing from the API server: Node's own start, one TLS
// handshake and one round trip (GET /version with node:https), nothing else loaded. bench/run-suite.mjs
// runs it as a process beside saprobe and kubectl. Usage: node bench/floor-request.mjs SERVER CA_FILE TOKEN_FILE
import { readFileSync } from "node:fs";
import { get } from "node:https";

const [server, caFile, tokenFile] = process.argv.slice(2);
const headers = { authorization: `Bearer ${readFileSync(tokenFile, "utf8").trim()}` };
get(`${server}/version`, { ca: readFileSync(caFile), headers, agent: false }, (response) => {
  response.resume();
  response.on("end", () => {
    process.exitCode = response.statusCode === 200 ? 0 : 1;
  });
}).on("error", (error) => {
  console.error(error.message);
  process.exitCode = 1;
});
