// A JSON custom field as the connector wrote it, or undefined when empty or not JSON: a spoiled hidden field loses
// only what the form shows from it, never a run.
export function parseJsonField(json: string | null | undefined): unknown {
  if (!json) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    return undefined;
  }
}
