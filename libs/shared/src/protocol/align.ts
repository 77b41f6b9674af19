/**
 * Bounded sequence alignment (Myers' O((N+M)D) greedy algorithm) used by the array diff.
 * E. W. Myers, "An O(ND) Difference Algorithm and Its Variations", Algorithmica 1986.
 */

/** A run of edits between two kept elements: `del` items of A at `a` became `ins` items of B at `b`. */
export interface Hunk {
  a: number;
  del: number;
  b: number;
  ins: number;
}

/**
 * The hunks of a shortest edit script turning `a` into `b`, comparing items with `===`
 * (callers map values to ids first). Returns null when more than `maxEdits` insertions plus
 * deletions are needed: the caller then falls back to a cheaper, coarser strategy.
 * Hunks are in increasing order of `a` and `b`, and never adjacent.
 */
export function align(a: ArrayLike<number>, b: ArrayLike<number>, maxEdits: number): Hunk[] | null {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, maxEdits);
  if (Math.abs(n - m) > max) return null;
  const off = max + 1;
  // v[off + k] = furthest x reached on diagonal k = x - y.
  const v = new Int32Array(2 * max + 3);
  const trace: Int32Array[] = [];
  for (let d = 0; d <= max; d++) {
    trace.push(v.slice());
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]) ? v[off + k + 1] : v[off + k - 1] + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) return hunks(trace, off, n, m, d);
    }
  }
  return null;
}

// Walks the trace back from (n, m) collecting the kept diagonals, then reads the gaps between
// them as hunks.
function hunks(trace: Int32Array[], off: number, n: number, m: number, dEnd: number): Hunk[] {
  const keptA: number[] = [];
  const keptB: number[] = [];
  let x = n;
  let y = m;
  for (let d = dEnd; d >= 0; d--) {
    const v = trace[d];
    const k = x - y;
    let startX = 0;
    let startY = 0;
    let prevX = 0;
    let prevY = 0;
    if (d > 0) {
      const down = k === -d || (k !== d && v[off + k - 1] < v[off + k + 1]);
      const prevK = down ? k + 1 : k - 1;
      prevX = v[off + prevK];
      prevY = prevX - prevK;
      startX = down ? prevX : prevX + 1;
      startY = startX - k;
    }
    while (x > startX && y > startY) {
      x--;
      y--;
      keptA.push(x);
      keptB.push(y);
    }
    x = prevX;
    y = prevY;
  }
  const out: Hunk[] = [];
  let ax = 0;
  let by = 0;
  for (let i = keptA.length - 1; i >= -1; i--) {
    const kx = i >= 0 ? keptA[i] : n;
    const ky = i >= 0 ? keptB[i] : m;
    if (kx > ax || ky > by) out.push({ a: ax, del: kx - ax, b: by, ins: ky - by });
    ax = kx + 1;
    by = ky + 1;
  }
  return out;
}
