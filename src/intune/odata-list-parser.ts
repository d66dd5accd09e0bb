// Splits an OData list body (`{"@odata.nextLink": …, "value": [ {…}, {…} ]}`) into the elements of `value` while
// it arrives, so a 1,000-device page never exists as one string nor as one parsed array: each element is parsed on
// its own with the native JSON.parse (a few KB) and handed over at once; the rest of the object (nextLink, count)
// is parsed at the end from what remains, with `value` emptied. Pure: no I/O, fed text chunks split anywhere.
// Why: a whole page's string lands in V8's large-object space and its parse survives the awaits around it, so
// every page left ~5 MB of old-generation garbage that only a full GC returns (see bench/graph-read.ts).

const QUOTE = 0x22;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

export class ODataListParser {
  /** Nesting depth: 1 inside the top-level object, 2 inside `value`'s array (and deeper inside its elements). */
  private depth = 0;
  private inString = false;
  /** The previous chunk ended with the backslash of an escape inside a string. */
  private escaped = false;
  /** The depth-1 string being read (a key, or a value we do not need), in pieces, and the last one completed. */
  private str: string[] | undefined;
  private lastString = "";
  /** The last significant character at depth 1 was the colon after the key "value". */
  private atValue = false;
  /** Inside `value`'s array: the pieces of the element being read. */
  private inItems = false;
  private itemsDone = false;
  private item: string[] = [];
  private itemStarted = false;
  private afterComma = false;
  /** Everything outside `value`'s elements, parsed by end(). */
  private readonly rest: string[] = [];

  /** @param onItem receives each element of `value`, parsed, in order. */
  constructor(private readonly onItem: (item: unknown) => void) {}

  /** Feeds the next piece of the body. */
  write(chunk: string): void {
    const n = chunk.length;
    let restFrom = 0;
    let itemFrom = this.inItems && this.itemStarted ? 0 : -1;
    let strFrom = this.str ? 0 : -1;
    let nextBackslash = -2; // unknown yet; -1 when the chunk has none left
    let i = 0;
    while (i < n) {
      if (this.inString) {
        if (this.escaped) {
          this.escaped = false;
          i++;
          continue;
        }
        // Jump to the string's end: the next quote that no backslash escapes.
        if (nextBackslash !== -1 && nextBackslash < i) nextBackslash = chunk.indexOf("\\", i);
        const quote = chunk.indexOf('"', i);
        if (nextBackslash !== -1 && (quote === -1 || nextBackslash < quote)) {
          if (nextBackslash + 1 < n) i = nextBackslash + 2;
          else {
            this.escaped = true;
            i = n;
          }
          continue;
        }
        if (quote === -1) {
          i = n;
          continue;
        }
        this.inString = false;
        if (this.str) {
          this.str.push(chunk.slice(strFrom, quote));
          this.lastString = this.str.join("");
          this.str = undefined;
          strFrom = -1;
        }
        i = quote + 1;
        continue;
      }

      const c = chunk.charCodeAt(i);
      if (this.inItems) {
        if (this.depth === 2 && (c === COMMA || c === CLOSE_BRACKET)) {
          if (itemFrom >= 0) this.item.push(chunk.slice(itemFrom, i));
          itemFrom = -1;
          this.emitItem(c === COMMA);
          if (c === CLOSE_BRACKET) {
            this.inItems = false;
            this.itemsDone = true;
            this.depth = 1;
            this.atValue = false;
            restFrom = i; // the `]` goes to the rest: `"value":[]`
          }
        } else if (!isSpace(c) || this.itemStarted) {
          if (!this.itemStarted) {
            this.itemStarted = true;
            itemFrom = i;
          }
          if (c === QUOTE) this.inString = true;
          else if (c === OPEN_BRACE || c === OPEN_BRACKET) this.depth++;
          else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) this.depth--;
        }
        i++;
        continue;
      }

      if (c === QUOTE) {
        this.inString = true;
        if (this.depth === 1) {
          this.str = [];
          strFrom = i + 1;
        }
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.depth++;
        if (c === OPEN_BRACKET && this.depth === 2 && this.atValue && !this.itemsDone) {
          this.rest.push(chunk.slice(restFrom, i + 1));
          this.inItems = true;
          this.itemStarted = false;
          this.afterComma = false;
          restFrom = n;
          i++;
          continue;
        }
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--;
      }
      if (this.depth === 1 && !isSpace(c)) this.atValue = c === COLON && this.lastString === "value";
      i++;
    }
    if (this.inItems) {
      if (itemFrom >= 0) this.item.push(chunk.slice(itemFrom));
    } else if (restFrom < n) {
      this.rest.push(chunk.slice(restFrom));
    }
    if (this.str) this.str.push(chunk.slice(strFrom));
  }

  /** The top-level object with `value` emptied, once the whole body was written. */
  end(): Record<string, unknown> {
    if (this.inString || this.depth !== 0 || this.inItems) throw new SyntaxError("the JSON body ended early");
    const text = this.rest.join("");
    if (text.trim() === "") return {};
    const parsed: unknown = JSON.parse(text);
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new SyntaxError("the JSON body is not an object");
    }
    const body = parsed as Record<string, unknown>;
    // A `value` the scan did not stream (its key written with escapes, say) is handed over the same way.
    if (!this.itemsDone && Array.isArray(body.value)) {
      for (const item of body.value as unknown[]) this.onItem(item);
      body.value = [];
    }
    return body;
  }

  private emitItem(byComma: boolean): void {
    const text = this.item.length === 1 ? this.item[0] : this.item.join("");
    this.item = [];
    this.itemStarted = false;
    if (text.trim() === "") {
      if (byComma || this.afterComma) throw new SyntaxError("an empty element in the JSON array `value`");
      return;
    }
    this.afterComma = byComma;
    this.onItem(JSON.parse(text));
  }
}
