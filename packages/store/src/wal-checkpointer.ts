import type { MikroORM } from '@mikro-orm/core';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';

/** How often the background thread copies the write-ahead log into the database file. */
const DEFAULT_INTERVAL_MS = 500;
/** A last checkpoint longer than this is cut short (the next open of the file finishes it). */
const STOP_TIMEOUT_MS = 5_000;
/** SQLite's own default: a commit that leaves more WAL pages than this checkpoints. */
const SQLITE_AUTOCHECKPOINT_PAGES = 1000;
/** Once fully copied, the WAL file is cut back to this size (it is reused from the start). */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;
/** Checkpoints failing this many times in a row end the thread: SQLite then checkpoints itself. */
const MAX_FAILURES_IN_A_ROW = 3;

/**
 * The thread's code. Plain CommonJS evaluated by the worker, so it runs the same from the built
 * package and from the test runner's sources. A passive checkpoint never waits for and never
 * blocks a reader or a writer; when another connection is checkpointing (the CLI's), it answers
 * busy and this round is that connection's. Checkpoints that keep failing (a full disk, an I/O
 * error) end the thread, so that the server's connection goes back to checkpointing itself.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
let db;
try {
  db = new Database(workerData.path, { fileMustExist: true });
  db.pragma('journal_size_limit = ' + workerData.sizeLimit);
  db.pragma('wal_checkpoint(PASSIVE)');
} catch (error) {
  parentPort.postMessage({ kind: 'failed', message: String(error && error.message || error) });
  process.exit(1);
}
let failures = 0;
const checkpoint = () => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)');
    failures = 0;
    parentPort.postMessage({ kind: 'checkpointed', log: result.log, checkpointed: result.checkpointed });
  } catch (error) {
    failures += 1;
    if (failures < workerData.maxFailures) return;
    parentPort.postMessage({ kind: 'failed', message: String(error && error.message || error) });
    process.exit(1);
  }
};
const timer = setInterval(checkpoint, workerData.intervalMs);
parentPort.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  checkpoint();
  db.close();
  parentPort.close();
});
parentPort.postMessage({ kind: 'ready' });
`;

type WorkerMessage = { kind: 'ready' } | { kind: 'failed'; message: string } | { kind: 'checkpointed'; log: number; checkpointed: number };

export interface WalCheckpointerOptions {
  /** Milliseconds between two checkpoints (default 500). */
  readonly intervalMs?: number;
  /** Told when checkpoints cannot run, or stop running, in the background. Never given SQL data. */
  readonly onProblem?: (message: string) => void;
  /** The better-sqlite3 module the thread loads (default: the one the ORM's connection uses). */
  readonly driver?: string;
}

/**
 * Runs SQLite's WAL checkpoints on a background thread instead of inside a commit.
 *
 * By default SQLite checkpoints within the commit that grows the write-ahead log past 1,000
 * pages: that commit copies the log into the database file and syncs both, and while it does the
 * process answers nothing (measured on this project's audit batches: up to 19 ms, about a
 * quarter of a batch's write time). The server turns those automatic checkpoints off on its
 * connection and runs passive checkpoints from a worker thread with a connection of its own; a
 * passive checkpoint never blocks the server's reads or writes. Should the thread fail, the
 * connection goes back to SQLite's automatic checkpoints, so the log never grows without bound.
 */
export class WalCheckpointer {
  private stopped = false;
  /** Until the thread has answered: settles start() with null (ready) or why it failed. */
  private starting: ((failure: string | null) => void) | null = null;
  private lastProgress: { log: number; checkpointed: number } | null = null;

  private constructor(
    private readonly orm: MikroORM,
    private readonly worker: Worker,
    private readonly onProblem: (message: string) => void,
  ) {}

  /**
   * Starts the thread for the SQLite file at `path`, opened by `orm`. Answers null, with the
   * connection left on automatic checkpoints, when the thread cannot start or open the file.
   */
  static async start(orm: MikroORM, path: string, options: WalCheckpointerOptions = {}): Promise<WalCheckpointer | null> {
    const onProblem = options.onProblem ?? (() => {});
    let worker: Worker | null = null;
    try {
      worker = new Worker(WORKER_SOURCE, {
        eval: true,
        workerData: {
          driver: options.driver ?? ormDriver(),
          path,
          intervalMs: options.intervalMs ?? DEFAULT_INTERVAL_MS,
          sizeLimit: WAL_SIZE_LIMIT_BYTES,
          maxFailures: MAX_FAILURES_IN_A_ROW,
        },
      });
      const checkpointer = new WalCheckpointer(orm, worker, onProblem);
      const started = await new Promise<string | null>((resolve) => {
        checkpointer.starting = resolve;
        worker!.on('message', (message: WorkerMessage) => checkpointer.received(message));
        worker!.on('error', (error) => checkpointer.failed(error.message));
        worker!.on('exit', (code) => checkpointer.failed(`the checkpoint thread exited with code ${code}`));
      });
      if (started !== null) throw new Error(started);
      await setAutocheckpoint(orm, 0);
      if (checkpointer.stopped) {
        // The thread died in between, and failed() ran before the line above: undo it.
        await setAutocheckpoint(orm, SQLITE_AUTOCHECKPOINT_PAGES);
        return null;
      }
      await orm.em.getConnection().execute(`pragma journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
      // The thread must not keep a process alive that has nothing else to do.
      worker.unref();
      return checkpointer;
    } catch (error) {
      worker?.removeAllListeners();
      await worker?.terminate();
      await setAutocheckpoint(orm, SQLITE_AUTOCHECKPOINT_PAGES).catch(() => undefined);
      onProblem(`SQLite checkpoints stay in the commits that need them: ${error instanceof Error ? error.message : String(error)}`);
      return null;
    }
  }

  /** What the last checkpoint found: WAL frames, and how many of them are in the database file. */
  get progress(): { log: number; checkpointed: number } | null {
    return this.lastProgress;
  }

  /** Runs a last checkpoint and ends the thread. Call before closing the database. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage('stop');
    const slow = setTimeout(() => void this.worker.terminate(), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(slow);
  }

  private received(message: WorkerMessage): void {
    if (this.starting) {
      this.settleStart(message.kind === 'ready' ? null : 'message' in message ? message.message : message.kind);
      return;
    }
    if (message.kind === 'checkpointed') this.lastProgress = { log: message.log, checkpointed: message.checkpointed };
    else if (message.kind === 'failed') this.failed(`checkpoints failed ${MAX_FAILURES_IN_A_ROW} times in a row: ${message.message}`);
  }

  private settleStart(failure: string | null): void {
    const settle = this.starting;
    this.starting = null;
    settle?.(failure);
  }

  private failed(reason: string): void {
    if (this.starting) return this.settleStart(reason);
    if (this.stopped) return;
    this.stopped = true;
    this.onProblem(`SQLite checkpoints are back in the commits that need them: ${reason}`);
    setAutocheckpoint(this.orm, SQLITE_AUTOCHECKPOINT_PAGES).catch((error: unknown) => this.onProblem(`Could not turn SQLite's automatic checkpoints back on: ${String(error)}`));
  }
}

/** After how many WAL pages a commit of the ORM's connection checkpoints (0: never). */
async function setAutocheckpoint(orm: MikroORM, pages: number): Promise<void> {
  await orm.em.getConnection().execute(`pragma wal_autocheckpoint = ${pages}`);
}

/**
 * The better-sqlite3 that the ORM's connection runs on (MikroORM opens it through knex). The
 * thread must load that same module: two copies of SQLite in one process would not see each
 * other's file locks, and closing one copy's connection would drop the other's.
 */
function ormDriver(): string {
  const from = (id: string, module: string) => require.resolve(id, { paths: [dirname(module)] });
  return from('better-sqlite3', from('knex', require.resolve('@mikro-orm/knex')));
}
