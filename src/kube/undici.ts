import { Agent, ProxyAgent, request as undiciRequest, type Dispatcher } from "undici";

// The parts of undici saprobe uses, from its public index (the library, tsc's dist/). The CLI bundle
// resolves "undici" to scripts/undici-in-bundle.cjs, the same objects from undici's own files without
// the rest of the index (that file says why; test/kube/bundled-undici.test.ts runs the client's tests
// over it). Only the commands that talk to the server load this module: the CLI imports the kube
// client on demand (test/cli/lazy-commands.test.ts), and bench/startup.mjs shows what it costs them.

/** undici's `new Agent(options)`. */
export function createAgent(options: Agent.Options): Dispatcher {
  return new Agent(options);
}

/** undici's `request(url, options)`, on `options.dispatcher`. */
export function request(
  url: string,
  options: Omit<Dispatcher.RequestOptions, "origin" | "path"> & { dispatcher: Dispatcher },
): Promise<Dispatcher.ResponseData> {
  return undiciRequest(url, options);
}

/** undici's `ProxyAgent`, for a kubeconfig `proxy-url`. */
export function loadProxyAgent(): typeof ProxyAgent {
  return ProxyAgent;
}
