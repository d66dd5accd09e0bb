// The administrator's browser on a consent link, for the harness, the demo and the tests: it follows redirects and
// submits Microsoft's form_post page as a browser's script would (Microsoft's sign-in answers with a page holding a
// hidden form that posts the code to our callback), until a page that is neither. Nobody types a password: the
// Microsoft simulator signs in whoever its `signIn` control names.
export interface ConsentVisit {
  /** HTTP status of the last page. */
  status: number;
  html: string;
  /** The connector's consent page's data-result, when the visit ended there. */
  result: string | undefined;
  /** Every request the browser made, as "METHOD url → status", for failure messages. */
  steps: string[];
}

const MAX_STEPS = 10;

const UNESCAPE: Record<string, string> = { "&amp;": "&", "&quot;": '"', "&#39;": "'", "&lt;": "<", "&gt;": ">" };
const unescapeHtml = (s: string) => s.replace(/&(amp|quot|#39|lt|gt);/g, (m) => UNESCAPE[m] ?? m);

/** A form_post page's target and fields, or undefined when the page is not one. */
export function formPostOf(html: string): { action: string; fields: Record<string, string> } | undefined {
  const form = /<form[^>]*method="POST"[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) return undefined;
  const fields: Record<string, string> = {};
  for (const m of form[2].matchAll(/<input[^>]*type="hidden"[^>]*name="([^"]+)"[^>]*value="([^"]*)"/gi)) {
    fields[unescapeHtml(m[1])] = unescapeHtml(m[2]);
  }
  return { action: unescapeHtml(form[1]), fields };
}

export async function followConsentLink(link: string): Promise<ConsentVisit> {
  const steps: string[] = [];
  let res = await fetch(link, { redirect: "manual" });
  steps.push(`GET ${link} → ${res.status}`);
  for (let i = 0; i < MAX_STEPS; i++) {
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location) {
      await res.arrayBuffer();
      const next = new URL(location, res.url || link).toString();
      res = await fetch(next, { redirect: "manual" });
      steps.push(`GET ${next} → ${res.status}`);
      continue;
    }
    const html = await res.text();
    const post = res.status === 200 ? formPostOf(html) : undefined;
    if (!post) return { status: res.status, html, result: /data-result="([^"]*)"/.exec(html)?.[1], steps };
    res = await fetch(post.action, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(post.fields).toString(),
    });
    steps.push(`POST ${post.action} → ${res.status}`);
  }
  throw new Error(`the consent link did not settle in ${MAX_STEPS} steps: ${steps.join("; ")}`);
}
