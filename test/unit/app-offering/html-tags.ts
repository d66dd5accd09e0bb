// A small reader for our own UI-extension HTML: each element with its attributes and its open ancestors. It is
// enough for the files we write (no scripts, no ">" inside attribute values); the browser tests check the real DOM.
export interface Tag {
  name: string;
  attrs: Map<string, string>;
  ancestors: Tag[];
  /** Text up to the element's closing tag (for <option>, its label). */
  text: string;
}

const VOID = new Set(["input", "br", "img", "meta", "link", "hr"]);

export function readTags(html: string): Tag[] {
  const source = html.replace(/<!--[\s\S]*?-->/g, "");
  const tags: Tag[] = [];
  const open: Tag[] = [];
  const re = /<(\/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[^\s=>/]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+))?)*)\s*(\/?)>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(source))) {
    const [, closing, rawName, rawAttrs, selfClosing] = m;
    const name = rawName.toLowerCase();
    if (closing) {
      const at = open.map((t) => t.name).lastIndexOf(name);
      if (at < 0) throw new Error(`unexpected </${name}> at ${m.index}`);
      const closed = open.splice(at);
      if (closed.length > 1) throw new Error(`<${closed[1].name}> not closed before </${name}> at ${m.index}`);
      continue;
    }
    const attrs = new Map<string, string>();
    for (const a of rawAttrs.matchAll(/([^\s=>/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?/g)) {
      attrs.set(a[1].toLowerCase(), a[2] === undefined ? "" : decodeEntities(a[2].replace(/^["']|["']$/g, "")));
    }
    const end = source.indexOf(`</${name}`, re.lastIndex);
    const tag: Tag = {
      name,
      attrs,
      ancestors: [...open],
      text:
        end < 0
          ? ""
          : decodeEntities(
              source
                .slice(re.lastIndex, end)
                .replace(/<[^>]*>/g, "")
                .trim(),
            ),
    };
    tags.push(tag);
    if (!VOID.has(name) && !selfClosing) open.push(tag);
  }
  if (open.length > 0) throw new Error(`unclosed <${open[open.length - 1].name}>`);
  return tags;
}

export function classesOf(tag: Tag): string[] {
  return (tag.attrs.get("class") ?? "").split(/\s+/).filter(Boolean);
}

const NAMED: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  ldquo: "\u201c",
  rdquo: "\u201d",
  ndash: "\u2013",
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, code: string) => {
    if (code[0] === "#")
      return String.fromCodePoint(code[1].toLowerCase() === "x" ? parseInt(code.slice(2), 16) : Number(code.slice(1)));
    return NAMED[code] ?? whole;
  });
}
