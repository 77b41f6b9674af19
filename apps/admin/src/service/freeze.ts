/**
 * Freezes every object and array reachable from `v` and returns `v`. Stops at objects that are
 * already frozen: after a mutation only the copied path is new, the shared subtrees were frozen
 * with the previous revision, so a commit costs the size of the change, not of the document.
 */
export function deepFreeze<T>(v: T): T {
  const stack: unknown[] = [v];
  while (stack.length) {
    const x = stack.pop();
    if (x === null || typeof x !== 'object' || Object.isFrozen(x)) continue;
    Object.freeze(x);
    for (const c of Array.isArray(x) ? x : Object.values(x)) stack.push(c);
  }
  return v;
}
