// Load generator, run as its own process pinned to the load core by bench/run.mjs:
// `taskset -c 1 node bench/load.mjs '<json>'`. Runs a warm-up (results discarded), then the
// measured run, with autocannon's programmatic API, and prints one JSON line with the results.
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
    instance.on('response', (_client, _statusCode, _bytes, responseTime) => {
      if (count === times.length) {
        const bigger = new Float64Array(times.length * 2);
        bigger.set(times);
        times = bigger;
      }
      times[count++] = responseTime;
    });
  });
}

function percentiles() {
  const sorted = times.subarray(0, count).sort();
  const at = (p) => (count === 0 ? null : sorted[Math.min(count - 1, Math.ceil((p / 100) * count) - 1)]);
  return { p50: at(50), p90: at(90), p99: at(99), max: at(100) };
}

function summary(result) {
  return {
    requestsPerSecond: result.requests.mean,
    totalRequests: result.requests.total,
    latency: { mean: result.latency.mean, ...percentiles() },
    autocannonLatency: { p50: result.latency.p50, p99: result.latency.p99 },
    duration: result.duration,
    ok2xx: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches,
    statusCodes: result.statusCodeStats,
  };
}

const warmup = spec.warmup > 0 ? summary(await run(spec.warmup)) : null;
const measured = summary(await run(spec.duration));
process.stdout.write(`${JSON.stringify({ warmup, measured })}\n`);
