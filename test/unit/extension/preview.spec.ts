import { expect } from "chai";
import { escapeHtml, loadJquerySource, renderPreviewPage } from "../../../src/extension/preview.js";

const extension = { html: '<div id="x"></div>', css: ".x{}", javascript: 'var s = "</script><b>";' };

describe("renderPreviewPage", () => {
  it("inlines jQuery, the ITRP stand-in, the extension and its stored values in one page", () => {
    const page = renderPreviewPage({ title: "T", extensionTitle: "Ext", extension, values: { a: 1 } });
    expect(page).to.contain(loadJquerySource().slice(0, 200));
    expect(page).to.contain("window.ITRP_STANDIN = {");
    // 4me's documentation calls the API by its bare name: the page hands it over as a name in scope, not on window.
    expect(page).to.contain("(function (ITRP) {");
    expect(page).to.not.contain("window.ITRP =");
    expect(page).to.contain('<div id="x"></div>');
    expect(page).to.contain('<script type="application/json" id="standin_values">{"a":1}</script>');
  });

  it("keeps script text and stored values from ending their <script> element", () => {
    const page = renderPreviewPage({
      title: "T",
      extensionTitle: "Ext",
      extension,
      values: { evil: "</script><script>alert(1)</script>" },
    });
    expect(page).to.contain('var s = "<\\/script><b>";');
    expect(page).to.contain("\\u003c/script>\\u003cscript>alert(1)\\u003c/script>");
    // jQuery, the stand-in, the values and the runner: four elements, so four closing tags and no more.
    expect(page.match(/<\/script>/g)?.length).to.equal(4);
  });

  it("shows the record's fields, linking only http(s) values", () => {
    const page = renderPreviewPage({
      title: "T",
      extensionTitle: "Ext",
      extension,
      values: {},
      record: {
        heading: "CI <1>",
        fields: [
          { label: "System ID", value: "https://a.example/x", href: "https://a.example/x" },
          { label: "Bad", value: "v", href: "javascript:alert(1)" },
        ],
        relations: [{ label: "Users", value: "Anders" }],
      },
    });
    expect(page).to.contain("CI &#60;1&#62;");
    expect(page).to.contain('<a href="https://a.example/x" target="_blank" rel="noopener noreferrer">');
    expect(page).to.not.contain("javascript:alert");
    expect(page).to.contain("<dt>Users</dt><dd>Anders</dd>");
  });

  it("escapes the five HTML-special characters", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).to.equal(
      "&#60;a href=&#34;x&#34; title=&#39;y&#39;&#62;&#38;&#60;/a&#62;",
    );
  });
});
