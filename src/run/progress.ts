/**
 * Progress of a sweep: on a TTY, a live block with one bar per active run and an overall line;
 * otherwise (CI, logs), plain lines every `intervalSeconds` and one per finished run.
 */
import type { Progress } from './execute.ts';

export interface ProgressDisplay {
  update(worker: number, progress: Progress): void;
  /** A run finished (its worker is idle until the next one). */
  finished(worker: number, line: string): void;
  setTotals(done: number, total: number): void;
  close(): void;
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600)
    return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.round((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

function describe(p: Progress, started: number): string {
  const fraction = p.steps ? p.step / p.steps : 0;
  const elapsed = (Date.now() - started) / 1000;
  const eta = fraction > 0 ? (elapsed / fraction) * (1 - fraction) : Number.NaN;
  const acc = p.accuracy === null ? '' : ` acc ${p.accuracy.toFixed(3)}`;
  const bound = p.bound === null ? '' : ` I ${p.bound.toFixed(3)}`;
  return `step ${p.step}/${p.steps}${acc}${bound} eta ${formatSeconds(eta)}`;
}

/** A display for `stream` (a TTY gets bars). */
export function createProgress(stream: NodeJS.WriteStream, intervalSeconds = 30): ProgressDisplay {
  const active = new Map<number, { progress: Progress; started: number }>();
  let done = 0;
  let total = 0;
  const sweepStarted = Date.now();
  // A worker's current run; a new run id restarts its clock (for the ETA).
  const track = (worker: number, progress: Progress) => {
    const entry = active.get(worker);
    if (!entry || entry.progress.id !== progress.id)
      active.set(worker, { progress, started: Date.now() });
    else entry.progress = progress;
  };
  if (!stream.isTTY) {
    let lastPrint = 0;
    return {
      update(worker, progress) {
        track(worker, progress);
        const now = Date.now();
        if (now - lastPrint >= intervalSeconds * 1000) {
          lastPrint = now;
          for (const e of active.values()) {
            stream.write(
              `[${done}/${total}] ${e.progress.id} ${describe(e.progress, e.started)}\n`,
            );
          }
        }
      },
      finished(worker, line) {
        active.delete(worker);
        stream.write(`${line}\n`);
      },
      setTotals(d, t) {
        done = d;
        total = t;
      },
      close() {},
    };
  }
  let drawn = 0;
  const width = 24;
  const draw = () => {
    const columns = stream.columns || 100;
    const lines: string[] = [];
    const elapsed = (Date.now() - sweepStarted) / 1000;
    lines.push(`runs ${done}/${total} done, ${formatSeconds(elapsed)} elapsed`);
    for (const e of active.values()) {
      const p = e.progress;
      const filled = Math.round((p.steps ? p.step / p.steps : 0) * width);
      const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
      lines.push(`${bar} ${p.id} ${describe(p, e.started)}`.slice(0, columns - 1));
    }
    let out = drawn > 0 ? `\x1b[${drawn}A` : '';
    for (const line of lines) out += `\x1b[2K${line}\n`;
    stream.write(out);
    drawn = lines.length;
  };
  const timer = setInterval(draw, 500);
  return {
    update(worker, progress) {
      track(worker, progress);
    },
    finished(worker, line) {
      active.delete(worker);
      if (drawn > 0) stream.write(`\x1b[${drawn}A\x1b[0J`);
      drawn = 0;
      stream.write(`${line}\n`);
      draw();
    },
    setTotals(d, t) {
      done = d;
      total = t;
    },
    close() {
      clearInterval(timer);
      draw();
    },
  };
}

export { formatSeconds };
