/**
 * The bmi catalogue (src/tasks/bmi.ts): bmi's ids, each task's true MI against bmi's own
 * formulas evaluated independently in SciPy, every catalogue sampler's contract, and
 * `bmiTasks`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../src/random.ts';
import { variant } from '../../src/run/grid.ts';
import { BMI_TASKS, bmiTasks, bmiTaskTable, createTask, type Task } from '../../src/tasks/index.ts';
import { UserError } from '../../src/types.ts';

/**
 * bmi's `BENCHMARK_TASKS_LIST` (src/bmi/benchmark/task_list.py, commit 6c569b9), expanded by
 * hand from its task_id f-strings, in bmi's order: ONE_DIM (9), EMBEDDINGS (1), MULTINORMAL (9),
 * STUDENT (6), TRANSFORMED (15).
 */
const BMI_IDS = [
  '1v1-normal-0.75',
  'normal_cdf-1v1-normal-0.75',
  '1v1-additive-0.1',
  '1v1-additive-0.75',
  '1v1-bimodal-0.75',
  'wiggly-1v1-normal-0.75',
  'half_cube-1v1-normal-0.75',
  'student-identity-1-1-1',
  'asinh-student-identity-1-1-1',
  'swissroll_x-normal_cdf-1v1-normal-0.75',
  'multinormal-dense-2-2-0.5',
  'multinormal-dense-3-3-0.5',
  'multinormal-dense-5-5-0.5',
  'multinormal-dense-25-25-0.5',
  'multinormal-dense-50-50-0.5',
  'multinormal-sparse-2-2-2-2.0',
  'multinormal-sparse-3-3-2-2.0',
  'multinormal-sparse-5-5-2-2.0',
  'multinormal-sparse-25-25-2-2.0',
  'student-identity-2-2-1',
  'student-identity-2-2-2',
  'student-identity-3-3-2',
  'student-identity-3-3-3',
  'student-identity-5-5-2',
  'student-identity-5-5-3',
  'normal_cdf-multinormal-sparse-3-3-2-2.0',
  'normal_cdf-multinormal-sparse-5-5-2-2.0',
  'normal_cdf-multinormal-sparse-25-25-2-2.0',
  'half_cube-multinormal-sparse-3-3-2-2.0',
  'half_cube-multinormal-sparse-5-5-2-2.0',
  'half_cube-multinormal-sparse-25-25-2-2.0',
  'spiral-multinormal-sparse-3-3-2-2.0',
  'spiral-multinormal-sparse-5-5-2-2.0',
  'spiral-multinormal-sparse-25-25-2-2.0',
  'spiral-normal_cdf-multinormal-sparse-3-3-2-2.0',
  'spiral-normal_cdf-multinormal-sparse-5-5-2-2.0',
  'spiral-normal_cdf-multinormal-sparse-25-25-2-2.0',
  'asinh-student-identity-2-2-1',
  'asinh-student-identity-3-3-2',
  'asinh-student-identity-5-5-2',
];

/**
 * bmi's true MI of every untransformed task, from bmi's own formulas (src/bmi/samplers/:
 * SplitMultinormal's log-determinants, GaussianLVMParametrization's correlation,
 * SplitStudentT's entropies, AdditiveUniformSampler) re-evaluated in NumPy 1.24 / SciPy 1.10
 * (bmi itself needs JAX, not installable here). A transformed task's MI is its base's (bmi's
 * `TransformedSampler.mutual_information` returns the base's), so the test follows the `base`
 * chain. Snippet (python3):
 *
 *     import numpy as np
 *     from scipy.special import digamma, gammaln
 *     def mi_gauss(S, dx):  # SplitMultinormal.mutual_information
 *         return 0.5 * (np.linalg.slogdet(S[:dx, :dx])[1] + np.linalg.slogdet(S[dx:, dx:])[1]
 *                       - np.linalg.slogdet(S)[1])
 *     def dense(d, c=0.5): return np.eye(2 * d) * (1 - c) + c   # task_multinormal_dense
 *     def sparse(d, k=2, lam=2.0):  # GaussianLVMParametrization(alpha=0, beta=0, lambd=eta=lam,
 *         C = np.zeros((2 * d, 2 * d)); C[np.diag_indices(2 * d)] += 1.0   # epsilon=1).correlation
 *         for i in range(k):
 *             C[i, d + i] += lam**2; C[d + i, i] += lam**2; C[i, i] += lam**2; C[d + i, d + i] += lam**2
 *         for i in range(k, d): C[i, i] += lam**2
 *         for j in range(k + d, 2 * d): C[j, j] += lam**2
 *         v = np.diag(C); return C / np.sqrt(np.outer(v, v))
 *     def h_t(k, nu):  # _differential_entropy (bmi: log(gamma(.)), same as gammaln here)
 *         hs = 0.5 * (nu + k)
 *         return (-gammaln(hs) + gammaln(0.5 * nu) + 0.5 * k * np.log(nu * np.pi)
 *                 + hs * (digamma(hs) - digamma(0.5 * nu)))
 *     def student(d, nu): return h_t(d, nu) + h_t(d, nu) - h_t(2 * d, nu)
 *     def additive(e): return 0.25 / e if e > 0.5 else e - np.log(2 * e)
 *     ref = {'1v1-normal-0.75': -0.5 * np.log(1 - 0.75**2), '1v1-additive-0.1': additive(0.1),
 *            '1v1-additive-0.75': additive(0.75), 'student-identity-1-1-1': student(1, 1)}
 *     for d in [2, 3, 5, 25, 50]: ref[f'multinormal-dense-{d}-{d}-0.5'] = mi_gauss(dense(d), d)
 *     for d in [2, 3, 5, 25]: ref[f'multinormal-sparse-{d}-{d}-2-2.0'] = mi_gauss(sparse(d), d)
 *     for d, nu in [(2, 1), (2, 2), (3, 2), (3, 3), (5, 2), (5, 3)]:
 *         ref[f'student-identity-{d}-{d}-{nu}'] = student(d, nu)
 */
const BMI_MI: { [id: string]: number } = {
  '1v1-normal-0.75': 0.41333928659223396,
  '1v1-additive-0.1': 1.7094379124341004,
  '1v1-additive-0.75': 0.3333333333333333,
  'student-identity-1-1-1': 0.22417142752923613,
  'multinormal-dense-2-2-0.5': 0.2938933324510594,
  'multinormal-dense-3-3-0.5': 0.41333928659223407,
  'multinormal-dense-5-5-0.5': 0.5928118328288694,
  'multinormal-dense-25-25-0.5': 1.2921837216593204,
  'multinormal-dense-50-50-0.5': 1.6242653743037039,
  'multinormal-sparse-2-2-2-2.0': 1.0216512475319817,
  'multinormal-sparse-3-3-2-2.0': 1.0216512475319817,
  'multinormal-sparse-5-5-2-2.0': 1.0216512475319817,
  'multinormal-sparse-25-25-2-2.0': 1.0216512475319817,
  'student-identity-2-2-1': 0.43194562200144127,
  'student-identity-2-2-2': 0.1931471805599454,
  'student-identity-3-3-2': 0.29092192268276484,
  'student-identity-3-3-3': 0.17871185309236282,
  'student-identity-5-5-2': 0.44815067691532917,
  'student-identity-5-5-3': 0.29854362265275824,
};

/** bmi's dims per id, from the id itself (`{dx}-{dy}` / `1v1`; Swiss roll embeds x into 2-d). */
function bmiDims(id: string): [number, number] {
  if (id.startsWith('swissroll_x-')) return [2, 1];
  if (id.includes('1v1-') || id.endsWith('-1-1-1')) return [1, 1];
  const m = /(?:dense|sparse|identity)-(\d+)-(\d+)-/.exec(id);
  assert.ok(m, id);
  return [Number(m[1]), Number(m[2])];
}

/** The reference MI of `id`: its own, or (transforms) its base's, following the chain. */
function referenceMI(id: string): number {
  let current = id;
  while (!(current in BMI_MI)) {
    const base = BMI_TASKS[current].base;
    assert.equal(typeof base, 'string', `${current} has neither a reference nor a catalogue base`);
    current = base as string;
  }
  return BMI_MI[current];
}

function createBmiTask(id: string): Task {
  const { name, options } = variant(id, { ...BMI_TASKS[id] }, 'task');
  return createTask(name, options);
}

describe('bmi catalogue: ids and true MI', () => {
  it("holds exactly bmi's 40 benchmark ids, in bmi's order", () => {
    assert.deepEqual(Object.keys(BMI_TASKS), BMI_IDS);
  });

  it("every task's closed-form MI equals bmi's formula (SciPy) within 1e-12; dims are bmi's", () => {
    for (const id of BMI_IDS) {
      const task = createBmiTask(id);
      const want = referenceMI(id);
      assert.ok(
        Math.abs(task.mutualInformation - want) <= 1e-12 * Math.max(1, want),
        `${id}: mimax ${task.mutualInformation}, bmi ${want}`,
      );
      assert.deepEqual([task.dimX, task.dimY], bmiDims(id), id);
    }
  });

  it('the sparse tasks are the issue\'s "two pairs with correlation 0.8": MI = −ln(1 − 0.8²)', () => {
    // −2 · ½ ln(1 − 0.64) = −ln 0.36 (Python: -math.log(0.36) = 1.0216512475319814)
    for (const d of [2, 3, 5, 25]) {
      const task = createBmiTask(`multinormal-sparse-${d}-${d}-2-2.0`);
      assert.ok(Math.abs(task.mutualInformation - 1.0216512475319814) < 1e-12);
    }
  });
});

describe('bmi catalogue: every sampler', () => {
  for (const id of BMI_IDS) {
    it(`${id}: seeded, shapes, finite`, () => {
      const task = createBmiTask(id);
      const n = 64;
      const a = task.sample(new Rng(11), n);
      const b = task.sample(new Rng(11), n);
      const c = task.sample(new Rng(12), n);
      assert.equal(a.n, n);
      assert.ok(a.x instanceof Float32Array && a.y instanceof Float32Array);
      assert.equal(a.x.length, n * task.dimX);
      assert.equal(a.y.length, n * task.dimY);
      assert.ok(a.x.every(Number.isFinite) && a.y.every(Number.isFinite));
      assert.deepEqual(a, b);
      assert.notDeepEqual(a.x, c.x);
      assert.notDeepEqual(a.y, c.y);
    });
  }
});

describe('bmiTasks', () => {
  it('returns every catalogue variant, or the ids asked for in their order', () => {
    assert.deepEqual(Object.keys(bmiTasks()), BMI_IDS);
    const some = bmiTasks(['student-identity-2-2-1', '1v1-normal-0.75']);
    assert.deepEqual(Object.keys(some), ['student-identity-2-2-1', '1v1-normal-0.75']);
    assert.deepEqual(some['1v1-normal-0.75'], { task: 'gaussian', dim: 1, rho: 0.75 });
  });

  it('returns copies: changing one leaves the catalogue alone', () => {
    const map = bmiTasks(['1v1-additive-0.1']);
    map['1v1-additive-0.1'].epsilon = 0.5;
    assert.equal(BMI_TASKS['1v1-additive-0.1'].epsilon, 0.1);
    assert.ok(Object.isFrozen(BMI_TASKS) && Object.isFrozen(BMI_TASKS['1v1-additive-0.1']));
  });

  it('an unknown id is a UserError listing the valid ids', () => {
    for (const bad of ['1v1-normal-0.5', 'toString', 'half-cube-1v1-normal-0.75']) {
      assert.throws(
        () => bmiTasks(['1v1-normal-0.75', bad]),
        (e: Error) =>
          e instanceof UserError &&
          e.message.includes(`unknown bmi task '${bad}'`) &&
          e.message.includes('valid ids: 1v1-normal-0.75, normal_cdf-1v1-normal-0.75,'),
      );
    }
  });
});

describe('bmiTaskTable', () => {
  it("one row per id, bmi's order, dims and MI of the created task", () => {
    const rows = bmiTaskTable();
    assert.deepEqual(
      rows.map((r) => r.id),
      BMI_IDS,
    );
    for (const row of rows) {
      assert.deepEqual([row.dimX, row.dimY], bmiDims(row.id));
      assert.ok(Math.abs(row.mutualInformation - referenceMI(row.id)) < 1e-12, row.id);
    }
  });
});
