// Load generator, run as its own process pinned to the load core by bench/run.mjs:
// `taskset -c 1 node bench/load.mjs '<json>'`. Runs a warm-up (results discarded), then the
// measured run, and prints one JSON line with the results.
//
// Two kinds of load:
// - closed loop (the default): autocannon's programmatic API; each connection sends its next
//   request as soon as the answer to the last one arrives, so the server runs flat out;
// - open loop at a fixed rate (`spec.rate`, requests per second): requests are due at even
//   intervals, whatever the server does, over at most `spec.connections` keep-alive connections.
//   A request's latency runs from when it was due, not from when it could be sent, so a server
//   that stalls is charged for every request it held up (no "coordinated omission").
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import autocannon from 'autocannon';

const spec = JSON.parse(process.argv[2]);
process.on('SIGTERM', () => process.exit(143));
const base = {
  url: spec.url,
  method: spec.method,
  headers: spec.headers,
  body: spec.body,
  connections: spec.connections,
  pipelining: spec.pipelining,
  timeout: 10,
};

// autocannon's own histogram keeps whole milliseconds; keep every response time (a float in ms)
// too, for sub-millisecond percentiles.
let times = new Float64Array(1 << 20);
let count = 0;

function run(duration) {
  count = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon({ ...base, duration }, (error, result) => (error ? reject(error) : resolve(result)));
    instance.on('response', (_client, _statusCode, _bytes, responseTime) => record(responseTime));
  });
}

function record(responseTime) {
  if (count === times.length) {
    const bigger = new Float64Array(times.length * 2);
    bigger.set(times);
    times = bigger;
  }
  times[count++] = responseTime;
}

// One pool of keep-alive connections for the warm-up and the measurement, so that the measurement
// does not start by opening them.
const agent = new http.Agent({ keepAlive: true, maxSockets: base.connections, maxFreeSockets: base.connections });

/** Sends `rate` requests a second for `duration` seconds, each when it is due (see above). */
function runAtRate(duration, rate) {
  count = 0;
  const url = new URL(base.url);
  const headers = { ...base.headers, ...(base.body === undefined ? {} : { 'content-length': Buffer.byteLength(base.body) }) };
  const options = { agent, host: url.hostname, port: url.port, path: `${url.pathname}${url.search}`, method: base.method, headers };
  const total = Math.round(duration * rate);
  const statusCodeStats = {};
  let sent = 0;
  let finished = 0;
  let non2xx = 0;
  let errors = 0;
  let maxLateMs = 0;
  return new Promise((resolve) => {
    const started = performance.now();
    const done = () => {
      finished += 1;
      if (finished < total) return;
      const seconds = (performance.now() - started) / 1000;
      resolve({ requests: { mean: count / seconds, total: count }, duration: seconds, '2xx': count - non2xx, non2xx, errors, timeouts: 0, mismatches: 0, statusCodeStats, maxLateMs });
    };
    const fire = (due) => {
      const request = http.request(options, (response) => {
        response.resume();
        response.on('end', () => {
          const status = response.statusCode;
          statusCodeStats[status] = { count: (statusCodeStats[status]?.count ?? 0) + 1 };
          if (status < 200 || status > 299) non2xx += 1;
          record(performance.now() - due);
          done();
        });
      });
      request.setTimeout(base.timeout * 1000, () => request.destroy(new Error('timeout')));
      request.on('error', () => {
        errors += 1;
        done();
      });
      request.end(base.body);
    };
    // Polls with setImmediate rather than a 1 ms timer: the load core has nothing else to do,
    // and requests then leave within microseconds of when they are due.
    const tick = () => {
      const now = performance.now();
      while (sent < total && started + (sent * 1000) / rate <= now) {
        const due = started + (sent * 1000) / rate;
        maxLateMs = Math.max(maxLateMs, now - due);
        sent += 1;
        fire(due);
      }
      if (sent < total) setImmediate(tick);
    };
    tick();
  });
}

function percentiles() {
  const sorted = times.subarray(0, count).sort();
  const at = (p) => (count === 0 ? null : sorted[Math.min(count - 1, Math.ceil((p / 100) * count) - 1)]);
  return { p50: at(50), p90: at(90), p99: at(99), max: at(100) };
}

function meanTime() {
  let sum = 0;
  for (let i = 0; i < count; i += 1) sum += times[i];
  return count === 0 ? null : sum / count;
}

function summary(result) {
  return {
    requestsPerSecond: result.requests.mean,
    totalRequests: result.requests.total,
    latency: { mean: result.latency?.mean ?? meanTime(), ...percentiles() },
    ...(result.latency ? { autocannonLatency: { p50: result.latency.p50, p99: result.latency.p99 } } : {}),
    duration: result.duration,
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    statusCodes: result.statusCodeStats,
    ...(spec.rate ? { rate: spec.rate, maxLateMs: result.maxLateMs } : {}),
  };
}

const load = spec.rate ? (seconds) => runAtRate(seconds, spec.rate) : run;
const warmup = spec.warmup > 0 ? summary(await load(spec.warmup)) : null;
const measured = summary(await load(spec.duration));
agent.destroy();
process.stdout.write(`${JSON.stringify({ warmup, measured })}\n`);
