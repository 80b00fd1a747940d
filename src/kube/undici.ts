import { createRequire } from "node:module";
import type { Agent as AgentClass, Dispatcher, ProxyAgent as ProxyAgentClass } from "undici";
import Agent from "undici/lib/dispatcher/agent.js";
import dispatchRequest from "undici/lib/api/api-request.js";

// The parts of undici saprobe uses, loaded by path: its index also loads fetch, WebSocket, the
// cache stores and the mock agents, which made `import "undici"` cost about 75 ms of a run's start
// on Node 20 (the Agent and request() alone: about 25 ms; see bench/run-suite.mjs).

/** undici's `new Agent(options)`. */
export function createAgent(options: AgentClass.Options): Dispatcher {
  return new Agent(options);
}

/** undici's `request(url, options)`: the same options, on `options.dispatcher`. */
export function request(url: string, options: Omit<Dispatcher.RequestOptions, "origin" | "path"> & { dispatcher: Dispatcher }): Promise<Dispatcher.ResponseData> {
  const target = new URL(url);
  const { dispatcher, ...rest } = options;
  return dispatchRequest.call(dispatcher, { ...rest, origin: target.origin, path: `${target.pathname}${target.search}` });
}

/**
 * undici's `ProxyAgent`, loaded only for a kubeconfig `proxy-url`: it tunnels with
 * `Dispatcher.prototype.connect`, which only undici's full index installs.
 */
export function loadProxyAgent(): typeof ProxyAgentClass {
  return (createRequire(import.meta.url)("undici") as typeof import("undici")).ProxyAgent;
}
