/**
 * A complete user experiment: it adds an encoder (a single linear layer) without editing
 * `src/`, and defines an experiment that compares it with the MLP under a bilinear critic.
 *
 *   npx mimax run ./examples/my-experiment.ts --preset smoke
 */
import * as tf from '@tensorflow/tfjs-core';
import { type Encoder, type ExperimentDefinition, encoders, ops, Rng } from 'mimax';

/** x: [B, D] → x·W + b: [B, outputDim]; glorot-uniform W, zero b. */
class LinearEncoder implements Encoder {
  readonly kind = 'linear';
  readonly variables: tf.Variable[];
  constructor(
    readonly inputDim: number,
    readonly outputDim: number,
    seed: number,
  ) {
    const limit = Math.sqrt(6 / (inputDim + outputDim)); // glorot-uniform
    const w = new Rng(seed).uniformArray(inputDim * outputDim, -limit, limit);
    this.variables = [
      tf.variable(tf.tensor2d(w, [inputDim, outputDim]), true, `linear-${seed}/kernel`),
      tf.variable(tf.zeros([outputDim]), true, `linear-${seed}/bias`),
    ];
  }
  apply(x: tf.Tensor2D): tf.Tensor2D {
    const [kernel, bias] = this.variables;
    return ops.dense(x, kernel as tf.Tensor2D, bias as tf.Tensor1D); // [B, outputDim]
  }
  dispose(): void {
    tf.dispose(this.variables);
  }
}

// Registered once per process (the CLI and each worker import this file).
if (!encoders.encoderRegistry.has('linear')) {
  encoders.registerEncoder('linear', {
    description: 'one linear layer x·W + b (example of a user encoder)',
    defaults: { outputDim: 100 },
    create: (args) => {
      const options = { outputDim: 100, ...args.options } as { outputDim: number };
      return new LinearEncoder(args.inputDim, options.outputDim, args.seed);
    },
  });
}

const experiment: ExperimentDefinition = {
  id: 'linear-vs-mlp',
  title: 'Linear vs MLP encoders',
  paper: 'user experiment (after Sec. 3.3)',
  claim: 'How much does depth matter at a fixed critic?',
  loop: 'sweep',
  figures: [],
  base: {
    dataset: 'mnist',
    dataDir: null,
    trainLimit: null,
    testLimit: null,
    seeds: 3,
    firstSeed: 0,
    steps: 2_000,
    evalEvery: 500,
    batchSize: 128,
    learningRate: 1e-4,
    noiseSigma: 0,
    probe: {},
    jacobianSamples: 0,
    encoders: { linear: { outputDim: 100 }, mlp: { layers: [300, 300, 100] } },
    critics: { bilinear: {} },
    bounds: ['infonce'],
    estimators: {},
    tasks: {},
    exclude: [],
    targets: [null],
    samplings: [null],
    loop: {},
  },
  presets: {
    paper: {},
    fast: {},
    smoke: { seeds: 1, steps: 3, evalEvery: 2, trainLimit: 512, testLimit: 256 },
  },
  fastRationale: 'already small',
};

export default experiment;
