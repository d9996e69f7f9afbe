#!/usr/bin/env node
// `npm run bench`: measures Tessera side by side with its peers on this machine, prints a table
// and writes docs/benchmarks.md. See docs/benchmarks.md ("Method") for what is measured and how.
//
// Every server is started first; then each is loaded in turn, in BENCH_ROUNDS rounds, so that a
// Tessera measurement and the baseline it is compared with are taken seconds apart (a shared
// machine's speed drifts by more than the differences measured here).
//
// Environment: BENCH_ROUNDS (rounds, default 5), BENCH_DURATION (seconds per measurement, default
// 5), BENCH_WARMUP (seconds of discarded warm-up before a server's first measurement, default 3;
// later rounds warm up for 1 s), BENCH_RATE (tokens/s of the fixed-rate latency measurement;
// default 40% of the ceiling route's median throughput), BENCH_PROFILE=1 (after the measurements, profile
// Tessera under the same load with the V8 CPU profiler and report where its CPU time goes),
// BENCH_ONLY (comma list of parts to run: baselines,sqlite,postgres; default all),
// BENCH_NO_DOC=1 (print only, leave docs/benchmarks.md alone).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { freePort, killAllNow, run, start, stop, stopAll, tail, waitForHttp } from './lib/processes.mjs';
import { summarizeProfile } from './lib/profile-summary.mjs';
import { renderMarkdown, renderTable, evaluate, median } from './lib/report.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const API_DIST = join(ROOT, 'apps/api/dist');
const SERVER_CPU = '0';
const LOAD_CPU = '1';
const settings = {
  rounds: Math.round(positiveNumber('BENCH_ROUNDS', 5)),
  duration: positiveNumber('BENCH_DURATION', 5),
  warmup: positiveNumber('BENCH_WARMUP', 3, true),
  connections: 50,
  pipelining: 1,
  profile: process.env.BENCH_PROFILE === '1',
  /** Tokens/s of the fixed-rate measurement; null: RATE_SHARE of the ceiling's throughput. */
  rate: process.env.BENCH_RATE ? Math.round(positiveNumber('BENCH_RATE', 0)) : null,
};
/**
 * The fixed-rate latency measurement offers this share of the ceiling route's median throughput:
 * a server doing 70% of the ceiling's work per token is then a little over half busy.
 */
const RATE_SHARE = 0.4;
const only = new Set((process.env.BENCH_ONLY ?? 'baselines,sqlite,postgres').split(',').map((s) => s.trim()));
const PG_SERVER = 'postgres://postgres@127.0.0.1:5432';
const PG_DATABASE = 'tessera_bench';
const REDIS_URL = 'redis://127.0.0.1:6379';
const API_SLUG = 'bench';
const COLLECTION = 'products';

/** Where CPU profiles are kept after the run (open them in Chrome DevTools or speedscope). */
const PROFILE_DIR = join(os.tmpdir(), 'tessera-bench-profiles');
const workDir = mkdtempSync(join(os.tmpdir(), 'tessera-bench-'));
const log = (message) => process.stderr.write(`[bench] ${message}\n`);

function positiveNumber(name, fallback, allowZero = false) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    process.stderr.write(`${name} must be a ${allowZero ? 'non-negative' : 'positive'} number of seconds\n`);
    process.exit(2);
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// Cleanup: every child is killed at the end, on errors and on signals.

let cleaningUp = false;
async function cleanupAndExit(code) {
  if (cleaningUp) return;
  cleaningUp = true;
  await stopAll();
  unpinServices();
  rmSync(workDir, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGINT', () => void cleanupAndExit(130));
process.on('SIGTERM', () => void cleanupAndExit(143));
process.on('SIGHUP', () => void cleanupAndExit(129));
process.on('exit', () => {
  killAllNow();
  unpinServices();
});
process.on('unhandledRejection', (error) => {
  process.stderr.write(`[bench] unexpected error: ${error?.stack ?? error}\n`);
  void cleanupAndExit(1);
});

// ---------------------------------------------------------------------------------------------
// The local PostgreSQL and Redis

/**
 * The processes moved to the load core: pid, start time (to know it is still the same process) and
 * the CPU list it had before. Also kept in PINNED_FILE until they are put back, so that a run that
 * was killed (SIGKILL, out of memory) is undone by the next one.
 */
const pinnedServices = [];
const PINNED_FILE = join(os.tmpdir(), 'tessera-bench-pinned-services.json');

/**
 * The fields of `/proc/<pid>/stat` after the command name (the first is the state, field 3 of
 * proc(5)); null when the process is gone.
 */
function procStat(pid) {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  } catch {
    return null;
  }
}

/** A process's start time (clock ticks after boot), or null when it is gone. */
function startTime(pid) {
  return procStat(pid)?.[19] ?? null;
}

/**
 * Moves the running PostgreSQL and Redis processes (every thread) to the load core for the run.
 * Left free, the scheduler also runs them on the server core, where the database's work for
 * Tessera (and autovacuum, checkpoints, WAL writes) takes CPU from the server being measured,
 * which no baseline pays: in a deployment the database is on other hardware. PostgreSQL's
 * backends inherit the postmaster's affinity, so the connections Tessera opens later are covered.
 * Needs the right to change another user's processes (root); without it the run goes on as before.
 */
function pinServices() {
  const counts = {};
  for (const name of ['postgres', 'redis-server']) {
    const count = (counts[name] = { found: 0, moved: 0 });
    let pids = [];
    try {
      pids = execFileSync('pgrep', ['-x', name], { encoding: 'utf8' }).split('\n').filter(Boolean);
    } catch {
      // pgrep exits 1 when nothing matches.
    }
    for (const pid of pids) {
      count.found += 1;
      let before;
      try {
        before = execFileSync('taskset', ['-c', '-p', pid], { encoding: 'utf8' }).split(':').pop().trim();
      } catch {
        continue; // gone
      }
      // Recorded before it is moved: a move that fails halfway is still undone.
      pinnedServices.push({ pid, started: startTime(pid), before });
      writeFileSync(PINNED_FILE, JSON.stringify(pinnedServices));
      try {
        execFileSync('taskset', ['-a', '-c', '-p', LOAD_CPU, pid], { stdio: 'ignore' });
        count.moved += 1;
      } catch {
        // Not ours to move, or gone.
      }
    }
  }
  return counts;
}

/** Gives the moved services (of this run, or of a killed one) their CPUs back. Idempotent. */
function unpinServices() {
  if (pinnedServices.length === 0 && existsSync(PINNED_FILE)) {
    try {
      pinnedServices.push(...JSON.parse(readFileSync(PINNED_FILE, 'utf8')));
    } catch {
      // Unreadable: nothing to put back.
    }
  }
  for (const { pid, started, before } of pinnedServices.splice(0)) {
    // A pid that now names another process (the one moved has ended) is left alone.
    if (started === null || startTime(pid) !== started) continue;
    try {
      execFileSync('taskset', ['-a', '-c', '-p', before, pid], { stdio: 'ignore' });
    } catch {
      // Gone meanwhile.
    }
  }
  rmSync(PINNED_FILE, { force: true });
}

// ---------------------------------------------------------------------------------------------
// Helpers

function baseEnv(extra) {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (key === 'DATABASE_URL' || key === 'REDIS_URL' || key.startsWith('TESSERA_') || key === 'PORT' || key === 'NODE_OPTIONS') delete env[key];
  }
  return { ...env, NODE_ENV: 'production', ...extra };
}

/**
 * The Node.js flags `npm start` runs Tessera with (the root package.json "start" script), so that
 * Tessera is measured as it is run. The baselines run with Node's defaults.
 */
function tesseraNodeFlags() {
  const start = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.start;
  const command = start.match(/exec node ((?:--[a-z-]+(?:=\S+)? )*)apps\/api\/dist\/main\.js/);
  if (!command) throw new Error(`cannot find the node command in the "start" script: ${start}`);
  return command[1].split(' ').filter(Boolean);
}
const TESSERA_NODE_FLAGS = tesseraNodeFlags();

/** Starts a server pinned to the server core. */
function startServer(name, script, env, { profile = false, nodeFlags = [] } = {}) {
  const logFile = join(workDir, `${name}.log`);
  const nodeArgs = [...nodeFlags, ...(profile ? ['-r', join(ROOT, 'bench/lib/cpu-profile-hook.cjs')] : [])];
  const entry = start('taskset', ['-c', SERVER_CPU, process.execPath, ...nodeArgs, script], { env, logFile, cwd: ROOT });
  entry.name = name;
  return entry;
}

/** Runs autocannon in a child process pinned to the load core; returns its measured summary. */
async function measure(label, request, warmupSeconds = settings.warmup) {
  const spec = { ...request, connections: settings.connections, pipelining: settings.pipelining, duration: settings.duration, warmup: warmupSeconds };
  log(`${label}: ${warmupSeconds}s warm-up + ${settings.duration}s, ${settings.connections} connections`);
  const loadAverage = os.loadavg()[0];
  const { stdout } = await run('taskset', ['-c', LOAD_CPU, process.execPath, join(ROOT, 'bench/load.mjs'), JSON.stringify(spec)], { cwd: ROOT, env: baseEnv({}) });
  const { measured, warmup } = JSON.parse(stdout.trim().split('\n').pop());
  const problems = [];
  for (const [name, part] of [['warm-up', warmup], ['measurement', measured]]) {
    if (!part) continue;
    if (part.non2xx > 0) problems.push(`${name}: ${part.non2xx} non-2xx responses (status codes ${JSON.stringify(part.statusCodes)})`);
    if (part.errors > 0) problems.push(`${name}: ${part.errors} connection errors (${part.timeouts} timeouts)`);
  }
  // At a fixed rate, latency counts from when a request was due: it may only be charged to the
  // server if the load generator itself kept time.
  if (measured.maxLateMs > 20) problems.push(`measurement: the load generator sent requests up to ${Math.round(measured.maxLateMs)} ms late`);
  for (const problem of problems) log(`${label}: ${problem}`);
  log(`${label}: ${Math.round(measured.requestsPerSecond)} req/s, p50 ${measured.latency.p50?.toFixed(2)} ms, p99 ${measured.latency.p99?.toFixed(2)} ms`);
  return { ...measured, problems, loadAverageBefore: loadAverage };
}

function basic(clientId, clientSecret) {
  // RFC 6749 §2.3.1: form-urlencode each part, then Base64 of "id:secret".
  const encode = (value) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

function tokenRequest(url, clientId, clientSecret, body = 'grant_type=client_credentials') {
  return {
    url,
    method: 'POST',
    headers: { authorization: basic(clientId, clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
    body,
  };
}

async function send(request) {
  const response = await fetch(request.url, {
    method: request.method,
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

function decodeJwt(token) {
  const parts = String(token).split('.');
  if (parts.length !== 3) throw new Error(`not a compact JWS: ${String(token).slice(0, 40)}…`);
  const decode = (part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  return { header: decode(parts[0]), payload: decode(parts[1]) };
}

/** Sends one token request and checks the answer is an EdDSA JWT; returns { token, header, payload }. */
async function probeToken(label, request) {
  const response = await send(request);
  if (response.status !== 200 || !response.json?.access_token) {
    throw new Error(`${label}: token request answered ${response.status}: ${response.text.slice(0, 300)}`);
  }
  const { header, payload } = decodeJwt(response.json.access_token);
  if (header.alg !== 'EdDSA') throw new Error(`${label}: access token is signed ${header.alg}, not EdDSA`);
  return { token: response.json.access_token, header, payload, body: response.json };
}

async function expectStatus(label, request, status = 200) {
  const response = await send(request);
  if (response.status !== status) throw new Error(`${label}: expected ${status}, got ${response.status}: ${response.text.slice(0, 300)}`);
  return response;
}

// ---------------------------------------------------------------------------------------------
// Baselines

/**
 * A server under test and the request it is loaded with. `request()` answers the request for the
 * next measurement (Tessera's protected GET gets a fresh token each round).
 */
function contender(key, label, entry, request) {
  return { key, label, entry, request: typeof request === 'function' ? request : async () => request, rounds: [] };
}

/** Starts the baselines and checks each answers as expected; returns them as contenders. */
async function startBaselines(results) {
  const clientId = `bench_${randomBytes(12).toString('base64url')}`;
  const clientSecret = `tsk_${randomBytes(32).toString('base64url')}`;
  const scope = 'tessera:admin';
  const out = [];
  const attempt = async (name, work) => {
    try {
      await work();
    } catch (error) {
      results.failures.push(`${name}: ${error.message}`);
      log(`${name} failed: ${error.message}`);
    }
  };

  await attempt('oidc-provider', async () => {
    const port = await freePort();
    const resource = `urn:tessera:${API_SLUG}`;
    const entry = startServer('oidc-provider', join(ROOT, 'bench/servers/oidc-provider.mjs'), baseEnv({ BENCH_CONFIG: JSON.stringify({ port, clientId, clientSecret, resource, scope }) }));
    await waitForHttp(`http://127.0.0.1:${port}/.well-known/openid-configuration`, entry);
    // oidc-provider only puts a scope in the token when one is requested; asking for it makes
    // its tokens carry the same claims as Tessera's (which default to every granted scope).
    const request = tokenRequest(`http://127.0.0.1:${port}/token`, clientId, clientSecret, `grant_type=client_credentials&scope=${encodeURIComponent(scope)}`);
    const probe = await probeToken('oidc-provider', request);
    if (probe.header.typ !== 'at+jwt' || probe.payload.aud !== resource || probe.payload.scope !== scope) {
      throw new Error(`oidc-provider: unexpected token ${JSON.stringify(probe.header)} ${JSON.stringify(probe.payload)}`);
    }
    results.checks.push(`oidc-provider ${oidcVersion()} issues JWT access tokens with header ${JSON.stringify(probe.header)}; claims ${Object.keys(probe.payload).join(', ')}.`);
    out.push(contender('baselines.oidc', 'issuance: oidc-provider', entry, request));
  });

  await attempt('ceiling route', async () => {
    const port = await freePort();
    const entry = startServer('ceiling', join(ROOT, 'bench/servers/ceiling.mjs'), baseEnv({ BENCH_CONFIG: JSON.stringify({ port, clientId, clientSecret, issuer: `http://127.0.0.1:${port}`, audience: API_SLUG, scope }) }));
    await waitForHttp(`http://127.0.0.1:${port}/`, entry, { accept: (r) => r.status === 404 });
    const request = tokenRequest(`http://127.0.0.1:${port}/oauth/token`, clientId, clientSecret);
    const probe = await probeToken('ceiling', request);
    results.checks.push(`Ceiling route issues JWTs with header ${JSON.stringify(probe.header)}; claims ${Object.keys(probe.payload).join(', ')}.`);
    // The ceiling loads Tessera's signer from the same build, so it picks the same implementation.
    const signing = createRequire(import.meta.url)(join(API_DIST, 'tokens/token-signer.js')).ed25519Implementation();
    results.checks.push(`Tessera and the ceiling route sign with ${signing.name}${signing.problem ? ` (libsodium did not load: ${signing.problem})` : ''}.`);
    out.push(contender('baselines.ceiling', 'issuance: ceiling route', entry, request));
  });

  await attempt('bare Fastify', async () => {
    const port = await freePort();
    const entry = startServer('bare', join(ROOT, 'bench/servers/bare.mjs'), baseEnv({ BENCH_CONFIG: JSON.stringify({ port }) }));
    const request = { url: `http://127.0.0.1:${port}/${API_SLUG}/${COLLECTION}`, method: 'GET' };
    await waitForHttp(request.url, entry);
    out.push(contender('baselines.bare', 'protected: bare Fastify', entry, request));
  });
  return out;
}

function oidcVersion() {
  try {
    return JSON.parse(execFileSync(process.execPath, ['-p', 'JSON.stringify(require("oidc-provider/package.json").version)'], { cwd: ROOT, encoding: 'utf8' }));
  } catch {
    return '8.x';
  }
}

// ---------------------------------------------------------------------------------------------
// Tessera

/** Starts Tessera in one mode, bootstraps it and checks its answers; returns its two contenders. */
async function startTessera(mode, results) {
  const cli = join(API_DIST, 'cli/main.js');
  const main = join(API_DIST, 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: build first (npm run bench builds with turbo)`);
  if (!existsSync(cli)) throw new Error(`${cli} is missing: the tessera CLI (migrate, bootstrap) is not built yet`);

  const port = await freePort();
  const modeEnv =
    mode === 'sqlite'
      ? { DATABASE_URL: `sqlite:${join(workDir, 'sqlite', 'bench.sqlite')}` }
      : { DATABASE_URL: `${PG_SERVER}/${PG_DATABASE}`, REDIS_URL, TESSERA_PEPPER: randomBytes(32).toString('hex') };
  const env = baseEnv({ ...modeEnv, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', TESSERA_THROTTLE_PER_ADDRESS: '1000000' });

  if (mode === 'sqlite') {
    execFileSync('mkdir', ['-p', join(workDir, 'sqlite')]);
  } else {
    log(`recreating database ${PG_DATABASE}`);
    await run('psql', [`${PG_SERVER}/test`, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `DROP DATABASE IF EXISTS ${PG_DATABASE} WITH (FORCE)`, '-c', `CREATE DATABASE ${PG_DATABASE}`], { env: baseEnv({}) });
  }
  log(`${mode}: tessera migrate`);
  await run(process.execPath, [cli, 'migrate'], { env, cwd: ROOT });
  log(`${mode}: tessera bootstrap --api ${API_SLUG} --json`);
  const bootstrapOut = (await run(process.execPath, [cli, 'bootstrap', '--api', API_SLUG, '--json'], { env, cwd: ROOT })).stdout;
  const admin = parseJsonObject(bootstrapOut);
  if (!admin?.clientId || !admin?.clientSecret) throw new Error(`bootstrap printed no credentials: ${bootstrapOut.slice(0, 300)}`);

  const entry = startServer(`tessera-${mode}`, main, { ...env, BENCH_PROFILE_FILE: join(workDir, `profile-${mode}.cpuprofile`) }, { profile: settings.profile, nodeFlags: TESSERA_NODE_FLAGS });
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${base}/health/ready`, entry);

    // Issuance with the admin account's credentials.
    const issuance = tokenRequest(`${base}/oauth/token`, admin.clientId, admin.clientSecret);
    const adminToken = await probeToken(`tessera (${mode})`, issuance);
    if (adminToken.header.typ !== 'at+jwt' || !adminToken.header.kid || adminToken.payload.aud !== API_SLUG) {
      throw new Error(`tessera (${mode}): unexpected token ${JSON.stringify(adminToken.header)} ${JSON.stringify(adminToken.payload)}`);
    }
    if (mode === 'sqlite') {
      results.checks.push(`Tessera issues JWTs with header ${JSON.stringify({ ...adminToken.header, kid: '…' })}; claims ${Object.keys(adminToken.payload).join(', ')}.`);
    }

    // A reader account for the protected collection, through the management API.
    const json = (method, path, body) => ({
      url: `${base}${path}`,
      method,
      headers: { authorization: `Bearer ${adminToken.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const account = (await expectStatus('create service account', json('POST', `/apis/${API_SLUG}/service-accounts`, { name: 'bench reader', scopes: [`${COLLECTION}:read`] }), 201)).json;
    const secret = (await expectStatus('create secret', json('POST', `/apis/${API_SLUG}/service-accounts/${account.id}/secrets`, {}), 201)).json;
    // A fresh token for each measurement, so that a long run never loads with an expired one.
    const protectedRequest = async () => {
      const reader = await probeToken(`tessera (${mode}) reader`, tokenRequest(`${base}/oauth/token`, account.clientId, secret.clientSecret));
      return { url: `${base}/${API_SLUG}/${COLLECTION}`, method: 'GET', headers: { authorization: `Bearer ${reader.token}` } };
    };
    const first = await protectedRequest();
    await expectStatus('protected GET', first, 200);
    await expectStatus('protected GET without a token', { url: first.url, method: 'GET' }, 401);
    return [
      contender(`tessera.${mode}.issuance`, `issuance: tessera (${mode})`, entry, issuance),
      contender(`tessera.${mode}.protected`, `protected: tessera (${mode})`, entry, protectedRequest),
    ];
  } catch (error) {
    error.message += entry.exited ? `\n(server exited: ${entry.code ?? entry.signal})\n${tail(entry.logFile)}` : '';
    await stop(entry);
    throw error;
  }
}

/** The JSON object printed by a CLI command (pretty-printed or not, possibly after other lines). */
function parseJsonObject(text) {
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  if (first < 0 || last < first) return null;
  try {
    return JSON.parse(text.slice(first, last + 1));
  } catch {
    return null;
  }
}

/** One profiled load run (not reported as a measurement): start profiler, load, stop, summarise. */
async function profileRun(entry, mode, label, request, file) {
  // The hook writes to the BENCH_PROFILE_FILE it was started with; move each profile aside.
  const fixed = join(workDir, `profile-${mode}.cpuprofile`);
  rmSync(fixed, { force: true });
  entry.child.kill('SIGWINCH');
  await sleep(100);
  await measure(`${label} (profiled)`, request, 0);
  entry.child.kill('SIGWINCH');
  for (let i = 0; i < 100 && !existsSync(fixed); i += 1) await sleep(100);
  await sleep(500);
  if (!existsSync(fixed)) throw new Error(`${label}: no CPU profile written\n${tail(entry.logFile)}`);
  execFileSync('mv', [fixed, file]);
  mkdirSync(PROFILE_DIR, { recursive: true });
  copyFileSync(file, join(PROFILE_DIR, basename(file)));
  return summarizeProfile(file);
}

// ---------------------------------------------------------------------------------------------
// Rounds

/** CPU time (user + system, in clock ticks) a process has used so far; null when it is gone. */
function cpuTicks(pid) {
  const fields = procStat(pid);
  return fields === null ? null : Number(fields[11]) + Number(fields[12]);
}

/**
 * Waits until a server that was just loaded has gone quiet (work it deferred, such as batched
 * audit writes, is done), so that it does not share the server core with the next measurement.
 */
async function settle(entry) {
  let last = cpuTicks(entry.child.pid);
  for (let waited = 0; last !== null && waited < 10_000; waited += 250) {
    await sleep(250);
    const now = cpuTicks(entry.child.pid);
    if (now === null || now - last <= 2) return;
    last = now;
  }
}

/**
 * Loads each contender in turn, `settings.rounds` times. Contenders compared with each other
 * (issuance; protected calls) are measured one right after the other, and each round starts one
 * contender later in each group than the previous round, so that none is always first.
 */
async function runRounds(contenders) {
  const groups = ['issuance', 'protected'].map((kind) => contenders.filter((c) => c.label.startsWith(`${kind}:`)));
  for (let round = 0; round < settings.rounds; round += 1) {
    log(`round ${round + 1} of ${settings.rounds}`);
    for (const group of groups) {
      for (let k = 0; k < group.length; k += 1) {
        await measureRound(group[(k + round) % group.length], round);
      }
    }
  }
}

/** One contender's measurement in a round (`extra` joins its request spec), then waits for it to settle. */
async function measureRound(c, round, extra = {}) {
  if (c.failed) return;
  try {
    if (c.entry.exited) throw new Error(`the server exited (${c.entry.code ?? c.entry.signal})\n${tail(c.entry.logFile)}`);
    const measured = await measure(c.label, { ...(await c.request()), ...extra }, c.rounds.length === 0 ? settings.warmup : Math.min(1, settings.warmup));
    c.rounds.push({ ...measured, round });
  } catch (error) {
    c.failed = error;
  }
  await settle(c.entry);
}

/**
 * Issuance latency at a fixed, moderate rate (open loop, see bench/load.mjs): the same number of
 * token requests a second for the ceiling route and each Tessera, in rounds, each round starting
 * one server later. Under the closed-loop load above every server runs flat out, so its latency
 * is mostly the queue of 50 connections (50 / throughput on average); here it is what a client
 * waits at a load the server can carry, stalls included. Returns the rate, or null if none.
 */
async function runFixedRate(contenders, results) {
  const ceiling = results.baselines.ceiling;
  const rate = settings.rate ?? (ceiling ? Math.max(100, Math.round((ceiling.requestsPerSecond * RATE_SHARE) / 100) * 100) : null);
  if (rate === null) return null;
  const group = contenders
    .filter((c) => !c.failed && (c.key === 'baselines.ceiling' || c.key.endsWith('.issuance')))
    .map((c) => ({ ...c, key: `${c.key}.fixed-rate`, label: `${c.label} at ${rate}/s`, rounds: [], failed: undefined }));
  log(`fixed rate: ${rate} token requests/s (open loop)`);
  for (let round = 0; round < settings.rounds; round += 1) {
    log(`fixed-rate round ${round + 1} of ${settings.rounds}`);
    for (let k = 0; k < group.length; k += 1) await measureRound(group[(k + round) % group.length], round, { rate });
  }
  results.fixedRate = { rate, share: settings.rate ? null : RATE_SHARE, servers: {} };
  for (const c of group) {
    if (c.failed) results.failures.push(`${c.label}: ${c.failed.message}`);
    const measured = aggregate(c);
    if (measured) results.fixedRate.servers[c.key === 'baselines.ceiling.fixed-rate' ? 'ceiling' : c.key.split('.')[1]] = measured;
  }
  return rate;
}

/** One contender's rounds as one measurement: medians of the rounds, every problem kept. */
function aggregate(c) {
  const rounds = c.rounds;
  if (rounds.length === 0) return null;
  const pick = (f) => median(rounds.map(f).filter((v) => typeof v === 'number'));
  return {
    requestsPerSecond: pick((r) => r.requestsPerSecond),
    totalRequests: rounds.reduce((n, r) => n + r.totalRequests, 0),
    latency: { p50: pick((r) => r.latency.p50), p90: pick((r) => r.latency.p90), p99: pick((r) => r.latency.p99), max: pick((r) => r.latency.max) },
    non2xx: rounds.reduce((n, r) => n + r.non2xx, 0),
    errors: rounds.reduce((n, r) => n + r.errors, 0),
    problems: [
      ...rounds.flatMap((r) => r.problems.map((p) => `round ${r.round + 1}: ${p}`)),
      ...(c.failed ? [`stopped after ${rounds.length} of ${settings.rounds} rounds: ${c.failed.message.split('\n')[0]}`] : []),
    ],
    rounds: rounds.map((r) => ({ round: r.round, requestsPerSecond: r.requestsPerSecond, p50: r.latency.p50, p99: r.latency.p99 })),
  };
}

// ---------------------------------------------------------------------------------------------
// Machine facts

function machine() {
  const cpus = os.cpus();
  const facts = {
    cpu: cpus[0]?.model ?? 'unknown',
    cpuCount: cpus.length,
    nproc: safe(() => execFileSync('nproc', { encoding: 'utf8' }).trim()),
    memoryGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    tesseraNodeFlags: TESSERA_NODE_FLAGS.join(' '),
    loadAverage: os.loadavg().map((n) => n.toFixed(2)).join(' '),
    commit: safe(() => execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim()),
    // Tracked files changed since that commit: the numbers are not the commit's alone.
    uncommitted: safe(() => execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: ROOT, encoding: 'utf8' }).trim() !== ''),
    postgres: safe(() => execFileSync('psql', [`${PG_SERVER}/test`, '-tAc', 'SHOW server_version'], { encoding: 'utf8' }).trim()),
    redis: safe(() => execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'INFO', 'server'], { encoding: 'utf8' }).match(/redis_version:(\S+)/)?.[1]),
    versions: {},
  };
  for (const name of ['fastify', 'oidc-provider', 'autocannon', 'jose']) {
    facts.versions[name] = safe(() => execFileSync(process.execPath, ['-p', `require(${JSON.stringify(`${name}/package.json`)}).version`], { cwd: ROOT, encoding: 'utf8' }).trim());
  }
  return facts;
}

function safe(fn) {
  try {
    return fn() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

// ---------------------------------------------------------------------------------------------

async function main() {
  // The load side (this process, its helpers and autocannon) stays on the load core; every server
  // is started with `taskset -c 0`.
  const startedAt = new Date();
  const facts = machine(); // before pinning: `nproc` honours this process's CPU affinity
  execFileSync('taskset', ['-a', '-p', '-c', LOAD_CPU, String(process.pid)], { stdio: 'ignore' });
  unpinServices(); // what a killed run left moved
  facts.pinnedServices = only.has('postgres') ? pinServices() : null;
  const results = { startedAt, settings, machine: facts, baselines: {}, tessera: {}, failures: [], checks: [] };
  log(`servers on CPU ${SERVER_CPU}, load on CPU ${LOAD_CPU}; ${settings.rounds} rounds of ${settings.duration}s per server (${settings.warmup}s warm-up first)`);
  for (const [name, count] of Object.entries(facts.pinnedServices ?? {})) log(`${name}: ${count.moved} of ${count.found} processes moved to CPU ${LOAD_CPU} for the run`);

  const contenders = [];
  if (only.has('baselines')) contenders.push(...(await startBaselines(results)));
  for (const mode of ['sqlite', 'postgres']) {
    if (!only.has(mode)) continue;
    try {
      contenders.push(...(await startTessera(mode, results)));
    } catch (error) {
      results.failures.push(`Tessera (${mode === 'sqlite' ? 'SQLite' : 'PostgreSQL + Redis'}): ${error.message}`);
      log(`tessera ${mode} failed: ${error.message}`);
    }
  }
  await runRounds(contenders);
  for (const c of contenders) {
    if (c.failed) {
      results.failures.push(`${c.label}: ${c.failed.message}`);
      log(`${c.label} failed: ${c.failed.message}`);
    }
    const measured = aggregate(c);
    if (!measured) continue;
    const [group, mode, kind] = c.key.split('.');
    if (group === 'baselines') results.baselines[mode] = measured;
    else (results.tessera[mode] ??= {})[kind] = measured;
  }
  await runFixedRate(contenders, results);
  if (settings.profile) {
    for (const c of contenders.filter((c) => c.key.startsWith('tessera.') && !c.failed)) {
      const [, mode, kind] = c.key.split('.');
      try {
        const file = join(workDir, `tessera-${mode}-${kind}.cpuprofile`);
        ((results.tessera[mode] ??= {}).profiles ??= {})[kind] = await profileRun(c.entry, mode, `${kind}: tessera (${mode})`, await c.request(), file);
      } catch (error) {
        results.failures.push(`profile of ${c.label}: ${error.message}`);
      }
    }
  }
  await stopAll();
  unpinServices();

  results.finishedAt = new Date();
  results.evaluation = evaluate(results);
  process.stdout.write(`${renderTable(results)}\n`);
  if (process.env.BENCH_NO_DOC !== '1') {
    const file = join(ROOT, 'docs/benchmarks.md');
    writeFileSync(file, renderMarkdown(results));
    log(`wrote ${file}`);
  }
  writeFileSync(join(os.tmpdir(), 'tessera-bench-last.json'), JSON.stringify(results, null, 2));
  const measurementProblems = [...Object.values(results.baselines), ...Object.values(results.tessera).flatMap((m) => [m.issuance, m.protected])].filter((m) => m?.problems?.length);
  await cleanupAndExit(results.failures.length > 0 || measurementProblems.length > 0 ? 1 : 0);
}

await main();
