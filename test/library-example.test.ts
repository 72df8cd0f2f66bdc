/**
 * The README's library example cannot rot: the README's code block is `examples/library.ts`
 * verbatim, and that file runs (it imports from 'mimax' exactly what the README shows, trains
 * a few steps with `train.trainStep`, then probes the encoder with `evaluation`).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';

const EXAMPLE = 'examples/library.ts';

describe('README library example', () => {
  it('the README shows examples/library.ts verbatim', () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Library'));
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    assert.ok(block, 'a ts code block in the Library section');
    assert.equal(block, readFileSync(EXAMPLE, 'utf8'));
  });

  it('runs: trains, then reports probe accuracy, held-out bound and conditioning', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', EXAMPLE], {
      encoding: 'utf8',
      timeout: 180_000,
    });
    assert.equal(result.status, 0, result.stderr);
    const steps = [...result.stdout.matchAll(/step (\d+): I_NCE (-?[\d.]+) nats/g)];
    assert.deepEqual(
      steps.map((m) => Number(m[1])),
      [0, 5, 10, 15],
    );
    const final =
      /probe accuracy ([\d.]+), held-out I_NCE (-?[\d.]+) nats, log condition of g1 ([\d.]+)–([\d.]+)/.exec(
        result.stdout,
      );
    assert.ok(final, result.stdout);
    // 10 classes: chance is 0.1; the probe on codes of a barely trained MLP is far above it.
    assert.ok(Number(final[1]) > 0.5, `probe accuracy ${final[1]}`);
    // InfoNCE is at most log 128 = 4.85 nats; after 20 steps it has risen above 0.
    const heldOut = Number(final[2]);
    assert.ok(heldOut > 0 && heldOut < Math.log(128), `held-out ${heldOut}`);
    assert.ok(Number(final[3]) <= Number(final[4]) && Number.isFinite(Number(final[4])));
  });
});
