// Child process bookkeeping for the benchmark: every process started here is remembered and
// killed (its whole process group) at the end, on errors and on Ctrl-C.
import { spawn } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const children = new Set();

/** Spawns `command args` in its own process group, output to `logFile`. */
export function start(command, args, { env, logFile, cwd }) {
  const fd = openSync(logFile, 'a');
  const child = spawn(command, args, { env, cwd, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const entry = { child, logFile, exited: false, code: null, signal: null };
  entry.exit = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      entry.exited = true;
      entry.code = code;
      entry.signal = signal;
      children.delete(entry);
      resolve();
    });
  });
  child.once('error', (error) => {
    entry.exited = true;
    entry.error = error;
    children.delete(entry);
  });
  children.add(entry);
  return entry;
}

/** Runs a command to completion, capturing stdout and stderr; rejects on a non-zero exit. */
export function run(command, args, { env, cwd, input } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, cwd, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    const entry = { child, exited: false };
    entry.exit = new Promise((done) => child.once('close', done));
    children.add(entry);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', (error) => {
      children.delete(entry);
      reject(error);
    });
    child.once('close', (code, signal) => {
      entry.exited = true;
      children.delete(entry);
      if (code === 0) resolve({ stdout, stderr });
      else {
        const error = new Error(`${command} ${args.join(' ')} exited with ${code ?? signal}\n${stderr.trim() || stdout.trim()}`);
        error.stdout = stdout;
        error.stderr = stderr;
        reject(error);
      }
    });
    child.stdin.end(input ?? '');
  });
}

/** Stops one started process: SIGTERM to its group, SIGKILL after `graceMs`. */
export async function stop(entry, graceMs = 5000) {
  if (entry.exited) return;
  signalGroup(entry, 'SIGTERM');
  const killed = await Promise.race([entry.exit.then(() => true), sleep(graceMs).then(() => false)]);
  if (!killed) {
    signalGroup(entry, 'SIGKILL');
    await Promise.race([entry.exit, sleep(2000)]);
  }
  // Whatever the leader left behind in its group goes too.
  signalGroup(entry, 'SIGKILL');
}

function signalGroup(entry, signal) {
  try {
    process.kill(-entry.child.pid, signal);
  } catch {
    // Already gone.
  }
}

/** Stops every process still running. */
export async function stopAll() {
  await Promise.all([...children].map((entry) => stop(entry, 3000)));
}

/** Synchronous last resort (process 'exit' handler): SIGKILL every remaining group. */
export function killAllNow() {
  for (const entry of children) signalGroup(entry, 'SIGKILL');
}

/** Last lines of a log file, for error messages. */
export function tail(logFile, lines = 30) {
  try {
    return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** A free TCP port on the loopback interface. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls `url` until `accept(response)` holds, the process exits, or `timeoutMs` passes. */
export async function waitForHttp(url, entry, { accept = (r) => r.ok, timeoutMs = 60_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (entry.exited) throw new Error(`process exited (${entry.code ?? entry.signal}) before ${url} answered:\n${tail(entry.logFile)}`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await response.arrayBuffer();
      if (accept(response)) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error.cause?.code ?? error.message;
    }
    await sleep(200);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms (${last}):\n${tail(entry.logFile)}`);
}
