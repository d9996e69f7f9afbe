// Summarises a V8 .cpuprofile: self time per function and per package/area.
import { readFileSync } from 'node:fs';

function area(url) {
  if (!url) return '(native / V8)';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node core';
  const app = url.match(/\/(apps\/[^/]+|packages\/[^/]+)\//);
  if (app) return `tessera ${app[1]}`;
  return url;
}

function location(url, line) {
  if (!url) return '';
  const modules = url.lastIndexOf('node_modules/');
  const short = modules >= 0 ? url.slice(modules + 'node_modules/'.length) : url.replace(/^.*\/(apps|packages)\//, '$1/').replace(/^file:\/\//, '');
  return `${short}:${line + 1}`;
}

/** Returns { totalMs, functions: [{ name, where, area, selfMs, percent }], areas: [{ area, selfMs, percent }] }. */
export function summarizeProfile(file, { top = 25 } = {}) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parentOf = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const self = new Map();
  // timeDeltas[i] is the time before sample i; attribute it to that sample's node.
  // The first delta runs from the profiler's start-up to the first sample: not a sample's time.
  for (let i = 1; i < profile.samples.length; i += 1) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  // A native function (no script URL) is charged to the nearest JavaScript caller's area.
  const callerOf = (id) => {
    for (let at = parentOf.get(id); at !== undefined; at = parentOf.get(at)) {
      const frame = byId.get(at).callFrame;
      if (frame.url) return frame;
    }
    return null;
  };
  const functions = new Map();
  const areas = new Map();
  let total = 0;
  for (const [id, micros] of self) {
    const { callFrame } = byId.get(id);
    const name = callFrame.functionName || '(anonymous)';
    const isMeta = name.startsWith('(') && !callFrame.url;
    let where = location(callFrame.url, callFrame.lineNumber);
    let entryArea = isMeta ? name : area(callFrame.url);
    if (!callFrame.url && !isMeta) {
      const caller = callerOf(id);
      where = caller ? `native, from ${caller.functionName || '(anonymous)'} ${location(caller.url, caller.lineNumber)}` : 'native';
      entryArea = caller ? area(caller.url) : '(native / V8)';
    }
    const key = `${name}|${where}`;
    const entry = functions.get(key) ?? { name, where, area: entryArea, selfMs: 0 };
    entry.selfMs += micros / 1000;
    functions.set(key, entry);
    areas.set(entryArea, (areas.get(entryArea) ?? 0) + micros / 1000);
    total += micros / 1000;
  }
  const withPercent = (list) => list.map((entry) => ({ ...entry, percent: (100 * entry.selfMs) / total }));
  return {
    totalMs: total,
    functions: withPercent([...functions.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, top)),
    areas: withPercent([...areas].map(([name, selfMs]) => ({ area: name, selfMs })).sort((a, b) => b.selfMs - a.selfMs).slice(0, 15)),
  };
}
