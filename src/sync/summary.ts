// The run summary written to the app instance's form (sync_start_at, sync_end_at, sync_duration, sync_summary).
// Pure. The text is kept under 15,000 characters (issue 6): counts always fit, the error list is cut to the space left.

export const MAX_SUMMARY_CHARS = 15_000;
/** One error line is cut to this length so a single huge message cannot crowd out the others. */
export const MAX_ERROR_CHARS = 500;
/** At most this many errors are listed; the rest are counted. */
export const MAX_LISTED_ERRORS = 50;

export interface RunSummaryInput {
  startedAt: Date;
  endedAt: Date;
  /** succeeded | partial | failed (SyncRun.status). */
  status: string;
  /**
   * Counts by name. Known names: seen, in_scope, created, updated, unchanged, retired, reactivated,
   * users_not_found, skipped:<reason>, excluded:<reason>, cleaned:<warning>. Others are listed under "Other".
   */
  counts: Readonly<Record<string, number>>;
  errors: readonly string[];
}

export interface RunSummary {
  /** ISO timestamps without milliseconds. */
  startAt: string;
  endAt: string;
  /** "1 min 5 s". */
  duration: string;
  text: string;
}

const MAIN: [string, string][] = [
  ["seen", "Seen in Intune"],
  ["in_scope", "In scope"],
  ["created", "Created"],
  ["updated", "Updated"],
  ["unchanged", "Unchanged"],
  ["retired", "Retired"],
  ["reactivated", "Reactivated"],
  ["users_not_found", "Users not found in 4me"],
];
const GROUPS: [string, string][] = [
  ["skipped:", "Skipped"],
  ["excluded:", "Excluded by the import filters"],
  ["cleaned:", "Cleaned values"],
  ["postponed:", "Postponed to the next run"],
];

export function renderRunSummary(input: RunSummaryInput, maxChars: number = MAX_SUMMARY_CHARS): RunSummary {
  const startAt = iso(input.startedAt);
  const endAt = iso(input.endedAt);
  const duration = formatDuration(input.endedAt.getTime() - input.startedAt.getTime());
  const lines: string[] = [`Sync ${input.status}: ${human(startAt)} to ${human(endAt)} (${duration})`];

  const used = new Set<string>();
  const main = MAIN.filter(([k]) => k in input.counts).map(([k, label]) => {
    used.add(k);
    return `${label}: ${num(input.counts[k])}`;
  });
  if (main.length) lines.push(main.join(" · "));

  for (const [prefix, label] of GROUPS) {
    const parts = Object.entries(input.counts)
      .filter(([k, n]) => k.startsWith(prefix) && n > 0)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, n]) => {
        used.add(k);
        return `${k.slice(prefix.length).replace(/_/g, " ")} ${num(n)}`;
      });
    if (parts.length) lines.push(`${label}: ${parts.join(", ")}`);
  }
  const other = Object.entries(input.counts)
    .filter(([k, n]) => !used.has(k) && !GROUPS.some(([p]) => k.startsWith(p)) && n > 0)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, n]) => `${k.replace(/_/g, " ")} ${num(n)}`);
  if (other.length) lines.push(`Other: ${other.join(", ")}`);

  let text = lines.join("\n");
  // Counts are few and short; should a caller pass absurdly many, they are cut like everything else.
  if (text.length > maxChars) text = text.slice(0, maxChars - 1) + "…";
  else if (input.errors.length) text = appendErrors(text, input.errors, maxChars);
  return { startAt, endAt, duration, text };
}

function appendErrors(head: string, errors: readonly string[], maxChars: number): string {
  const total = errors.length;
  const tail = (shown: number) => (shown < total ? `\n… and ${num(total - shown)} more` : "");
  let text = `${head}\nErrors (${num(total)}):`;
  let shown = 0;
  for (const raw of errors.slice(0, MAX_LISTED_ERRORS)) {
    const one = raw.replace(/\s+/g, " ").trim();
    const line = `\n- ${one.length > MAX_ERROR_CHARS ? one.slice(0, MAX_ERROR_CHARS - 1) + "…" : one}`;
    // Keep room for the "… and N more" line that follows a cut list.
    if (text.length + line.length + tail(shown + 1).length > maxChars) break;
    text += line;
    shown++;
  }
  const end = tail(shown);
  if (text.length + end.length <= maxChars) return text + end;
  return text.length <= maxChars ? text : head;
}

/** "0 s", "45 s", "1 min 5 s", "2 h 3 min". */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h) return `${h} h ${m} min`;
  if (m) return `${m} min ${sec} s`;
  return `${sec} s`;
}

function iso(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

function human(isoText: string): string {
  return isoText.replace("T", " ").replace("Z", " UTC");
}

function num(n: number): string {
  return n.toLocaleString("en-US");
}
