// Writes the rendered CI UI extension into a folder, for a person to paste into 4me by hand.
// Used by `npm run ui-extension:render` (through src/cli.ts) and runnable on its own:
//   tsx src/extension/render-to-folder.ts <dir>
import { mkdir, stat, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { renderCiExtension } from "./render.js";

export const RENDERED_FILE_NAMES = {
  html: "ci-extension.html",
  css: "ci-extension.css",
  javascript: "ci-extension.js",
} as const;

/** Renders the extension into `dir` (created if missing) and returns the paths written. */
export async function renderToFolder(dir: string): Promise<string[]> {
  if (dir.trim() === "") throw new Error("ui-extension render: the output folder is empty");
  const rendered = renderCiExtension();
  const target = resolve(dir);
  await makeFolder(target);
  const written: string[] = [];
  for (const part of ["html", "css", "javascript"] as const) {
    const path = join(target, RENDERED_FILE_NAMES[part]);
    await writeFile(path, rendered[part], "utf8");
    written.push(path);
  }
  return written;
}

/**
 * Creates `folder` and its missing parents one level at a time. Not mkdir's `recursive`: on Node 20 it loops for
 * ever on a folder that cannot be created under an existing one (e.g. /proc/nope), instead of failing.
 */
async function makeFolder(folder: string): Promise<void> {
  const info = await stat(folder).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return undefined;
    throw new Error(`cannot use ${folder} as the output folder: ${err.message}`);
  });
  if (info) {
    if (!info.isDirectory()) throw new Error(`cannot use ${folder} as the output folder: it is not a folder`);
    return;
  }
  const parent = dirname(folder);
  if (parent !== folder) await makeFolder(parent);
  await mkdir(folder).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "EEXIST") return;
    throw new Error(`cannot create the output folder ${folder}: ${err.code ?? err.message}`);
  });
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
