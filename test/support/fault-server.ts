/**
 * A fault-injecting API server for the faults a real kube-apiserver cannot give on demand: hangs,
 * slow headers, cut bodies, invalid JSON, endless bodies, 429/5xx Status answers, broken watches,
 * redirects and bad certificates. It listens on loopback only, answers like a small healthy API
 * server unless told otherwise, records every request (with its Authorization header) and
 * `close()` destroys every socket it ever accepted.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import { createServer as createNetServer } from "node:net";
import type { TLSSocket } from "node:tls";
import { type Behaviour, type BehaviourContext, perform, type RecordedRequest } from "./fault-behaviours.js";
import { testCertificates, type TestCertificates } from "./certs.js";

export type { Behaviour, RecordedRequest } from "./fault-behaviours.js";

/** Which certificate the server presents. */
export type ServerCertificate = "valid" | "other-host" | "expired" | "unknown-ca" | "self-signed";

/** A behaviour for matching requests. A string path matches the exact path; `watch` narrows to (non-)watch requests. */
export interface Route {
  method?: string;
  path: string | RegExp;
  watch?: boolean;
  behaviour: Behaviour;
}

/** How the fault server behaves. */
export interface FaultServerOptions {
  /** For requests no route matches. Default: `{ kind: "kube" }`. */
  behaviour?: Behaviour;
  /** First match wins. */
  routes?: Route[];
  /** Default `valid` (signed by the test CA for 127.0.0.1 and localhost). */
  certificate?: ServerCertificate;
  /** Default `https`. Plain `http` exists to prove credentials are not sent over it. */
  protocol?: "https" | "http";
  /** Local address to listen on. Default 127.0.0.1; tests may pass this machine's own non-loopback address. */
  listenAddress?: string;
  /** Ask clients for a certificate (signed by the test CA) and record its subject. */
  requestClientCertificate?: boolean;
}

/** A running fault server. */
export interface FaultServer {
  /** Base URL, e.g. `https://127.0.0.1:40123`. */
  url: string;
  port: number;
  /** The CA that signed the `valid`, `other-host` and `expired` certificates. */
  caFile: string;
  certificates: TestCertificates;
  /** Every request that reached the HTTP layer, in arrival order. */
  requests: RecordedRequest[];
  /** TLS handshakes that failed on the server side (the client refused our certificate). */
  tlsFailures: string[];
  /** Stops listening and destroys every socket. Idempotent. */
  close(): Promise<void>;
}

const MAX_REQUEST_BODY = 1024 * 1024;

function pickCertificate(certificates: TestCertificates, which: ServerCertificate): { cert: string; key: string } {
  const byName = {
    valid: certificates.server,
    "other-host": certificates.otherHost,
    expired: certificates.expired,
    "unknown-ca": certificates.unknownCa,
    "self-signed": certificates.selfSigned,
  } as const;
  return byName[which];
}

function isWatch(query: URLSearchParams): boolean {
  return query.get("watch") === "1" || query.get("watch") === "true";
}

function matches(route: Route, method: string, pathname: string, query: URLSearchParams): boolean {
  if (route.method !== undefined && route.method.toUpperCase() !== method) return false;
  if (route.watch !== undefined && route.watch !== isWatch(query)) return false;
  return typeof route.path === "string" ? route.path === pathname : route.path.test(pathname);
}

function readBody(incoming: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    incoming.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BODY) chunks.push(chunk);
    });
    incoming.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    incoming.on("error", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });
}

function clientSubject(incoming: IncomingMessage): string | undefined {
  const socket = incoming.socket as Partial<TLSSocket>;
  const subject = socket.getPeerCertificate?.()?.subject;
  if (!subject || Object.keys(subject).length === 0) return undefined;
  return Object.entries(subject)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(",");
}

/** Starts a fault server on a free loopback port. */
export async function startFaultServer(options: FaultServerOptions = {}): Promise<FaultServer> {
  const certificates = await testCertificates();
  const requests: RecordedRequest[] = [];
  const tlsFailures: string[] = [];
  const sockets = new Set<Socket>();
  const context: BehaviourContext = { timers: new Set(), sequenceHits: new WeakMap(), seenRequests: new WeakMap() };
  const fallback = options.behaviour ?? { kind: "kube" };

  const handle = async (incoming: IncomingMessage, response: ServerResponse): Promise<void> => {
    const parsed = new URL(incoming.url ?? "/", "http://fault.invalid");
    const method = (incoming.method ?? "GET").toUpperCase();
    const authorization = incoming.headers.authorization;
    const request: RecordedRequest = {
      method,
      url: incoming.url ?? "/",
      pathname: parsed.pathname,
      query: parsed.searchParams,
      headers: { ...incoming.headers },
      authorization,
      body: "",
      bytesSent: 0,
      clientClosedEarly: false,
      clientCertificateSubject: clientSubject(incoming),
    };
    requests.push(request);
    response.once("close", () => {
      if (!response.writableFinished) request.clientClosedEarly = true;
    });
    request.body = await readBody(incoming);
    const route = options.routes?.find((candidate) => matches(candidate, method, parsed.pathname, parsed.searchParams));
    perform(route?.behaviour ?? fallback, request, response, incoming, context);
  };
  const listener = (incoming: IncomingMessage, response: ServerResponse): void => void handle(incoming, response);

  const protocol = options.protocol ?? "https";
  const server: Server =
    protocol === "http"
      ? createHttpServer(listener)
      : createHttpsServer(
          {
            ...pickCertificate(certificates, options.certificate ?? "valid"),
            ...(options.requestClientCertificate ? { requestCert: true, rejectUnauthorized: false, ca: certificates.ca.cert } : {}),
          },
          listener,
        );
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  server.on("tlsClientError", (error: Error) => tlsFailures.push(error.message));
  server.on("clientError", (_error, socket: Socket) => socket.destroy());

  const host = options.listenAddress ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  let closed: Promise<void> | undefined;
  return {
    url: `${protocol}://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    caFile: certificates.ca.certFile,
    certificates,
    requests,
    tlsFailures,
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const timer of context.timers) clearTimeout(timer);
        context.timers.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closed;
    },
  };
}

/** A URL on a loopback port nothing listens on (connection refused). */
export async function refusedUrl(): Promise<string> {
  const probe = createNetServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", () => resolve()));
  const port = (probe.address() as AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `https://127.0.0.1:${port}`;
}

/** A URL whose host name cannot resolve (`.invalid` is reserved for exactly that, RFC 2606). */
export function unresolvableUrl(): string {
  return "https://saprobe-fault.invalid:6443";
}
