// Where a browser test saves its picture: into docs/screenshots (the README's pictures) only when asked with
// UPDATE_SCREENSHOTS=1, otherwise into a temporary folder, so that a test run leaves the work tree as it was.
import { mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const DOCS = fileURLToPath(new URL("../../../docs/screenshots/", import.meta.url));

export function screenshotPath(name: string): string {
  const dir = process.env["UPDATE_SCREENSHOTS"] === "1" ? DOCS : join(tmpdir(), "intune-connector-screenshots");
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
