#!/usr/bin/env node
// Sums up the vitest JSON reports of every workspace after `npm test`.
//
//   node scripts/test-summary.mjs --clean     delete every workspace's test-results/vitest.json
//   node scripts/test-summary.mjs [--since MS] print one line per workspace, then a last line
//                                             "N passed, N failed" (", N skipped" when any)
//
// The run's start time (epoch milliseconds) comes from --since or TESSERA_TEST_RUN_START; a report
// older than it is stale (left over from an earlier run) and counts as a failure, as does a missing
// report for a workspace that has a `test` script, a failed test, or a test file that could not run.
// Each missing, stale or unreadable report, each test file that could not run, and a workspace run
// that failed without a failing test (e.g. no test files) adds 1 to "failed",
// so the last line never reads "0 failed" when the run did not pass.
// Exit code: 0 when everything passed, 1 otherwise, 2 on bad usage.
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPORT = join('test-results', 'vitest.json');
const GROUPS = ['packages', 'apps'];

/** Workspaces (packages/*, apps/*) whose package.json has a `test` script. */
function workspaces() {
  const found = [];
  for (const group of GROUPS) {
    const groupDir = join(ROOT, group);
    if (!existsSync(groupDir)) continue;
    for (const entry of readdirSync(groupDir, { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      const dir = join(groupDir, entry.name);
      const manifest = join(dir, 'package.json');
      if (!existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8'));
      if (!pkg.scripts?.test) continue;
      found.push({ name: pkg.name ?? relative(ROOT, dir), dir });
    }
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

function parseArgs(argv) {
  const args = { clean: false, since: process.env.TESSERA_TEST_RUN_START };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--clean') args.clean = true;
    else if (arg === '--since') args.since = argv[++i];
    else if (arg.startsWith('--since=')) args.since = arg.slice('--since='.length);
    else usage(`unknown argument ${arg}`);
  }
  return args;
}

function usage(message) {
  console.error(`test-summary: ${message}`);
  console.error('usage: node scripts/test-summary.mjs [--clean] [--since EPOCH_MS]');
  process.exit(2);
}

/** Counts of one vitest JSON report (jest-compatible shape). */
function countsOf(report) {
  const files = report.testResults ?? [];
  const passed = report.numPassedTests ?? 0;
  const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  const notes = [];
  let failed = report.numFailedTests ?? 0;
  // A test file that fails to load or throws outside a test has no failed test in it, but the
  // run failed: count each such file as one failure so the total cannot read "0 failed".
  for (const file of files) {
    if (file.status === 'failed' && !(file.assertionResults ?? []).some((t) => t.status === 'failed')) {
      failed += 1;
      const reason = (file.message ?? '').split('\n')[0];
      notes.push(`could not run ${relative(ROOT, file.name)}${reason ? `: ${reason}` : ''}`);
    }
  }
  // vitest also fails a run with no test files at all, or one that failed outside every file.
  if (report.success === false && failed === 0) {
    failed += 1;
    notes.push(files.length === 0 ? 'no test files found' : 'the run failed outside the tests (see its output above)');
  }
  return { passed, failed, skipped, files: files.length, notes, ok: failed === 0 };
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const list = workspaces();

  if (args.clean) {
    for (const ws of list) rmSync(join(ws.dir, 'test-results'), { recursive: true, force: true });
    return 0;
  }

  let since;
  if (args.since !== undefined && args.since !== '') {
    since = Number(args.since);
    if (!Number.isFinite(since)) usage(`--since / TESSERA_TEST_RUN_START is not a number: ${args.since}`);
  }

  const total = { passed: 0, failed: 0, skipped: 0 };
  let ok = list.length > 0;
  const width = Math.max(0, ...list.map((ws) => ws.name.length));

  for (const ws of list) {
    const file = join(ws.dir, REPORT);
    const label = ws.name.padEnd(width);
    if (!existsSync(file)) {
      console.log(`${label}  MISSING ${relative(ROOT, file)} (its tests did not run or did not finish)`);
      ok = false;
      total.failed += 1;
      continue;
    }
    // Filesystem timestamps can trail Date.now() by a tick; old reports are deleted before the
    // run anyway, so a small tolerance cannot let a real leftover through.
    const mtime = statSync(file).mtimeMs;
    if (since !== undefined && mtime < since - 1000) {
      console.log(
        `${label}  STALE ${relative(ROOT, file)} (written ${new Date(mtime).toISOString()}, before this run)`,
      );
      ok = false;
      total.failed += 1;
      continue;
    }
    let report;
    try {
      report = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      console.log(`${label}  UNREADABLE ${relative(ROOT, file)}: ${error.message}`);
      ok = false;
      total.failed += 1;
      continue;
    }
    const counts = countsOf(report);
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
    if (!counts.ok) ok = false;
    const parts = [`${counts.passed} passed`, `${counts.failed} failed`];
    if (counts.skipped > 0) parts.push(`${counts.skipped} skipped`);
    console.log(`${label}  ${counts.ok ? 'ok  ' : 'FAIL'}  ${parts.join(', ')}  (${plural(counts.files, 'file')})`);
    for (const note of counts.notes) console.log(`${' '.repeat(width)}        ${note}`);
  }

  if (list.length === 0) console.log('no workspace with a test script found');
  const parts = [`${total.passed} passed`, `${total.failed} failed`];
  if (total.skipped > 0) parts.push(`${total.skipped} skipped`);
  console.log(parts.join(', '));
  return ok && total.failed === 0 ? 0 : 1;
}

process.exitCode = main();
