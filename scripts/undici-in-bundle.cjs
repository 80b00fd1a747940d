// What `import ... from "undici"` means in the CLI bundle (scripts/bundle.mjs resolves it here): the
// parts src/kube/undici.ts uses (Agent, ProxyAgent, request), taken from undici's own files, instead
// of its public index. tsc's dist/ (the library) keeps the index.
//
// Why: the index loads all of undici (fetch, WebSocket, the cache stores, mocks, interceptors, the
// proxy and retry agents...): `node -e "require('undici')"` cost about 72 ms over `node -e 0` on the
// 2-core dev machine, these files about 28 ms (unbundled, no code cache; node:tls + node:http alone
// about 4 ms). In the bundle it was the largest part of every live command's start (bench/startup.mjs:
// "+ kube client (undici index)" against "+ kube client (undici as bundled)").
//
// The paths are undici's private files, fixed by package-lock.json's undici version;
// test/shipping/undici-in-bundle.test.ts fails when an upgrade moves them or changes what the index
// builds from them, so an upgrade cannot quietly break the bundle.
"use strict";
const Dispatcher = require("undici/lib/dispatcher/dispatcher");
const Agent = require("undici/lib/dispatcher/agent");
// Loaded with the rest, not on demand for a proxy-url: its own files cost no measurable time more.
const ProxyAgent = require("undici/lib/dispatcher/proxy-agent");
const api = require("undici/lib/api");
const { InvalidArgumentError } = require("undici/lib/core/errors");
const { parseURL } = require("undici/lib/core/util");

// As undici's index does: request, stream, pipeline, upgrade and connect become every dispatcher's
// methods (ProxyAgent opens its tunnel with its client's `connect`).
Object.assign(Dispatcher.prototype, api);

/**
 * undici's `request(url, options)` as its index builds it (`makeDispatcher(api.request)`), for the one
 * form saprobe calls: an absolute URL and `options.dispatcher`. undici's global dispatcher is not in the
 * bundle, so a call without a dispatcher is an error rather than a request on an unconfigured agent.
 */
function request(url, options) {
  if (typeof url !== "string" && !(url instanceof URL)) throw new InvalidArgumentError("invalid url");
  if (options == null || typeof options !== "object") throw new InvalidArgumentError("invalid opts");
  if (options.dispatcher === undefined) throw new InvalidArgumentError("saprobe's bundled undici needs opts.dispatcher");
  const parsed = parseURL(url);
  return api.request.call(options.dispatcher, {
    ...options,
    origin: parsed.origin,
    path: parsed.search ? `${parsed.pathname}${parsed.search}` : parsed.pathname,
    method: options.method || (options.body ? "PUT" : "GET"),
  });
}

module.exports = { Dispatcher, Agent, ProxyAgent, request };
