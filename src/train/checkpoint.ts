/**
 * What a training loop saves at an evaluation and restores on resume (DESIGN §6): its model
 * variables by owner (`g1`, `critic`, ...), its optimizers' state, and its own JSON state (step,
 * stream position, RNG states, traces). Every loop kind takes an optional {@link LoopCheckpoint}:
 * after each evaluation's commit it calls `save`, and at start it continues from `resume` when
 * given. Loops evaluate with nothing pending (the per-step scalars of `pending.ts` are drained
 * by the evaluation), so no device-side trace needs saving.
 *
 * Names: a variable is saved as `<owner>/<its TF.js name without the per-process counters>`,
 * e.g. `g1/realnvp/coupling3/shift/dense1/kernel` (TF.js names carry a counter, `_123`, unique
 * per process, which would differ in the resuming process). Optimizer state is saved as
 * `<optimizer>/m/<variable's saved name>`, `/v/...`, `/acc-beta1`, `/acc-beta2`, `/iterations`.
 *
 * Adam is saved and restored through its fields rather than `getWeights`/`setWeights`:
 * `setWeights` recomputes β^t with `pow`, which differs in the last bits from the running
 * product the optimizer keeps, and that would break bit-exact resume (tested).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { SafeTensor } from '../results/safetensors.ts';
import { UserError } from '../types.ts';

/** The state of a loop at an evaluation step (before that step's update). */
export interface SavedState {
  step: number;
  tensors: Record<string, SafeTensor>;
  /** Saved names of each owner's variables, in order. */
  models: Record<string, string[]>;
  /** The loop's own state (JSON). */
  loop: Record<string, unknown>;
}

/** How a loop checkpoints; absent = it neither saves nor resumes. */
export interface LoopCheckpoint {
  /** The state to continue from, or null: start at step 0. */
  resume: SavedState | null;
  /** Saves the state of an evaluation step, after that evaluation was committed. */
  save(state: SavedState): void;
}

/** A TF.js variable name without its per-process counters (`kernel_12` → `kernel`). */
export function stableName(name: string): string {
  return name.replace(/_\d+(?=\/|$)/g, '');
}

const toSafe = (t: tf.Tensor): SafeTensor => {
  if (t.dtype === 'int32') {
    return { dtype: 'I32', shape: t.shape, data: Int32Array.from(t.dataSync() as Int32Array) };
  }
  return { dtype: 'F32', shape: t.shape, data: Float32Array.from(t.dataSync() as Float32Array) };
};

/** Adam's internals (TF.js 4.x `AdamOptimizer`; pinned in package.json). */
interface AdamInternals {
  beta1: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
  iterations_: number;
}

function adamOf(optimizer: tf.Optimizer, name: string): AdamInternals {
  const adam = optimizer as unknown as AdamInternals;
  if (!(adam.accBeta1 instanceof tf.Variable) || !Array.isArray(adam.accumulatedFirstMoment)) {
    throw new Error(`optimizer '${name}' is not TF.js's Adam: it cannot be checkpointed`);
  }
  return adam;
}

/** Collects a loop's state; models first (optimizers refer to their variables' saved names). */
export class StateWriter {
  private readonly tensors: Record<string, SafeTensor> = {};
  private readonly models: Record<string, string[]> = {};
  private readonly savedName = new Map<string, string>(); // TF.js name → saved name

  /** Saves `variables` (trainable or state, e.g. batch-norm running averages) under `owner`. */
  model(owner: string, variables: readonly tf.Variable[]): this {
    const names = savedNames(owner, variables);
    this.models[owner] = [...(this.models[owner] ?? []), ...names];
    variables.forEach((v, i) => {
      this.tensors[names[i]] = toSafe(v);
      this.savedName.set(v.name, names[i]);
    });
    return this;
  }

  /** Saves an Adam optimizer's moments (of variables saved with {@link model}) and counters. */
  adam(name: string, optimizer: tf.Optimizer): this {
    const adam = adamOf(optimizer, name);
    this.tensors[`${name}/acc-beta1`] = toSafe(adam.accBeta1);
    this.tensors[`${name}/acc-beta2`] = toSafe(adam.accBeta2);
    this.tensors[`${name}/iterations`] = {
      dtype: 'I32',
      shape: [],
      data: Int32Array.of(adam.iterations_),
    };
    const order: string[] = [];
    adam.accumulatedFirstMoment.forEach((m, i) => {
      const tfName = m.originalName.replace(/\/m$/, '');
      const saved = this.savedName.get(tfName);
      if (!saved)
        throw new Error(`optimizer '${name}': variable ${tfName} was not saved as a model`);
      order.push(saved);
      this.tensors[`${name}/m/${saved}`] = toSafe(m.variable);
      this.tensors[`${name}/v/${saved}`] = toSafe(adam.accumulatedSecondMoment[i].variable);
    });
    // The moments' order is the optimizer's own (its first update's variables), kept in the JSON.
    this.orders[name] = order;
    return this;
  }

  private readonly orders: Record<string, string[]> = {};

  /**
   * Saves plain arrays (state kept outside TF.js: MINDE's Adam moments and weight average) as
   * `<name>/<k>`, 1-d; copied now.
   */
  arrays(name: string, arrays: readonly Float32Array[]): this {
    arrays.forEach((a, k) => {
      this.tensors[`${name}/${k}`] = {
        dtype: 'F32',
        shape: [a.length],
        data: Float32Array.from(a),
      };
    });
    return this;
  }

  build(step: number, loop: Record<string, unknown>): SavedState {
    return {
      step,
      tensors: this.tensors,
      models: this.models,
      loop: { ...loop, optimizerOrder: this.orders },
    };
  }
}

function savedNames(owner: string, variables: readonly tf.Variable[]): string[] {
  const seen = new Map<string, number>();
  return variables.map((v) => {
    const base = `${owner}/${stableName(v.name)}`;
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    return count === 0 ? base : `${base}#${count}`;
  });
}

/** Restores a loop's state into freshly built models and optimizers (models first). */
export class StateReader {
  private readonly tfName = new Map<string, string>(); // saved name → TF.js name

  constructor(readonly state: SavedState) {}

  get loop(): Record<string, unknown> {
    return this.state.loop;
  }

  /** Assigns the saved values of `owner` to `variables` (same structure, checked). */
  model(owner: string, variables: readonly tf.Variable[]): this {
    const names = savedNames(owner, variables);
    variables.forEach((v, i) => {
      const saved = this.state.tensors[names[i]];
      if (!saved) {
        throw new UserError(
          `checkpoint has no variable '${names[i]}': it was written by a different model; rerun with --force`,
        );
      }
      if (saved.shape.join(',') !== v.shape.join(',')) {
        throw new UserError(
          `checkpoint variable '${names[i]}' has shape [${saved.shape}], the model [${v.shape}]; rerun with --force`,
        );
      }
      tf.tidy(() => v.assign(tf.tensor(saved.data, saved.shape, v.dtype)));
      this.tfName.set(names[i], v.name);
    });
    return this;
  }

  /** Copies the arrays saved with {@link StateWriter.arrays} into `into` (same lengths, checked). */
  arrays(name: string, into: readonly Float32Array[]): this {
    into.forEach((a, k) => {
      const saved = this.state.tensors[`${name}/${k}`];
      if (!saved || saved.data.length !== a.length) {
        throw new UserError(
          `checkpoint has no array '${name}/${k}' of length ${a.length}: it was written by a different model; rerun with --force`,
        );
      }
      a.set(saved.data);
    });
    return this;
  }

  /** Restores an Adam optimizer saved with {@link StateWriter.adam} (before any update). */
  adam(name: string, optimizer: tf.Optimizer): this {
    const adam = adamOf(optimizer, name);
    const get = (key: string) => {
      const t = this.state.tensors[`${name}/${key}`];
      if (!t) throw new UserError(`checkpoint lacks the optimizer state '${name}/${key}'`);
      return t;
    };
    tf.tidy(() => {
      adam.accBeta1.assign(tf.scalar(get('acc-beta1').data[0]));
      adam.accBeta2.assign(tf.scalar(get('acc-beta2').data[0]));
    });
    adam.iterations_ = get('iterations').data[0];
    const order = (this.state.loop['optimizerOrder'] as Record<string, string[]>)[name] ?? [];
    tf.dispose(adam.accumulatedFirstMoment.map((m) => m.variable));
    tf.dispose(adam.accumulatedSecondMoment.map((m) => m.variable));
    adam.accumulatedFirstMoment = [];
    adam.accumulatedSecondMoment = [];
    for (const saved of order) {
      const tfName = this.tfName.get(saved);
      if (!tfName) throw new Error(`optimizer '${name}': variable ${saved} was not restored first`);
      const m = get(`m/${saved}`);
      const v = get(`v/${saved}`);
      adam.accumulatedFirstMoment.push({
        originalName: `${tfName}/m`,
        variable: tf.tidy(() => tf.variable(tf.tensor(m.data, m.shape), false)),
      });
      adam.accumulatedSecondMoment.push({
        originalName: `${tfName}/v`,
        variable: tf.tidy(() => tf.variable(tf.tensor(v.data, v.shape), false)),
      });
    }
    return this;
  }
}

/**
 * `checkpoint` with the state of the loop's caller (an executor's traces, a fit's curves) kept
 * beside the loop's own, under `key` of the loop state: `get` is read at every save, and `set`
 * is called here, at once, with the value saved in `checkpoint.resume` (when resuming). The
 * loop then sees a plain {@link LoopCheckpoint}. Returns undefined for an undefined checkpoint.
 */
export function withCallerState<T>(
  checkpoint: LoopCheckpoint | undefined,
  key: string,
  get: () => T,
  set: (value: T) => void,
): LoopCheckpoint | undefined {
  if (!checkpoint) return undefined;
  if (checkpoint.resume) {
    if (!(key in checkpoint.resume.loop)) {
      throw new UserError(`checkpoint lacks the loop state '${key}'; rerun with --force`);
    }
    set(checkpoint.resume.loop[key] as T);
  }
  return {
    resume: checkpoint.resume,
    save: (state) => checkpoint.save({ ...state, loop: { ...state.loop, [key]: get() } }),
  };
}
