// Progress of a sync run's long phases: the count, the total when known, and an estimate of the time left. Every
// phase that can take more than a couple of seconds reports here, so neither the CLI nor the run's log goes silent.
import type { Logger } from "../logger.js";

/** read: Intune's devices; write: CIs to 4me; compliance: failing policies of flagged devices; alerts: requests. */
export type SyncPhase = "read" | "write" | "compliance" | "alerts";

export const PHASE_LABELS: Record<SyncPhase, string> = {
  read: "Reading Intune",
  write: "Writing to 4me",
  compliance: "Reading compliance",
  alerts: "Writing alerts",
};

export interface SyncProgress {
  phase: SyncPhase;
  done: number;
  /** Undefined when not known (a first read of a fleet not counted yet). */
  total?: number;
  /** Seconds left at the pace so far; undefined until there is a pace and a total. */
  etaSeconds?: number;
  /** Milliseconds since the phase's first report. */
  elapsedMs: number;
}

/** A run's phases report `(phase, done, total?)`; this adds the estimate, logs and forwards. */
export type ReportProgress = (phase: SyncPhase, done: number, total?: number) => void;

export interface ProgressReporter extends ReportProgress {
  /** Stops the repeat timer (at the end of the run). */
  close(): void;
}

/** How often a phase's progress is logged (and when it ends). */
export const PROGRESS_LOG_EVERY_MS = 2_000;

/**
 * While a phase is under way and reports nothing (a throttled Graph read waiting for its Retry-After, a bulk upload
 * waiting for its result), its last count is repeated every `logEveryMs` with the time gone up, so the CLI and the
 * log still show that it runs and how long it has taken.
 */
export function progressReporter(options: {
  now: () => number;
  log: Logger;
  onProgress?: (p: SyncProgress) => void;
  logEveryMs?: number;
}): ProgressReporter {
  const every = options.logEveryMs ?? PROGRESS_LOG_EVERY_MS;
  const started = new Map<SyncPhase, number>();
  const logged = new Map<SyncPhase, number>();
  let open: { phase: SyncPhase; done: number; total?: number } | undefined;
  const timer = setInterval(() => {
    if (open) report(open.phase, open.done, open.total);
  }, every);
  timer.unref();
  const report: ReportProgress = (phase, done, total) => {
    const now = options.now();
    if (!started.has(phase)) started.set(phase, now);
    const elapsedMs = now - started.get(phase)!;
    // An estimated total that the count outgrew is no total at all.
    const knownTotal = total !== undefined && total >= done ? total : undefined;
    const p: SyncProgress = { phase, done, elapsedMs, ...(knownTotal !== undefined ? { total: knownTotal } : {}) };
    const eta = estimateSeconds(done, knownTotal, elapsedMs);
    if (eta !== undefined) p.etaSeconds = eta;
    options.onProgress?.(p);
    const finished = knownTotal !== undefined && done >= knownTotal;
    open = finished ? undefined : { phase, done, total };
    if (finished || now - (logged.get(phase) ?? started.get(phase)!) >= every) {
      logged.set(phase, now);
      options.log.info(
        { phase, done, total: p.total, etaSeconds: p.etaSeconds, elapsedMs },
        `${PHASE_LABELS[phase]}: ${describeProgress(p)}`,
      );
    }
  };
  return Object.assign(report, { close: () => clearInterval(timer) });
}

/** Seconds left at the pace so far, or undefined without a total or a pace. */
export function estimateSeconds(done: number, total: number | undefined, elapsedMs: number): number | undefined {
  if (total === undefined || done <= 0 || elapsedMs <= 0) return undefined;
  return Math.max(0, Math.round(((total - done) * elapsedMs) / done / 1000));
}

/** "1200/3000, about 4 s left", "1200 so far", "3000/3000 in 6.1 s". */
export function describeProgress(p: SyncProgress): string {
  const count = p.total !== undefined ? `${p.done}/${p.total}` : `${p.done} so far`;
  if (p.total !== undefined && p.done >= p.total) return `${count} in ${(p.elapsedMs / 1000).toFixed(1)} s`;
  return p.etaSeconds !== undefined ? `${count}, about ${formatSeconds(p.etaSeconds)} left` : count;
}

export function formatSeconds(s: number): string {
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}
