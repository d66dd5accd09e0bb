// A loopback HTTP server that serves fixed pages to the browser under test.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface PageServer {
  url(path: string): string;
  close(): Promise<void>;
}

/** Serves each path's HTML; anything else is a 404 (the pages inline everything they need). */
export async function servePages(pages: Record<string, string>): Promise<PageServer> {
  const server: Server = createServer((req, res) => {
    const html = pages[new URL(req.url ?? "/", "http://127.0.0.1").pathname];
    if (html === undefined) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(html);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
