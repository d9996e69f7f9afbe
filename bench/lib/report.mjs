// Turns the benchmark's results into the stdout table and docs/benchmarks.md.

const MODES = [
  ['sqlite', 'SQLite (embedded)'],
  ['postgres', 'PostgreSQL + Redis (distributed)'],
];

export const TARGETS = [
  { id: 'vsOidc', label: 'Issuance: Tessera / oidc-provider', kind: 'ratio', min: 1.6 },
  { id: 'vsCeiling', label: 'Issuance: Tessera / ceiling route', kind: 'ratio', min: 0.7 },
  { id: 'issuanceP99', label: 'Issuance: Tessera p99 latency', kind: 'ms', max: 15 },
  { id: 'vsBare', label: 'Protected GET: Tessera / bare Fastify', kind: 'ratio', min: 0.4 },
];

const valid = (m) => m && !m.problems?.length;

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The median, over the rounds both were measured in, of a's req/s over b's in that round. */
export function pairedRatio(a, b) {
  const byRound = new Map((b.rounds ?? []).map((r) => [r.round, r.requestsPerSecond]));
  const ratios = (a.rounds ?? []).filter((r) => byRound.has(r.round)).map((r) => r.requestsPerSecond / byRound.get(r.round));
  return ratios.length > 0 ? median(ratios) : null;
}

/** Ratios and pass/fail per mode. `pass` is null when a side could not be measured cleanly. */
export function evaluate(results) {
  const { oidc, ceiling, bare } = results.baselines;
  const out = {};
  for (const [mode] of MODES) {
    const t = results.tessera[mode];
    if (!t) continue;
    // Median of the per-round ratios: each pair was measured seconds apart, in the same round.
    const ratio = (a, b) => {
      const value = a && b ? pairedRatio(a, b) : null;
      return value === null ? null : { value, clean: valid(a) && valid(b) };
    };
    const values = {
      vsOidc: ratio(t.issuance, oidc),
      vsCeiling: ratio(t.issuance, ceiling),
      issuanceP99: t.issuance ? { value: t.issuance.latency.p99, clean: valid(t.issuance) } : null,
      vsBare: ratio(t.protected, bare),
    };
    out[mode] = TARGETS.map((target) => {
      const v = values[target.id];
      if (!v) return { ...target, value: null, pass: null };
      const ok = target.min !== undefined ? v.value >= target.min : v.value <= target.max;
      return { ...target, value: v.value, pass: v.clean ? ok : null, note: v.clean ? '' : 'errors during load' };
    });
  }
  return out;
}

function rows(results) {
  const list = [];
  const add = (scenario, server, m) => m && list.push({ scenario, server, m });
  add('Token issuance', 'oidc-provider (EdDSA JWT)', results.baselines.oidc);
  add('Token issuance', 'ceiling route (Fastify)', results.baselines.ceiling);
  for (const [mode, name] of MODES) if (results.tessera[mode]) add('Token issuance', `Tessera, ${name}`, results.tessera[mode].issuance);
  add('Protected GET', 'bare Fastify hello-world', results.baselines.bare);
  for (const [mode, name] of MODES) if (results.tessera[mode]) add('Protected GET', `Tessera, ${name}`, results.tessera[mode].protected);
  return list;
}

const fmt = {
  rps: (m) => (m ? Math.round(m.requestsPerSecond).toLocaleString('en-US') : 'n/a'),
  ms: (v) => (v === undefined || v === null ? 'n/a' : Number(v).toFixed(v < 10 ? 2 : 1)),
  ratio: (t) => (t.value === null ? 'n/a' : t.kind === 'ms' ? `${fmt.ms(t.value)} ms` : `${t.value.toFixed(2)}×`),
  target: (t) => (t.min !== undefined ? `≥ ${t.kind === 'ms' ? `${t.min} ms` : `${t.min}×`}` : `≤ ${t.max} ms`),
  verdict: (t) => (t.pass === true ? 'PASS' : t.pass === false ? 'FAIL' : `not measured${t.note ? ` (${t.note})` : ''}`),
  failures: (m) => (m ? `${m.non2xx}/${m.errors}` : 'n/a'),
};

function pad(cells, widths) {
  return cells.map((c, i) => String(c).padEnd(widths[i])).join('  ');
}

function textTable(header, body) {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => String(r[i]).length)));
  return [pad(header, widths), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map((r) => pad(r, widths))].join('\n');
}

function mdTable(header, body) {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

const MEASUREMENT_HEADER = ['Scenario', 'Server', 'req/s (median)', 'req/s per round', 'p50 ms', 'p99 ms', 'non-2xx/errors'];
const perRound = (m) => (m?.rounds ?? []).map((r) => Math.round(r.requestsPerSecond).toLocaleString('en-US')).join(' · ');
const measurementRows = (results) =>
  rows(results).map(({ scenario, server, m }) => [scenario, server, fmt.rps(m), perRound(m), fmt.ms(m?.latency.p50), fmt.ms(m?.latency.p99), fmt.failures(m)]);
const TARGET_HEADER = ['Mode', 'Check', 'Measured', 'Target', 'Result'];
const targetRows = (results) =>
  MODES.flatMap(([mode, name]) => (results.evaluation[mode] ?? []).map((t) => [name, t.label, fmt.ratio(t), fmt.target(t), fmt.verdict(t)]));

const FIXED_RATE_HEADER = ['Server', 'answered/s (median)', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'non-2xx/errors'];
function fixedRateRows(results) {
  const servers = results.fixedRate?.servers ?? {};
  const list = [['ceiling route (Fastify)', servers.ceiling], ...MODES.map(([mode, name]) => [`Tessera, ${name}`, servers[mode]])];
  return list
    .filter(([, m]) => m)
    .map(([server, m]) => [server, fmt.rps(m), fmt.ms(m.latency.p50), fmt.ms(m.latency.p90), fmt.ms(m.latency.p99), fmt.ms(m.latency.max), fmt.failures(m)]);
}

/** The plain-text report printed to stdout. */
export function renderTable(results) {
  const parts = ['', textTable(MEASUREMENT_HEADER, measurementRows(results)), ''];
  if (Object.keys(results.evaluation).length > 0) parts.push(textTable(TARGET_HEADER, targetRows(results)), '');
  if (results.fixedRate) parts.push(`Token issuance at a fixed rate of ${results.fixedRate.rate.toLocaleString('en-US')} requests/s (open loop):`, '', textTable(FIXED_RATE_HEADER, fixedRateRows(results)), '');
  for (const failure of results.failures) parts.push(`NOT MEASURED: ${failure.split('\n')[0]}`);
  for (const { server, m } of rows(results)) for (const p of m?.problems ?? []) parts.push(`LOAD PROBLEM (${server}): ${p}`);
  return parts.join('\n');
}

function profileSection(results) {
  const parts = [];
  for (const [mode, name] of MODES) {
    const profiles = results.tessera[mode]?.profiles;
    if (!profiles) continue;
    for (const [kind, p] of Object.entries(profiles)) {
      parts.push(`### ${kind === 'issuance' ? 'Token issuance' : 'Protected GET'}, ${name}`, '');
      parts.push('Self time by area:', '');
      parts.push(mdTable(['Area', 'Self time', 'Share'], p.areas.map((a) => [a.area, `${Math.round(a.selfMs)} ms`, `${a.percent.toFixed(1)}%`])), '');
      parts.push('Top functions by self time:', '');
      parts.push(
        mdTable(
          ['Function', 'Where', 'Share'],
          p.functions.slice(0, 20).map((f) => [`\`${f.name}\``, f.where ? `\`${f.where}\`` : '', `${f.percent.toFixed(1)}%`]),
        ),
        '',
      );
    }
  }
  if (parts.length === 0) return [];
  return [
    '## Where Tessera spends its CPU',
    '',
    `With \`BENCH_PROFILE=1\`, after the rounds above, each Tessera server is loaded again the same way for ${results.settings.duration} s with the V8 CPU profiler running (sampling every 0.5 ms, started and stopped around the load only; these runs are not in the table). Shares are of all samples on the server's core, including \`(idle)\`.`,
    '',
    ...parts,
  ];
}

function fixedRateSection(results) {
  const f = results.fixedRate;
  if (!f) return [];
  const problems = Object.entries(f.servers).flatMap(([server, m]) => (m.problems ?? []).map((p) => `- ${server}: ${p}`));
  return [
    '## Issuance latency at a fixed rate',
    '',
    `The same token requests, now sent at a fixed ${f.rate.toLocaleString('en-US')} a second (${f.share === null ? 'BENCH_RATE' : `${Math.round(100 * f.share)}% of the ceiling route's median throughput above`}) for ${results.settings.duration} s per measurement, in ${results.settings.rounds} rounds, at most ${results.settings.connections} connections, with the same warm-ups. The load is an open loop (\`bench/load.mjs\`): a request is due at its time whatever the server is doing, and its latency counts from then, so a stall is charged for every request it holds up. Under the closed loop above every server runs flat out and its latency is mostly the queue of 50 connections; here it is what a client waits at a load the server can carry. Medians over rounds.`,
    '',
    mdTable(FIXED_RATE_HEADER, fixedRateRows(results)),
    '',
    ...(problems.length ? ['Problems seen under load:', '', ...problems, ''] : []),
  ];
}

/** What the baselines say about the targets themselves, computed from this run's numbers. */
function readingSection(results) {
  const { oidc, ceiling } = results.baselines;
  const out = ['## Reading these numbers', ''];
  const ceilingOverPeer = oidc && ceiling ? pairedRatio(ceiling, oidc) : null;
  if (ceilingOverPeer) {
    const needed = 1.6 / ceilingOverPeer;
    out.push(
      `- The ceiling route, which does nothing but parse, HMAC and sign, answered ${ceilingOverPeer.toFixed(2)}× as many token requests as oidc-provider (median over rounds; the issue assumed ≈15k vs ≈7.5k, 2×). ` +
        (needed > 1
          ? `So "≥ 1.6× oidc-provider" asks for ${needed.toFixed(2)}× the ceiling: out of reach here for any implementation that does that work.`
          : `So "≥ 1.6× oidc-provider" asks for ${needed.toFixed(2)}× the ceiling in this run: every step Tessera adds to the ceiling's (throttling, the audit event of every issued token, usage counts, NestJS) must fit in the remaining ${Math.round((1 - needed) * 100)}%.`),
    );
  }
  const ceilingP99 = ceiling?.latency?.p99;
  if (ceilingP99) {
    const connections = results.settings.connections;
    const meanMs = (m) => (1000 * connections) / m.requestsPerSecond;
    const tessera = MODES.filter(([mode]) => results.tessera[mode]?.issuance).map(([mode, name]) => `${meanMs(results.tessera[mode].issuance).toFixed(1)} ms for Tessera, ${name}`);
    out.push(
      `- With ${connections} connections, p99 latency is mostly queueing: the ceiling route itself has p99 ${ceilingP99.toFixed(1)} ms, so "p99 ≤ 15 ms" measures the load generator's concurrency as much as the server. With ${connections} requests always in flight, a server's *mean* latency is ${connections} divided by its throughput (Little's law): ${[`${meanMs(ceiling).toFixed(1)} ms for the ceiling route`, ...tessera].join(', ')} in this run. Under this load, a p99 of 15 ms needs more than ${Math.round((1000 * connections) / 15).toLocaleString('en-US')} answers a second even if every request took exactly as long; the fixed-rate measurement above shows the latency each server adds of its own.`,
      "- Where Tessera's issuance tail comes from (measured 2026-11-28 on SQLite, by matching the gaps in the stream of responses with the server's `--trace-gc` events): its young-generation collections pause the server 3–4.5 ms about four times a second (the ceiling's, with Node's default semi-space, 1.3–1.5 ms about fifteen times a second), and each delays the ~50 requests in flight. Until then a full collection also came every 30–40 s of load and disturbed ~90 ms (gaps of 12–20 ms, final pause 11–15 ms): an object spread in the parsing of the Basic header (`{ ...decoded, method }`) made V8 keep ~95 bytes of every token request past two scavenges, which filled the old generation. Built field by field instead: 117 bytes promoted per request before, 19 after, and no full collection in 23 s of load; in paired rounds on SQLite 0.75× → 0.88× of the ceiling with p99 25.5 → 20.1 ms (ceiling 17.9 ms). Tried and not kept: Node's default 16 MB or a 32 MB semi-space (lower tokens/s, p99 no better), `--single-threaded-gc` (no better). Full collections came back later (measured 2026-11-29 with an event-loop lag probe and V8's heap-space sizes): audit events then waited up to 250 ms for their batch, long enough to be promoted, ~70 bytes a token; at 7,800 tokens/s a full collection every ~12 s held the event loop 16–33 ms, which was the stall that put the fixed-rate p99 at 17–34 ms in about half the rounds. Batches are now written every 50 ms, and no full collection came in 20–25 s of load (docs/decisions.md).",
    );
  }
  out.push(
    '- The protected route goes through NestJS (router, guard, pipes) and passport (passport-http-bearer) before it answers; verification itself is cached (see docs/architecture.md). Measured with `--trace-gc-nvp` (2026-11-28): with passport\'s callback chain in the guard, about 13% of what a request allocates outlives the next young-generation collection and is promoted (0% for the same guard calling the strategy\'s `validate` directly, and for a plain NestJS route), so with Node\'s default 16 MB semi-space garbage collection takes a large share of each call. `npm start` therefore runs Tessera with a 64 MB semi-space, and without V8\'s allocation-site pretenuring, which after the issuance rounds made every protected call\'s scavenge copy megabytes (p99 39 ms instead of 9.5 ms on the same process; docs/decisions.md).',
    '',
  );
  return out;
}

/** Where the local PostgreSQL and Redis ran (bench/run.mjs, pinServices). */
function pinnedServicesNote(counts) {
  if (!counts) return '';
  const names = { postgres: 'PostgreSQL', 'redis-server': 'Redis' };
  const services = Object.entries(counts).map(([name, c]) => ({ name: names[name] ?? name, ...c }));
  const moved = services.filter((c) => c.moved > 0).map((c) => `${c.name} (${c.moved} of ${c.found} process${c.found === 1 ? '' : 'es'}, every thread)`);
  const partly = services.filter((c) => c.found > 0 && c.moved < c.found).map((c) => c.name);
  const absent = services.filter((c) => c.found === 0).map((c) => c.name);
  return [
    moved.length > 0
      ? ` For the run, the local ${moved.join(' and ')} were moved to CPU 1 as well (the processes running when it began; PostgreSQL's later connections inherit it) and put back afterwards: in a deployment the database runs on other hardware, and left free it would take the server core's time from Tessera alone. Its work for Tessera then shares CPU 1 with the load generator, which only the PostgreSQL measurements pay for.`
      : '',
    partly.length > 0 ? ` Not every process of ${partly.join(' and ')} could be moved: those ran on either core, the server's included.` : '',
    absent.length > 0 ? ` No local ${absent.join(' or ')} process was found.` : '',
  ].join('');
}

export function renderMarkdown(results) {
  const { machine: m, settings: s } = results;
  const quick = s.rounds < 5 || s.duration < 5 || s.warmup < 3;
  const lines = [
    '# Benchmarks',
    '',
    '<!-- Written by `npm run bench` (bench/run.mjs). Do not edit by hand: run it again. -->',
    '',
    `Run on ${results.startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC at commit \`${m.commit}\`${m.uncommitted === true ? ' with uncommitted changes' : ''}${quick ? ` — **quick run** (BENCH_ROUNDS=${s.rounds}, BENCH_DURATION=${s.duration}, BENCH_WARMUP=${s.warmup}), numbers are indicative only` : ''}.`,
    '',
    '## Machine',
    '',
    `- CPU: ${m.cpu}, ${m.cpuCount} logical CPUs (\`os.cpus()\`), \`nproc\` = ${m.nproc}`,
    `- Memory: ${m.memoryGiB} GiB; OS: ${m.os}`,
    `- Node.js ${m.node}; PostgreSQL ${m.postgres}; Redis ${m.redis}`,
    `- fastify ${m.versions.fastify}, oidc-provider ${m.versions['oidc-provider']}, autocannon ${m.versions.autocannon}, jose ${m.versions.jose}`,
    `- 1-minute load average before the run: ${m.loadAverage} (other work on the machine skews results; the ratios, taken between measurements seconds apart, matter more than absolute numbers)`,
    '',
    '## Method',
    '',
    '- Every server runs in its own process pinned to CPU 0 (`taskset -c 0 node …`). All are started and checked first; then they are loaded one at a time, in rounds: each round measures every issuance server one after the other, then every protected-call server, each group starting one server later than in the round before. After each measurement the script waits until the server just loaded has stopped using CPU (work it deferred, such as batched audit writes, done) before loading the next, so a server not under load is idle. The load generator (autocannon, programmatic API, in a child process) and the orchestrating script are pinned to CPU 1. Everything is on the loopback interface.' + pinnedServicesNote(m.pinnedServices),
    `- Each measurement: ${s.duration} s with ${s.connections} connections, pipelining ${s.pipelining}, after a discarded warm-up (${s.warmup} s before a server's first measurement, 1 s before the others); ${s.rounds} rounds. Every response status is counted: a measurement with non-2xx answers or connection errors is flagged and its checks are not counted as passing.`,
    '- Why rounds: this machine is shared, and its speed drifts by tens of percent within minutes (the same server has measured 3,000 and 6,000 tokens/s a few minutes apart). Measured one after the other, minutes apart, two servers\' ratio mostly measured that drift. A ratio here is the median, over the rounds both were measured in, of the two servers\' req/s *in the same round* (at most three measurements apart, well under a minute); req/s, p50 and p99 in the table are medians over rounds, and every round\'s req/s is shown.',
    '- **Token issuance**: `POST /oauth/token`, `grant_type=client_credentials` form-encoded, client authentication `client_secret_basic`.',
    '  - *Tessera*: the admin account created by `tessera bootstrap --api bench --json` (scope `tessera:admin`; no `scope` parameter, so the token gets all of the account\'s scopes). `LOG_LEVEL=warn`, `TESSERA_THROTTLE_PER_ADDRESS=1000000`, `NODE_ENV=production`; started with the Node.js flags of `npm start` (`' + (m.tesseraNodeFlags || 'none') + '`), the baselines with Node\'s defaults.',
    '  - *oidc-provider* (the peer): `features.clientCredentials`, `features.resourceIndicators` with a default resource whose `getResourceServerInfo` returns `{ scope, accessTokenFormat: \'jwt\', jwt: { sign: { alg: \'EdDSA\' } } }`, a JWKS holding one Ed25519 key, one `client_secret_basic` client, 15-minute tokens (`bench/servers/oidc-provider.mjs`). Its requests also carry `scope=tessera:admin`, since oidc-provider only puts a scope in the token when asked; the script decodes one token first and checks it is an `at+jwt` signed `EdDSA`.',
    '  - *Ceiling*: a minimal Fastify route doing only the unavoidable work: parse the form body and the Basic header, look the client up in a `Map`, HMAC-SHA-256 the secret and compare with `crypto.timingSafeEqual`, build the same claims as Tessera, sign a compact JWS with Ed25519 through the signer Tessera uses (`ed25519Signer`: libsodium, which signs in about half the time of `crypto.sign`, where its prebuilt addon loads), answer the same JSON (`bench/servers/ceiling.mjs`).',
    `- **Protected GET**: Tessera's \`GET /bench/products\` with a bearer token holding \`products:read\` (a service account created through the management API; the collection is empty; each call is token verification plus the collection\'s first page, which Tessera keeps in memory for up to 2 s), against a bare Fastify hello-world route (\`bench/servers/bare.mjs\`).`,
    '- Tessera runs twice: embedded (`DATABASE_URL=sqlite:<tmp>/bench.sqlite`, no Redis) and distributed (`DATABASE_URL=postgres://…/tessera_bench`, recreated for the run, `REDIS_URL=redis://127.0.0.1:6379`, a random `TESSERA_PEPPER`), each after `tessera migrate` and `tessera bootstrap`. Both modes\' ratios are taken against the same baseline measurements. The protected GET gets a fresh token before each measurement.',
    '- A measurement\'s req/s is autocannon\'s mean of per-second request counts; p50/p99 are computed from every response\'s latency as autocannon timed it (its own histogram keeps whole milliseconds only). Nothing in this benchmark asserts on time: the targets below are reported, not enforced.',
    '',
    '## Results',
    '',
    mdTable(MEASUREMENT_HEADER, measurementRows(results)),
    '',
  ];
  const problems = rows(results).flatMap(({ server, m }) => (m?.problems ?? []).map((p) => `- ${server}: ${p}`));
  if (problems.length) lines.push('Problems seen under load:', '', ...problems, '');
  lines.push('## Targets', '');
  if (Object.keys(results.evaluation).length > 0) {
    lines.push(mdTable(TARGET_HEADER, targetRows(results)), '');
  } else {
    lines.push('No Tessera measurement completed, so no target could be checked.', '');
  }
  lines.push(...fixedRateSection(results));
  lines.push(...readingSection(results));
  if (results.failures.length) {
    lines.push('## Not measured', '');
    for (const failure of results.failures) lines.push(`- ${failure.split('\n')[0]}`);
    lines.push('');
  }
  lines.push(...profileSection(results));
  if (results.checks.length) lines.push('## Sanity checks made before loading', '', ...results.checks.map((c) => `- ${c}`), '');
  return `${lines.join('\n').trimEnd()}\n`;
}
