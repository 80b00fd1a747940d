/**
 * A loopback TCP proxy in front of the real API server that can "stop the server" mid-run: it
 * forwards bytes both ways (TLS passes through untouched), counts what the server sent, and once
 * that passes a threshold it destroys every connection and stops listening, so later connections
 * are refused, exactly as if kube-apiserver had been killed.
 */
import { createConnection, createServer, type AddressInfo, type Socket } from "node:net";

/** A running proxy. */
export interface TcpProxy {
  port: number;
  /** Bytes the upstream server has sent through the proxy so far. */
  serverBytes(): number;
  /** True once the proxy has stopped (by threshold or `stop()`). */
  stopped(): boolean;
  /** Kills every connection and stops listening. Idempotent. */
  stop(): Promise<void>;
}

/** Starts a proxy to `host:port`; with `stopAfterServerBytes`, it stops itself after that many bytes from the server. */
export async function startTcpProxy(host: string, port: number, options: { stopAfterServerBytes?: number } = {}): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let fromServer = 0;
  let stopping: Promise<void> | undefined;
  const track = (socket: Socket): void => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };
  const server = createServer((client) => {
    track(client);
    const upstream = createConnection({ host, port });
    track(upstream);
    upstream.on("data", (chunk: Buffer) => {
      fromServer += chunk.length;
      if (options.stopAfterServerBytes !== undefined && fromServer >= options.stopAfterServerBytes) void stop();
    });
    client.pipe(upstream);
    upstream.pipe(client);
    client.once("close", () => upstream.destroy());
    upstream.once("close", () => client.destroy());
  });
  const stop = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
    return stopping;
  };
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  return { port: (server.address() as AddressInfo).port, serverBytes: () => fromServer, stopped: () => stopping !== undefined, stop };
}
