/**
 * Whether a parsed JSON value nests arrays and objects more than `maxDepth` levels deep; the
 * value itself, when it is an array or object, is level 1. Walks with its own stack, never by
 * recursion, so that no nesting a body can hold overflows the call stack, and stops at the first
 * level too deep.
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  const pending: unknown[] = [value];
  const depths: number[] = [1];
  while (pending.length > 0) {
    const current = pending.pop();
    const depth = depths.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > maxDepth) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child !== 'object' || child === null) continue;
      pending.push(child);
      depths.push(depth + 1);
    }
  }
  return false;
}
