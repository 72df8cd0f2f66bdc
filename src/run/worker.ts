/**
 * Worker process of the run pool: initializes the backend once, imports the user's modules
 * (they may register encoders, critics, bounds), then executes the runs it is sent, one at a
 * time, reporting progress. Protocol (IPC messages):
 *   parent → worker: {type: 'init', backend, modules} |
 *                    {type: 'run', spec, resultsDir, keepCheckpoints, resume} | {type: 'stop'}
 *   worker → parent: {type: 'ready', backend} | {type: 'progress', progress} | {type: 'note', line} |
 *                    {type: 'done', id, status, error?} | {type: 'fatal', message}
 */
import { pathToFileURL } from 'node:url';
import { initBackend } from '../backend.ts';
import type { KeepCheckpoints } from '../results/checkpoints.ts';
import { versions } from '../version.ts';
import { executeRun } from './execute.ts';
import type { RunSpec } from './grid.ts';

type Message =
  | { type: 'init'; backend: string; modules: string[] }
  | {
      type: 'run';
      spec: RunSpec;
      resultsDir: string;
      keepCheckpoints: KeepCheckpoints;
      resume: boolean;
    }
  | { type: 'stop' };

let backendName = '';
let stopping = false;
// Progress messages are throttled: a step takes milliseconds, the display needs a few per second.
const PROGRESS_INTERVAL_MS = 250;

function send(message: unknown): void {
  process.send?.(message);
}

// Ctrl-C reaches the whole process group: let the parent decide (it sends 'stop').
process.on('SIGINT', () => {
  stopping = true;
});
// A parent that died (killed, or its terminal closed) leaves no one to report to: exit. The
// record on disk holds every finished evaluation; the next invocation reruns the run.
process.on('disconnect', () => process.exit(1));

process.on('message', async (message: Message) => {
  try {
    if (message.type === 'init') {
      const report = await initBackend(message.backend);
      backendName = report.name;
      for (const module of message.modules) await import(pathToFileURL(module).href);
      send({ type: 'ready', backend: report.name });
    } else if (message.type === 'stop') {
      stopping = true;
    } else if (message.type === 'run') {
      let last = 0;
      const record = await executeRun(message.spec, {
        resultsDir: message.resultsDir,
        backend: backendName,
        versions: versions(),
        shouldStop: () => stopping,
        keepCheckpoints: message.keepCheckpoints,
        resume: message.resume,
        onNote: (line) => send({ type: 'note', line }),
        onProgress: (progress) => {
          const now = Date.now();
          if (now - last >= PROGRESS_INTERVAL_MS) {
            last = now;
            send({ type: 'progress', progress });
          }
        },
      });
      const last_ = record.evaluations.at(-1);
      send({
        type: 'done',
        id: record.id,
        status: stopping && record.status === 'running' ? 'stopped' : record.status,
        error: record.error,
        accuracy: last_?.accuracy ?? null,
        bound: last_?.testBound ?? last_?.trainBound ?? null,
        seconds: record.seconds,
      });
    }
  } catch (error) {
    send({ type: 'fatal', message: (error as Error).message });
  }
});
