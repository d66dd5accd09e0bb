// Draws a sync run's progress for a person: one redrawn line per phase on a terminal, milestones (every tenth, and
// each phase's end) in a log or pipe. Used by the demo and `sync --account`.
import { describeProgress, PHASE_LABELS, type SyncProgress } from "./sync/progress.js";

export interface ProgressBar {
  (p: SyncProgress): void;
  /** Ends the current line (call before printing anything else). */
  done(): void;
}

export function progressBar(out: NodeJS.WritableStream): ProgressBar {
  const tty = (out as NodeJS.WriteStream).isTTY === true;
  let lastPhase = "";
  let lastTenth = -1;
  let lastLine = 0;
  let open = false;
  const draw = (p: SyncProgress) => {
    const label = PHASE_LABELS[p.phase];
    const share = p.total ? Math.min(1, p.done / p.total) : 0;
    const text = describeProgress(p);
    if (tty) {
      if (open && p.phase !== lastPhase) out.write("\n");
      const width = 30;
      const filled = Math.round(share * width);
      const bar = p.total !== undefined ? `[${"#".repeat(filled)}${".".repeat(width - filled)}] ` : "";
      out.write(`\r${label.padEnd(19)} ${bar}${text}\x1b[K`);
      open = true;
    } else {
      // Every tenth, or every 5 s when the total is not known (or the phase is slow).
      const tenth = Math.floor(share * 10);
      if (p.phase !== lastPhase || tenth !== lastTenth || Date.now() - lastLine >= 5_000) {
        out.write(`${label}: ${text}\n`);
        lastLine = Date.now();
      }
      lastTenth = tenth;
    }
    lastPhase = p.phase;
  };
  return Object.assign(draw, {
    done: () => {
      if (tty && open) out.write("\n");
      open = false;
    },
  });
}
