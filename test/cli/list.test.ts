/** `mimax list`: the registries and the bmi catalogue (id, dims, true MI to 4 decimals). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BMI_TASKS } from '../../src/tasks/index.ts';
import { mimax } from './helpers.ts';

describe('mimax list', () => {
  it('prints every bmi catalogue id with its dims and true MI', () => {
    const result = mimax(['list']);
    assert.equal(result.status, 0, result.stderr);
    const out = result.stdout;
    assert.match(out, /bmi benchmark tasks/);
    // values from bmi's formulas (test/tasks/bmi.test.ts), rounded
    assert.match(out, /\n {2}1v1-normal-0\.75 +1 × 1 +0\.4133\n/);
    assert.match(out, /\n {2}swissroll_x-normal_cdf-1v1-normal-0\.75 +2 × 1 +0\.4133\n/);
    assert.match(out, /\n {2}multinormal-dense-50-50-0\.5 +50 × 50 +1\.6243\n/);
    assert.match(out, /\n {2}student-identity-5-5-3 +5 × 5 +0\.2985\n/);
    for (const id of Object.keys(BMI_TASKS)) {
      assert.ok(out.includes(`\n  ${id} `), `${id} missing from mimax list`);
    }
    // the registry lines stay aligned with the longer task names
    assert.match(out, /\n {2}multinormal-sparse bmi sparse Gaussian/);
  });
});
