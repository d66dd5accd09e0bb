// The app offering as we define it (app-offering/offering.json), read and checked. The publish tool turns it into
// 4me's AppOfferingCreate/Update input; tests check it against the form and the scopes' format.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { APP_OFFERING_DIR } from "../extension/render.js";

export const OFFERING_JSON = join(APP_OFFERING_DIR, "offering.json");

/** 4me scope actions: `<model>:<Action>`, hyphenated model, capitalised action (4me-platform.md §5). */
export const SCOPE_ACTION = /^[a-z]+(-[a-z]+)*:(Create|Read|Update|Delete)$/;

const text = z.string().trim().min(1);

const scope = z.object({
  action: z.string().refine((v) => SCOPE_ACTION.test(v), {
    error: (issue) => `"${String(issue.input)}" is not a scope action of the form <model>:<Action>`,
  }),
  reason: text,
});

const nameValue = z.object({ name: text, value: z.string() });

const automationRule = z.object({
  name: text,
  description: text,
  generic: z.enum(["request", "task", "ci", "problem"]).optional(),
  trigger: text,
  condition: text,
  expressions: z.array(nameValue).optional(),
  actions: z.array(nameValue),
});

const schema = z
  .object({
    name: text,
    reference: z.string().regex(/^[a-z0-9_]+$/, "use lower-case letters, digits and underscores"),
    cardDescription: text,
    description: text,
    features: text,
    compliance: text,
    logo: text,
    /** Service instance in the provider account that requests about the app relate to (required by 4me). */
    serviceInstanceName: text,
    form: z.object({
      name: text,
      title: text,
      description: text,
      source: text,
      sourceID: text,
      // No file names: the form's html, css and script are app-offering/form.html, form.css and the parts in
      // app-offering/form/, joined by loadConfigurationForm (src/extension/render.ts).
    }),
    scopes: z.array(scope).min(1),
    automationRules: z.array(automationRule),
    automationRulesRationale: z.string().optional(),
  })
  .superRefine((o, ctx) => {
    const seen = new Set<string>();
    for (const s of o.scopes) {
      if (seen.has(s.action))
        ctx.addIssue({ code: "custom", path: ["scopes"], message: `${s.action} is listed twice` });
      seen.add(s.action);
    }
    if (o.automationRules.length === 0 && !o.automationRulesRationale?.trim()) {
      ctx.addIssue({
        code: "custom",
        path: ["automationRulesRationale"],
        message: "say why no automation rules ship",
      });
    }
  });

export type OfferingDefinition = z.infer<typeof schema>;
export type OfferingScope = OfferingDefinition["scopes"][number];
export type OfferingAutomationRule = OfferingDefinition["automationRules"][number];

/** Reads and checks offering.json (or the given text); a problem names its path and the offending value. */
export function loadOffering(source: string = readFileSync(OFFERING_JSON, "utf8")): OfferingDefinition {
  let data: unknown;
  try {
    data = JSON.parse(source);
  } catch (error) {
    throw new Error(`offering.json is not valid JSON: ${(error as Error).message}`);
  }
  const result = schema.safeParse(data);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`);
    throw new Error(`offering.json: ${problems.join("; ")}`);
  }
  return result.data;
}

/** The logo as a data URI, the form 4me's `pictureUri` accepts (4me-platform.md §5). */
export function logoDataUri(offering: OfferingDefinition): string {
  const svg = readFileSync(join(APP_OFFERING_DIR, offering.logo));
  return `data:image/svg+xml;base64,${svg.toString("base64")}`;
}
