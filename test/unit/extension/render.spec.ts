import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { CI_EXTENSION_DIR, renderCiExtension } from "../../../src/extension/render.js";
import { RENDERED_FILE_NAMES, renderToFolder } from "../../../src/extension/render-to-folder.js";
import { UI_FIELD_IDS, UI_SECTIONS, type UiSection } from "../../../src/ui-fields.js";
import { classesOf, readTags } from "../app-offering/html-tags.js";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

describe("renderCiExtension", () => {
  const rendered = renderCiExtension();
  const tags = readTags(rendered.html);

  it("renders one section per UI section, in order, with 4me's section classes", () => {
    const sections = tags.filter((t) => classesOf(t).includes("section"));
    expect(sections.map((t) => t.attrs.get("id"))).to.deep.equal(UI_SECTIONS.map((s) => `intune_section_${s.id}`));
    const headers = tags.filter((t) => classesOf(t).includes("section-header"));
    expect(headers.map((t) => t.text)).to.deep.equal(UI_SECTIONS.map((s) => s.title));
  });

  it("renders every field the mapper writes as a read-only input in a vertical row, under its section", () => {
    const inputs = tags.filter((t) => t.name === "input");
    expect(inputs.map((t) => t.attrs.get("id"))).to.deep.equal([...UI_FIELD_IDS]);
    for (const section of UI_SECTIONS) {
      for (const field of section.fields) {
        const input = inputs.find((t) => t.attrs.get("id") === field.id)!;
        expect(input.attrs.has("disabled"), field.id).to.equal(true);
        expect(classesOf(input)).to.include(`intune-kind-${field.kind}`);
        const row = input.ancestors[input.ancestors.length - 1];
        expect(classesOf(row)).to.include.members(["row", "vertical"]);
        expect(input.ancestors.some((a) => a.attrs.get("id") === `intune_section_${section.id}`)).to.equal(true);
        const label = tags.find((t) => t.name === "label" && t.attrs.get("for") === field.id)!;
        expect(label.text).to.equal(field.label);
        expect(label.attrs.get("title")).to.equal(field.help);
      }
    }
  });

  it("includes a link field for the device's page in the Intune admin center", () => {
    expect(UI_SECTIONS.flatMap((s) => s.fields).find((f) => f.kind === "link")?.id).to.equal("intune_device_link");
  });

  it("ships the stylesheet and script as they are", () => {
    expect(rendered.css).to.equal(readFileSync(join(CI_EXTENSION_DIR, "style.css"), "utf8"));
    expect(rendered.javascript).to.equal(readFileSync(join(CI_EXTENSION_DIR, "script.js"), "utf8"));
  });

  it("escapes labels and help text", () => {
    const sections: UiSection[] = [
      {
        id: "s",
        title: "A & B <i>",
        fields: [{ id: "f_1", label: '<script>alert("x")</script>', help: 'say "hi"', kind: "text" }],
      },
    ];
    const html = renderCiExtension(sections).html;
    expect(html).to.not.contain("<script>");
    expect(html).to.contain("&lt;script&gt;");
    expect(html).to.contain("A &amp; B &lt;i&gt;");
    expect(html).to.contain('title="say &quot;hi&quot;"');
  });

  it("refuses ids that are not plain field ids, or appear twice", () => {
    const field = { id: "ok", label: "L", help: "H", kind: "text" as const };
    expect(() => renderCiExtension([{ id: "s", title: "T", fields: [{ ...field, id: 'x" onclick="y' }] }])).to.throw(
      /must match/,
    );
    expect(() => renderCiExtension([{ id: "s", title: "T", fields: [field, field] }])).to.throw(/more than once/);
  });
});

describe("renderToFolder", () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), "ci-extension-"));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes the html, css and javascript for pasting into 4me", async () => {
    const written = await renderToFolder(join(dir, "out"));
    const rendered = renderCiExtension();
    expect(written).to.deep.equal([
      join(dir, "out", RENDERED_FILE_NAMES.html),
      join(dir, "out", RENDERED_FILE_NAMES.css),
      join(dir, "out", RENDERED_FILE_NAMES.javascript),
    ]);
    expect(await readFile(written[0], "utf8")).to.equal(rendered.html);
    expect(await readFile(written[1], "utf8")).to.equal(rendered.css);
    expect(await readFile(written[2], "utf8")).to.equal(rendered.javascript);
  });

  it("runs on its own: tsx src/extension/render-to-folder.ts <dir>", async () => {
    const run = promisify(execFile);
    const { stdout } = await run(process.execPath, ["--import", "tsx", "src/extension/render-to-folder.ts", dir], {
      cwd: ROOT,
    });
    expect(stdout.trim().split("\n")).to.deep.equal(Object.values(RENDERED_FILE_NAMES).map((n) => join(dir, n)));
    expect(await readFile(join(dir, RENDERED_FILE_NAMES.html), "utf8")).to.equal(renderCiExtension().html);
  });

  it("run on its own without a folder, says how to use it and fails", async () => {
    const run = promisify(execFile);
    const error = await run(process.execPath, ["--import", "tsx", "src/extension/render-to-folder.ts"], {
      cwd: ROOT,
    }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(error?.code).to.equal(2);
    expect(error?.stderr).to.contain("usage:");
  });
});
