/**
 * A static k-d tree under the max-norm (Chebyshev, L∞) distance ‖p − q‖∞ = max_k |p_k − q_k|,
 * for exact k-nearest-neighbour distances and exact counts of points within a radius: the two
 * queries of the KSG estimator (`ksg.ts`).
 *
 * Why not an npm package: `static-kdtree` and `mnemonist`'s `KDTree` hard-code the Euclidean
 * distance; `kd-tree-javascript` accepts a metric but stores points as objects, sorts at every
 * level and has no radius count; none counts points strictly within a max-norm radius, which
 * KSG needs in each marginal space.
 *
 * Layout: points are copied into tree order (each node owns a contiguous slice, so a leaf scan
 * reads consecutive memory); every node keeps the tight bounding box of its points. Nodes split
 * at the median of the dimension of largest spread (Friedman, Bentley & Finkel 1977), found by
 * quickselect. Build O(n log n · d); a query visits O(log n) nodes in few dimensions and
 * degrades towards a full scan (O(n)) as the dimension grows past ~10–20 (the usual k-d tree
 * limit: the boxes then overlap every query ball).
 */

/** Points per leaf: small enough to prune well, large enough to amortize node overhead. */
const LEAF_SIZE = 32;

export class MaxNormKdTree {
  readonly n: number;
  readonly d: number;
  /** Points in tree order, row-major [n, d]. */
  private readonly points: Float64Array;
  /** Tree position → original row. */
  private readonly rowOf: Int32Array;
  // Nodes (struct of arrays; node 0 is the root): slice [start, end) of the tree order,
  // children (-1 for a leaf), tight bounding box lo/hi [nodes, d]. Read-only for inspection.
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly lo: Float64Array;
  readonly hi: Float64Array;

  /** Builds the tree over `values`: n rows of d coordinates, row-major (not retained). */
  constructor(values: ArrayLike<number>, n: number, d: number) {
    if (values.length !== n * d) throw new Error(`k-d tree: ${values.length} values ≠ ${n} × ${d}`);
    this.n = n;
    this.d = d;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    const starts: number[] = [];
    const ends: number[] = [];
    const lefts: number[] = [];
    const rights: number[] = [];
    const los: number[] = [];
    const his: number[] = [];
    const build = (s: number, e: number): number => {
      const node = starts.length;
      starts.push(s);
      ends.push(e);
      lefts.push(-1);
      rights.push(-1);
      let widest = 0;
      let widestSpread = -1;
      for (let k = 0; k < d; k++) {
        let min = Number.POSITIVE_INFINITY;
        let max = Number.NEGATIVE_INFINITY;
        for (let t = s; t < e; t++) {
          const v = values[order[t] * d + k];
          if (v < min) min = v;
          if (v > max) max = v;
        }
        los.push(min);
        his.push(max);
        if (max - min > widestSpread) {
          widestSpread = max - min;
          widest = k;
        }
      }
      if (e - s <= LEAF_SIZE || widestSpread <= 0) return node; // leaf (or all points equal)
      const mid = (s + e) >> 1;
      quickselect(order, s, e - 1, mid, (row) => values[row * d + widest]);
      lefts[node] = build(s, mid);
      rights[node] = build(mid, e);
      return node;
    };
    if (n > 0) build(0, n);
    this.start = Int32Array.from(starts);
    this.end = Int32Array.from(ends);
    this.left = Int32Array.from(lefts);
    this.right = Int32Array.from(rights);
    this.lo = Float64Array.from(los);
    this.hi = Float64Array.from(his);
    this.rowOf = order;
    this.points = new Float64Array(n * d);
    for (let t = 0; t < n; t++) {
      for (let k = 0; k < d; k++) this.points[t * d + k] = values[order[t] * d + k];
    }
  }

  /**
   * The max-norm distances from `query` (d coordinates at `offset`) to its `k` nearest points,
   * ascending, leaving out the point whose original row is `exclude` (−1: none). Exact.
   */
  nearestDistances(
    query: ArrayLike<number>,
    offset: number,
    k: number,
    exclude = -1,
  ): Float64Array {
    const best = new Float64Array(k);
    this.searchNearest(query, offset, k, exclude, best);
    return best;
  }

  /**
   * For every point, the max-norm distance to its k-th nearest *other* point, indexed by
   * original row (the all-k-NN query of KSG; queries run in tree order, for locality).
   */
  kthNeighbourDistances(k: number): Float64Array {
    const out = new Float64Array(this.n);
    const best = new Float64Array(k);
    for (let t = 0; t < this.n; t++) {
      const row = this.rowOf[t];
      this.searchNearest(this.points, t * this.d, k, row, best);
      out[row] = best[k - 1];
    }
    return out;
  }

  /** Stack of the depth-first searches: (node, lower bound on its distance) pairs. */
  private stackNode = new Int32Array(64);
  private stackGap = new Float64Array(64);

  /** Lower bound on the distance from the query to any point of `node`: its box distance. */
  private boxGap(node: number, query: ArrayLike<number>, offset: number): number {
    const { d, lo, hi } = this;
    let gap = 0;
    for (let j = 0; j < d; j++) {
      const q = query[offset + j];
      const g = Math.max(lo[node * d + j] - q, q - hi[node * d + j]);
      if (g > gap) gap = g;
    }
    return gap;
  }

  /** Fills `best` (length k) with the k smallest distances, ascending (depth-first, pruned). */
  private searchNearest(
    query: ArrayLike<number>,
    offset: number,
    k: number,
    exclude: number,
    best: Float64Array,
  ): void {
    const { d, points, rowOf, start, end, left, right } = this;
    best.fill(Number.POSITIVE_INFINITY);
    if (this.n === 0) return;
    let stackNode = this.stackNode;
    let stackGap = this.stackGap;
    let top = 0;
    stackNode[top] = 0;
    stackGap[top] = this.boxGap(0, query, offset);
    top++;
    while (top > 0) {
      top--;
      const node = stackNode[top];
      if (stackGap[top] >= best[k - 1]) continue; // nothing here can improve the k-th distance
      if (left[node] < 0) {
        for (let t = start[node]; t < end[node]; t++) {
          if (rowOf[t] === exclude) continue;
          const worst = best[k - 1];
          let distance = 0;
          for (let j = 0; j < d && distance < worst; j++) {
            const g = Math.abs(points[t * d + j] - query[offset + j]);
            if (g > distance) distance = g;
          }
          if (distance < worst) {
            let slot = k - 1;
            while (slot > 0 && best[slot - 1] > distance) {
              best[slot] = best[slot - 1];
              slot--;
            }
            best[slot] = distance;
          }
        }
        continue;
      }
      if (top + 2 > stackNode.length) {
        const grownNode = new Int32Array(stackNode.length * 2);
        grownNode.set(stackNode);
        const grownGap = new Float64Array(stackGap.length * 2);
        grownGap.set(stackGap);
        this.stackNode = stackNode = grownNode;
        this.stackGap = stackGap = grownGap;
      }
      // Push the farther child first so the nearer one is searched first: the k-th distance
      // then shrinks early and prunes the other.
      const a = left[node];
      const b = right[node];
      const ga = this.boxGap(a, query, offset);
      const gb = this.boxGap(b, query, offset);
      const aFirst = ga <= gb;
      stackNode[top] = aFirst ? b : a;
      stackGap[top] = aFirst ? gb : ga;
      top++;
      stackNode[top] = aFirst ? a : b;
      stackGap[top] = aFirst ? ga : gb;
      top++;
    }
  }

  /**
   * How many points lie strictly within max-norm distance `radius` of `query` (d coordinates
   * at `offset`): #{j : ‖p_j − query‖∞ < radius}, the query point itself included if it is in
   * the tree. Exact; whole nodes inside the ball are counted without visiting their points.
   */
  countWithin(query: ArrayLike<number>, offset: number, radius: number): number {
    const { d, points, start, end, left, right, lo, hi } = this;
    if (this.n === 0) return 0;
    let stack = this.stackNode;
    let top = 0;
    stack[top++] = 0;
    let count = 0;
    while (top > 0) {
      const node = stack[--top];
      let near = 0; // distance to the box (0 inside)
      let far = 0; // distance to the box's farthest corner
      for (let j = 0; j < d; j++) {
        const q = query[offset + j];
        const l = lo[node * d + j];
        const h = hi[node * d + j];
        const gap = Math.max(l - q, q - h);
        if (gap > near) near = gap;
        const reach = Math.max(q - l, h - q);
        if (reach > far) far = reach;
      }
      if (near >= radius) continue;
      if (far < radius) {
        count += end[node] - start[node];
        continue;
      }
      if (left[node] < 0) {
        for (let t = start[node]; t < end[node]; t++) {
          let j = 0;
          while (j < d && Math.abs(points[t * d + j] - query[offset + j]) < radius) j++;
          if (j === d) count++;
        }
        continue;
      }
      if (top + 2 > stack.length) {
        const grown = new Int32Array(stack.length * 2);
        grown.set(stack);
        this.stackNode = stack = grown;
      }
      stack[top++] = left[node];
      stack[top++] = right[node];
    }
    return count;
  }

  /**
   * For every point i, how many points (itself included) lie strictly within `radius[i]` of
   * it, indexed by original row (KSG's marginal counts; queries run in tree order).
   */
  countsWithin(radius: Float64Array): Int32Array {
    if (radius.length !== this.n) throw new Error(`k-d tree: ${radius.length} radii ≠ ${this.n}`);
    const out = new Int32Array(this.n);
    for (let t = 0; t < this.n; t++) {
      const row = this.rowOf[t];
      out[row] = this.countWithin(this.points, t * this.d, radius[row]);
    }
    return out;
  }
}

/**
 * Reorders `order[l..r]` so that position `nth` holds the element of rank nth − l by `key`,
 * smaller-or-equal keys before it and greater-or-equal after (Hoare's quickselect, middle
 * pivot; expected O(r − l)).
 */
function quickselect(
  order: Int32Array,
  l: number,
  r: number,
  nth: number,
  key: (row: number) => number,
): void {
  while (r > l) {
    const pivot = key(order[(l + r) >> 1]);
    let i = l;
    let j = r;
    while (i <= j) {
      while (key(order[i]) < pivot) i++;
      while (key(order[j]) > pivot) j--;
      if (i <= j) {
        const t = order[i];
        order[i] = order[j];
        order[j] = t;
        i++;
        j--;
      }
    }
    if (nth <= j) r = j;
    else if (nth >= i) l = i;
    else return;
  }
}
