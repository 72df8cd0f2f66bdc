/** n pairs (x_i, y_i), row-major: x [n, dx], y [n, dy] (the shape of `estimate`'s `Sample`). */
export interface Pairs {
  n: number;
  dx: number;
  dy: number;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
}

/** Row i of (x, y) concatenated into `out` [dx + dy]. */
export function concatRow(pairs: Pairs, i: number, out: Float64Array): void {
  const { dx, dy } = pairs;
  for (let j = 0; j < dx; j++) out[j] = pairs.x[i * dx + j];
  for (let j = 0; j < dy; j++) out[dx + j] = pairs.y[i * dy + j];
}
