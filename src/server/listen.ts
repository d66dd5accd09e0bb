// Starts an app on a port (0 = ephemeral) and hands back its URL and a close. (Since Node 19, close() also ends
// idle keep-alive connections, so it does not hang on them.)
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Listening {
  /** A URL that reaches the server from this host (loopback for a wildcard address). */
  url: string;
  /** What the socket is bound to, e.g. `0.0.0.0:3000` (every IPv4 interface) or `127.0.0.1:3000`. */
  bound: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export async function listen(app: RequestListener, options: { port?: number; host?: string } = {}): Promise<Listening> {
  const host = options.host ?? "127.0.0.1";
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port, address } = server.address() as AddressInfo;
  // A wildcard address is not something to connect to; loopback reaches it.
  const urlHost = host === "0.0.0.0" ? "127.0.0.1" : host === "::" ? "[::1]" : host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    bound: `${address.includes(":") ? `[${address}]` : address}:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
