/**
 * The adversarial loop (paper Sec. 3.1, Fig. 1c): an invertible encoder (RealNVP with affine,
 * softplus-scaled couplings) is trained so that a linear classifier on its codes cannot
 * predict the label: the encoder minimizes the cross-entropy between the classifier's softmax
 * and the uniform distribution, while the classifier keeps minimizing its own cross-entropy.
 * The encoder is a bijection, so I(x; g(x)) never changes, yet linear separability collapses.
 *
 * Schedule (Colab): `warmupSteps` classifier steps, then `iterations` iterations of
 * {`classifierSteps` classifier steps, 1 encoder step}; the caller's `evaluate` runs at
 * iteration 0 and every `recordEvery` iterations (before that iteration's updates).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { BatchStream } from '../data/batches.ts';
import { dense } from '../ops/index.ts';
import { Rng } from '../random.ts';
import type { Encoder } from '../types.ts';
import { type LoopCheckpoint, StateReader, StateWriter } from './checkpoint.ts';
import { firstNonFinite, NonFiniteError, PendingScalars, yieldSometimes } from './pending.ts';

export interface AdversarialArgs {
  encoder: Encoder;
  /** Number of classes. MNIST: 10. */
  classes: number;
  stream: BatchStream;
  /** Classifier-only steps before the game. Colab: 1000. */
  warmupSteps: number;
  /** Game iterations. Colab: 4001. */
  iterations: number;
  /** Classifier steps per iteration. Colab: 10. */
  classifierSteps: number;
  /** Colab: 1e-3. */
  classifierLearningRate: number;
  /** Colab: 1e-5. */
  encoderLearningRate: number;
  /** Evaluate every this many iterations (and at 0). Colab: 400. */
  recordEvery: number;
  /** Seed of the classifier's initialization. */
  initSeed: number;
  /** Called at evaluation iterations with the latest classifier and encoder losses. */
  evaluate(
    iteration: number,
    losses: { classifierLoss: number | null; encoderLoss: number | null },
  ): Promise<void>;
  onStep?(iteration: number): void;
  shouldStop?(): boolean;
  /**
   * Saves the state after every evaluation and once at the end (step = iterations), and
   * resumes from `checkpoint.resume` (warm-up and that evaluation are not repeated).
   */
  checkpoint?: LoopCheckpoint;
}

export interface AdversarialOutcome {
  status: 'ok' | 'failed' | 'stopped';
  error?: { message: string; step?: number };
  /** Per iteration: the last classifier loss and the encoder loss. */
  classifierLoss: number[];
  encoderLoss: number[];
}

// TF.js rejects duplicate variable names: number the classifiers of this process.
let classifierCount = 0;

/** A linear softmax classifier: Keras Dense defaults (glorot-uniform kernel, zero bias). */
export function linearClassifier(inputs: number, classes: number, seed: number) {
  const limit = Math.sqrt(6 / (inputs + classes)); // glorot-uniform
  // Variables outlive the tidy; their initial-value tensors do not.
  const [kernel, bias] = tf.tidy(() => [
    tf.variable(
      tf.tensor2d(new Rng(seed).uniformArray(inputs * classes, -limit, limit), [inputs, classes]),
      true,
      `classifier_${classifierCount}/kernel`,
    ),
    tf.variable(tf.zeros([classes]), true, `classifier_${classifierCount++}/bias`),
  ]);
  return {
    variables: [kernel, bias],
    /** codes: [B, inputs] → logits [B, classes]. */
    logits: (codes: tf.Tensor2D) => dense(codes, kernel, bias as tf.Tensor1D),
    dispose: () => tf.dispose([kernel, bias]),
  };
}

export async function runAdversarial(args: AdversarialArgs): Promise<AdversarialOutcome> {
  const classifier = linearClassifier(args.encoder.outputDim, args.classes, args.initSeed);
  const classifierOptimizer = tf.train.adam(args.classifierLearningRate);
  const encoderOptimizer = tf.train.adam(args.encoderLearningRate);
  const pendingClassifier = new PendingScalars();
  const pendingEncoder = new PendingScalars();
  const classifierLoss: number[] = [];
  const encoderLoss: number[] = [];

  // Mean cross-entropy of the classifier on the encoder's codes.
  const classifierStep = (): tf.Scalar => {
    const batch = args.stream.next();
    const loss = tf.tidy(() => {
      const codes = tf.tidy(() => args.encoder.apply(batch.x1)); // [B, d], no gradient needed
      const labels = tf.oneHot(batch.labels, args.classes); // [B, C]
      return classifierOptimizer.minimize(
        () =>
          tf.neg(
            tf.mean(tf.sum(tf.mul(labels, tf.logSoftmax(classifier.logits(codes))), 1)),
          ) as tf.Scalar,
        true,
        classifier.variables,
      ) as tf.Scalar;
    });
    tf.dispose([batch.x1, batch.x2, batch.labels]);
    return loss;
  };
  // Cross-entropy of the classifier's softmax against the uniform distribution (encoder only).
  const encoderStep = (): tf.Scalar => {
    const batch = args.stream.next();
    const loss = tf.tidy(
      () =>
        encoderOptimizer.minimize(
          () => {
            const logProbs = tf.logSoftmax(classifier.logits(args.encoder.apply(batch.x1))); // [B, C]
            return tf.neg(tf.mean(logProbs)) as tf.Scalar; // mean over B and C = mean_i Σ_k (1/C)(−log p_ik)
          },
          true,
          args.encoder.variables,
        ) as tf.Scalar,
    );
    tf.dispose([batch.x1, batch.x2, batch.labels]);
    return loss;
  };
  const drain = (): { classifierLoss: number | null; encoderLoss: number | null } => {
    const start = classifierLoss.length;
    const c = pendingClassifier.drain();
    const e = pendingEncoder.drain();
    classifierLoss.push(...c);
    encoderLoss.push(...e);
    const bad = Math.max(firstNonFinite(c), firstNonFinite(e));
    if (bad >= 0) throw new NonFiniteError('adversarial loss', start + bad);
    return {
      classifierLoss: c.length ? c[c.length - 1] : null,
      encoderLoss: e.length ? e[e.length - 1] : null,
    };
  };

  const save = (at: number) =>
    args.checkpoint?.save(
      new StateWriter()
        .model('encoder', args.encoder.variables)
        .model('classifier', classifier.variables)
        .adam('classifier-adam', classifierOptimizer)
        .adam('encoder-adam', encoderOptimizer)
        .build(at, { classifierLoss, encoderLoss, stream: args.stream.getState() }),
    );
  const resume = args.checkpoint?.resume;
  let first = 0;
  let iteration = 0;
  try {
    if (resume) {
      const state = new StateReader(resume)
        .model('encoder', args.encoder.variables)
        .model('classifier', classifier.variables)
        .adam('classifier-adam', classifierOptimizer)
        .adam('encoder-adam', encoderOptimizer);
      classifierLoss.push(...(state.loop['classifierLoss'] as number[]));
      encoderLoss.push(...(state.loop['encoderLoss'] as number[]));
      args.stream.setState(state.loop['stream'] as { epoch: number; position: number });
      first = resume.step;
    } else {
      for (let w = 0; w < args.warmupSteps; w++) {
        classifierStep().dispose();
        await yieldSometimes();
      }
    }
    for (iteration = first; iteration < args.iterations; iteration++) {
      if (iteration % args.recordEvery === 0 && !(resume && iteration === first)) {
        await args.evaluate(iteration, drain());
        save(iteration);
      }
      if (args.shouldStop?.()) return { status: 'stopped', classifierLoss, encoderLoss };
      for (let k = 0; k < args.classifierSteps - 1; k++) classifierStep().dispose();
      pendingClassifier.push(classifierStep());
      pendingEncoder.push(encoderStep());
      args.onStep?.(iteration);
      await yieldSometimes();
    }
    drain();
    save(args.iterations);
    return { status: 'ok', classifierLoss, encoderLoss };
  } catch (error) {
    const step = error instanceof NonFiniteError ? error.step : iteration;
    return {
      status: 'failed',
      error: { message: (error as Error).message, step },
      classifierLoss,
      encoderLoss,
    };
  } finally {
    pendingClassifier.dispose();
    pendingEncoder.dispose();
    classifierOptimizer.dispose();
    encoderOptimizer.dispose();
    classifier.dispose();
  }
}
