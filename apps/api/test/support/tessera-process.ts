import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { TEST_REDIS_URL, type TestDatabase } from './databases';

const API_ROOT = resolve(__dirname, '../..');
const MAIN = join(API_ROOT, 'dist/main.js');
const CLI = join(API_ROOT, 'bin/tessera.js');

/** A running Tessera API process, started from the built code like a user would. */
export interface TesseraProcess {
  readonly url: string;
  readonly env: Readonly<Record<string, string>>;
  readonly cwd: string;
  /** Everything the process wrote to stdout and stderr so far. */
  logs(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Sends a signal and returns at once. */
  kill(signal: NodeJS.Signals): void;
}

export interface CliResult {
  /** The exit code; null when the command had to be killed (see `timedOut`). */
  readonly code: number | null;
  /** The command was still running after its time limit, and was killed. */
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
  json<T = Record<string, unknown>>(): T;
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolvePort(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** The environment Tessera gets for a database: embedded for SQLite, distributed (Redis, pepper) for PostgreSQL. */
export function environmentFor(db: TestDatabase, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { DATABASE_URL: db.url, LOG_LEVEL: 'info', ...extra };
  if (db.kind === 'postgresql') {
    env.REDIS_URL ??= TEST_REDIS_URL;
    env.TESSERA_PEPPER ??= pepperFor(db);
  }
  return env;
}

const peppers = new WeakMap<TestDatabase, string>();
function pepperFor(db: TestDatabase): string {
  let pepper = peppers.get(db);
  if (!pepper) {
    pepper = randomBytes(32).toString('hex');
    peppers.set(db, pepper);
  }
  return pepper;
}

function baseEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const inherited = { ...process.env };
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'TESSERA_PEPPER', 'TESSERA_ISSUER', 'PORT', 'NODE_OPTIONS', 'VITEST', 'VITEST_WORKER_ID', 'VITEST_POOL_ID']) delete inherited[key];
  return { ...inherited, ...env };
}

/**
 * Runs the `tessera` CLI as a user would; `input`, when given, is its standard input. A command
 * still running after `timeoutMs` is killed: every command must end by itself, even one that fails.
 */
export async function runCli(args: readonly string[], env: Record<string, string>, cwd: string, input?: string, timeoutMs = 60_000): Promise<CliResult> {
  return new Promise((resolveResult, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: baseEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end(input ?? '');
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      // Only stderr is the CLI's log; stdout is its output (which shows a new secret once, by design).
      appendFileSync(join(cwd, 'cli.log'), `$ tessera ${args.join(' ')}\n${stderr}`);
      resolveResult({ code, timedOut, stdout, stderr, json: <T>() => JSON.parse(stdout) as T });
    });
  });
}

/** Starts the API (migrating first in distributed mode, as the docs say) and waits until it is ready. */
export async function startTessera(db: TestDatabase, extra: Record<string, string> = {}): Promise<TesseraProcess> {
  const port = await freePort();
  const env = environmentFor(db, { PORT: String(port), HOST: '127.0.0.1', TESSERA_ISSUER: `http://127.0.0.1:${port}`, ...extra });
  if (db.kind === 'postgresql') {
    const migrated = await runCli(['migrate'], env, db.dir);
    if (migrated.code !== 0) throw new Error(`tessera migrate failed: ${migrated.stderr}`);
  }
  const logFile = join(db.dir, `api-${port}.log`);
  writeFileSync(logFile, '');
  const child: ChildProcess = spawn(process.execPath, [MAIN], { cwd: db.dir, env: baseEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
    appendFileSync(logFile, chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<number | null>((resolveExit) => child.on('exit', (code) => resolveExit(code)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`Tessera exited during start (code ${child.exitCode}):\n${output}`);
    try {
      const response = await fetch(`${url}/health/ready`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`Tessera did not become ready:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    env,
    cwd: db.dir,
    logs: () => output,
    kill: (signal) => void child.kill(signal),
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      if (child.exitCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** The log file contents of every process started for this database (API and CLI). */
export function readLogs(db: TestDatabase, ...files: string[]): string {
  return files.map((file) => readFileSync(join(db.dir, file), 'utf8')).join('\n');
}
