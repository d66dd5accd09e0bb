// Writes the rendered CI UI extension into a folder, for a person to paste into 4me by hand.
// Used by `npm run ui-extension:render` (through src/cli.ts) and runnable on its own:
//   tsx src/extension/render-to-folder.ts <dir>
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { renderCiExtension } from "./render.js";

export const RENDERED_FILE_NAMES = {
  html: "ci-extension.html",
  css: "ci-extension.css",
  javascript: "ci-extension.js",
} as const;

/** Renders the extension into `dir` (created if missing) and returns the paths written. */
export async function renderToFolder(dir: string): Promise<string[]> {
  const rendered = renderCiExtension();
  const target = resolve(dir);
  await mkdir(target, { recursive: true });
  const written: string[] = [];
  for (const part of ["html", "css", "javascript"] as const) {
    const path = join(target, RENDERED_FILE_NAMES[part]);
    await writeFile(path, rendered[part], "utf8");
    written.push(path);
  }
  return written;
}

const runDirectly = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (runDirectly) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write("usage: tsx src/extension/render-to-folder.ts <dir>\n");
    process.exitCode = 2;
  } else {
    renderToFolder(dir).then(
      (paths) => process.stdout.write(`${paths.join("\n")}\n`),
      (error: unknown) => {
        process.stderr.write(`ui-extension render failed: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exitCode = 1;
      },
    );
  }
}
