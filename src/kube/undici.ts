import { Agent, ProxyAgent, request as undiciRequest, type Dispatcher } from "undici";

// The parts of undici saprobe uses, from its public index only (its files are private and move between
// releases). Only the commands that talk to the server load this module: the CLI imports the kube
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
