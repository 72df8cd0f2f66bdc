/** The figure of `mimax estimate`: a valid Vega-Lite spec whose encodings cover its data. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EstimateResult, EstimatorSummary } from '../../src/estimate/result.ts';
import { estimateFigureSpec } from '../../src/plots/estimate-figure.ts';
import { compileSpec, renderSvg } from '../../src/plots/render.ts';

function summary(
  id: string,
  kind: 'neural' | 'baseline',
  ceiling: number | null,
): EstimatorSummary {
  const curve =
    kind === 'neural' ? [0, 50, 100].map((step) => ({ step, estimate: step / 100 })) : [];
  return {
    id,
    estimator: id,
    kind,
    options: {},
    estimate: 0.9,
    sd: 0.01,
    trainEstimate: 0.95,
    perSeed: [],
    trainCurve: curve.slice(1),
    heldOutCurve: curve,
    seconds: 1,
    ceiling,
  };
}

const result = (estimators: EstimatorSummary[]): EstimateResult => ({
  n: 1000,
  dx: 1,
  dy: 1,
  xNames: ['x'],
  yNames: ['y'],
  protocol: {
    seeds: [0, 1],
    testFraction: 0.2,
    trainRows: 800,
    testRows: 200,
    critic: 'separable',
    criticOptions: {},
    steps: 100,
    epochs: null,
    batchSize: 128,
    learningRate: 5e-4,
    standardize: 'train split',
  },
  estimators,
  stopped: false,
  seconds: 2,
});

describe('estimate figure', () => {
  it('compiles and renders; every curve value has a dash style; far ceilings are left out', async () => {
    const spec = estimateFigureSpec(
      result([
        summary('smile', 'neural', null),
        summary('infonce', 'neural', Math.log(128)),
        summary('ksg', 'baseline', null),
      ]),
    );
    compileSpec(spec);
    assert.match(await renderSvg(spec), /^<svg/);
    const layers = spec['layer'] as {
      data: { values: Record<string, unknown>[] };
      encoding: Record<string, { scale?: { domain: unknown[] } }>;
    }[];
    const lines = layers[0];
    const dashes = lines.encoding['strokeDash'].scale!.domain;
    for (const row of lines.data.values)
      assert.ok(dashes.includes(row['curve']), String(row['curve']));
    const colours = lines.encoding['color'].scale!.domain;
    assert.deepEqual(colours, ['SMILE', 'InfoNCE', 'KSG']);
    // log 128 = 4.85 is far above estimates ≤ 1: no ceiling layer (2 layers: curves, KSG rule).
    assert.equal(layers.length, 2);
    const near = estimateFigureSpec(result([summary('infonce', 'neural', 1.1)]));
    assert.equal((near['layer'] as unknown[]).length, 2, 'curves and the ceiling');
  });

  it('draws a placeholder when no estimate is finite', () => {
    const none = summary('ksg', 'baseline', null);
    none.estimate = null;
    compileSpec(estimateFigureSpec(result([none])));
  });
});
