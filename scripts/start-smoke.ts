// CI: starts the compiled server (`npm start`, which runs dist/cli.js) once with sandbox-like settings, waits for
// GET /healthz to answer 200, stops it with SIGTERM and expects a clean stop, so a broken build or start script cannot
// land. Needs `npm run build` first. Everything stays on 127.0.0.1 and in a temporary folder.
import { spawn } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const LIMIT_MS = 30_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function main(): Promise<number> {
  if (!existsSync("dist/cli.js")) {
    console.error("start smoke test: dist/cli.js is missing: run npm run build first");
    return 1;
  }
  const dir = mkdtempSync(join(tmpdir(), "start-smoke-"));
  const port = await freePort();
  const { publicKey } = generateKeyPairSync("ec", { namedCurve: "P-521" });
  const child = spawn("npm", ["start", "--silent"], {
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      HOST: "127.0.0.1",
      PORT: String(port),
      LOG_LEVEL: "info",
      DATABASE_URL: join(dir, "connector.db"),
      SECRET_KEY: randomBytes(32).toString("base64"),
      FOURME_PROVIDER_ACCOUNT: "ci-provider",
      FOURME_PROVIDER_CLIENT_ID: "ci-client",
      FOURME_PROVIDER_CLIENT_SECRET: randomBytes(16).toString("hex"),
      MS_CLIENT_ID: "00000000-0000-0000-0000-000000000001",
      MS_CLIENT_SECRET: randomBytes(16).toString("hex"),
      FOURME_WEBHOOK_PUBLIC_KEY: publicKey.export({ type: "spki", format: "pem" }).toString(),
      // Nothing to schedule; a long tick keeps the smoke test quiet.
      SCHEDULER_TICK_SECONDS: "3600",
    },
  });
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString("utf8")));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString("utf8")));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  try {
    const deadline = Date.now() + LIMIT_MS;
    let healthy = false;
    while (!healthy && Date.now() < deadline) {
      healthy = await fetch(`http://127.0.0.1:${port}/healthz`).then(
        (r) => r.status === 200,
        () => false,
      );
      if (!healthy) await sleep(250);
    }
    if (!healthy) {
      console.error(`start smoke test: GET /healthz did not answer 200 within ${LIMIT_MS / 1000} s\n${output}`);
      return 1;
    }
    if (!/connector listening on 127\.0\.0\.1:\d+/.test(output)) {
      console.error(`start smoke test: no "connector listening on" line in the log\n${output}`);
      return 1;
    }
    // The whole group: npm itself ends on the signal; what counts is that the server stopped cleanly.
    process.kill(-child.pid!, "SIGTERM");
    const ended = await Promise.race([exited.then(() => true), sleep(LIMIT_MS).then(() => false)]);
    await sleep(200); // the last log lines
    if (!ended || !/"msg":"stopped"/.test(output)) {
      console.error(`start smoke test: the server did not stop cleanly after SIGTERM\n${output}`);
      return 1;
    }
    console.log(
      `start smoke test: npm start (dist/cli.js) answered GET /healthz 200 on port ${port} and stopped cleanly`,
    );
    return 0;
  } finally {
    if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`start smoke test failed to run: ${(err as Error).message}`);
    process.exit(1);
  },
);
