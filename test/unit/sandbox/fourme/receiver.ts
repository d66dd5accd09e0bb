// A stand-in for the connector's webhook endpoint: records each delivery and answers 200. It can also play the
// receiver's half of webhook.verify by GETting the callback (after checking the JWT, like the real receiver).
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { decodeJwt } from "jose";

export interface Received {
  headers: IncomingHttpHeaders;
  body: { jwt?: string };
  data: { event: string; payload: Record<string, unknown> } & Record<string, unknown>;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** GET the webhook.verify callback before answering. */
  followVerify: boolean;
  status: number;
  close(): Promise<void>;
}

export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const r: Partial<Receiver> = { received, followVerify: false, status: 200 };
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString("utf8")));
    req.on("end", async () => {
      const body = JSON.parse(raw || "{}") as { jwt?: string };
      const data = (body.jwt ? (decodeJwt(body.jwt).data as Received["data"]) : {}) as Received["data"];
      received.push({ headers: req.headers, body, data });
      if (r.followVerify && data.event === "webhook.verify") await fetch(String(data.payload.callback));
      res.writeHead(r.status!, { "Content-Type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  r.url = `http://127.0.0.1:${port}/webhooks/4me`;
  r.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return r as Receiver;
}
