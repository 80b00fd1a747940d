// A stand-in for kube-proxy on the harness's node: Pods reach the API server at the `kubernetes`
// Service's address (10.0.0.1:443, local on the node's bridge), and this forwards each connection to
// kube-apiserver on 127.0.0.1, bytes untouched (TLS ends at kube-apiserver). Usage:
//   node service-proxy.mjs LISTEN_HOST:PORT TARGET_HOST:PORT
import { createConnection, createServer } from "node:net";

const [listen, target] = process.argv.slice(2).map((address) => {
  const colon = address?.lastIndexOf(":") ?? -1;
  if (!address || colon < 1) {
    console.error("usage: node service-proxy.mjs LISTEN_HOST:PORT TARGET_HOST:PORT");
    process.exit(2);
  }
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
});

const server = createServer((client) => {
  const upstream = createConnection(target);
  client.pipe(upstream).pipe(client);
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on("error", close);
  upstream.on("error", close);
});
server.listen(listen.port, listen.host, () => console.log(`service-proxy: ${listen.host}:${listen.port} -> ${target.host}:${target.port}`));
process.on("SIGTERM", () => process.exit(0));
