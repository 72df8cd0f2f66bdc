/**
 * `npm run bench`: times (median, min, max over ≥ 30 timed steps after warm-up) one training
 * step of every experiment's encoder × critic × objective, the adversarial game's steps, MINDE's
 * training step (1×1, 5×5, 25×25; C and J), the
 * linear probe (392-dim and 100-dim inputs) and one Jacobian evaluation, on the chosen backend.
 * Next to each step: its analytic FLOPs and its efficiency = achieved FLOP/s ÷ the FLOP/s of a
 * large matmul measured in the same run (ratios survive a noisy machine; absolute times do not).
 * Writes bench/results/<backend>.json and prints a table.
 *
 * Per config also the top kernels of one profiled step (`tf.profile`: where the time goes).
 * With `--peer torch`, the MLP configs run again in PyTorch (bench/peer-torch.py, one thread,
 * same weights: the forward pass is compared first) and a mimax-vs-PyTorch table is printed
 * and written to bench/results/peer-torch.json.
 *
 *   npm run bench [-- --backend cpu] [-- --only critic-impact,noniid] [-- --peer torch]
 *                 [-- --jacobian-before] [-- --only minde] [-- --only gan]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { EXPERIMENTS } from '../experiments/index.ts';
import { chainState, disposeState, hmcTransition, linearGaussian } from '../src/ais/index.ts';
import { initBackend } from '../src/backend.ts';
import { getBound } from '../src/bounds/index.ts';
import type { Objective } from '../src/bounds/objective.ts';
import { createCritic, criticRegistry } from '../src/critics/index.ts';
import { BatchStream } from '../src/data/batches.ts';
import { loadDataset } from '../src/data/datasets.ts';
import { halves, withNoise } from '../src/data/halves.ts';
import { modeDataset, sampleModeDataset } from '../src/data/mode-datasets.ts';
import { createEncoder, encoderRegistry } from '../src/encoders/index.ts';
import { createEstimator } from '../src/estimators/index.ts';
import {
  ArrayAdam,
  dsmBatch,
  dsmStep,
  MindeNetwork,
  resolveMindeOptions,
  timeSampler,
  WeightAverage,
  widthFor,
} from '../src/estimators/minde/index.ts';
import { jacobianConditioning } from '../src/eval/jacobian.ts';
import { linearProbe } from '../src/eval/probe.ts';
import { randomMlpDecoder } from '../src/generative/decoder-model.ts';
import { deriveSeed, Rng } from '../src/random.ts';
import type { GanLoopOptions } from '../src/run/gan-options.ts';
import { resolveConfig, variant } from '../src/run/grid.ts';
import { createTask } from '../src/tasks/index.ts';
import { linearClassifier } from '../src/train/adversarial.ts';
import { gaussianBatch } from '../src/train/bound-only.ts';
import { Discriminator, Generator, ganStepper } from '../src/train/gan.ts';
import { stepNoise, sweepVariables, trainStep } from '../src/train/sweep.ts';
import type { Critic, Encoder, Options } from '../src/types.ts';
import { versions } from '../src/version.ts';
import { criticForward, encoderForward } from './flops.ts';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const WARMUP_STEPS = 5; // first steps include kernel setup and memory growth
const TIMED_STEPS = Number(flag('--steps') ?? 30);
const onlyFlag = flag('--only');
/** `--only a,b`: just these experiments (or `probe`, `jacobian`); the main JSON is then not written. */
const only = onlyFlag === undefined ? undefined : onlyFlag.split(',');
const peer = flag('--peer');
if (peer !== undefined && peer !== 'torch') throw new Error(`--peer: only 'torch', got '${peer}'`);

/** One config for the PyTorch peer: shared initial weights, one batch, mimax's scores. */
interface PeerConfig {
  name: string;
  critic: string;
  bound: string;
  batch: number;
  shortcuts: boolean;
  /** Variables of g1 and of g2 (0 when the critic sees the raw inputs). */
  encoderVariables: [number, number];
  separableG?: number;
  variables: { shape: number[]; values: number[] }[];
  x1: number[];
  x2: number[];
  scores: number[];
  flops: number;
}
const peerConfigs: PeerConfig[] = [];

function peerConfig(
  name: string,
  parts: { g1?: Encoder; g2?: Encoder; critic: Critic; criticName: string; bound: string },
  x1: tf.Tensor2D,
  x2: tf.Tensor2D,
  flops: number,
  shortcuts: boolean,
): void {
  const variables = [
    ...(parts.g1?.variables ?? []),
    ...(parts.g2?.variables ?? []),
    ...parts.critic.variables,
  ];
  const scores = tf.tidy(() => {
    const a = parts.g1 ? parts.g1.apply(x1) : x1;
    const b = parts.g2 ? parts.g2.apply(x2) : x2;
    return parts.critic.scores(a, b);
  });
  peerConfigs.push({
    name,
    critic: parts.criticName,
    bound: parts.bound,
    batch: x1.shape[0],
    shortcuts,
    encoderVariables: [parts.g1?.variables.length ?? 0, parts.g2?.variables.length ?? 0],
    separableG: parts.criticName === 'separable' ? parts.critic.variables.length / 2 : undefined,
    variables: variables.map((v) => ({ shape: v.shape, values: Array.from(v.dataSync()) })),
    x1: Array.from(x1.dataSync()),
    x2: Array.from(x2.dataSync()),
    scores: Array.from(scores.dataSync()),
    flops,
  });
  scores.dispose();
}

/** The `count` kernels with the most time in one profiled call of `step`. */
async function topKernels(
  step: () => void,
  count = 5,
): Promise<{ name: string; ms: number; calls: number }[]> {
  const info = await tf.profile(() => {
    step();
  });
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const entry = byName.get(k.name) ?? { ms: 0, calls: 0 };
    entry.ms += Number(k.kernelTimeMs) || 0;
    entry.calls++;
    byName.set(k.name, entry);
  }
  return [...byName]
    .map(([name, e]) => ({ name, ...e }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, count);
}

interface Row {
  name: string;
  /** The slowest kernels of one profiled step (where profiled). */
  topKernels?: { name: string; ms: number; calls: number }[];
  medianMs: number;
  minMs: number;
  maxMs: number;
  gflop: number | null;
  efficiency: number | null;
}

function stats(times: number[]): { medianMs: number; minMs: number; maxMs: number } {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    medianMs: sorted[Math.floor(sorted.length / 2)],
    minMs: sorted[0],
    maxMs: sorted.at(-1)!,
  };
}

/** Times `step` (which must sync, e.g. by reading a scalar) after warm-up. */
function time(step: () => void, steps = TIMED_STEPS, warmup = WARMUP_STEPS): number[] {
  for (let i = 0; i < warmup; i++) step();
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    step();
    times.push(performance.now() - t0);
  }
  return times;
}

/** Rows repeated k times each (row i·k + j = a_i): the AIS chain layout. */
function repeatAisRows(a: tf.Tensor2D, k: number): tf.Tensor2D {
  const [n, d] = a.shape;
  return tf.reshape(tf.tile(tf.reshape(a, [n, 1, d]), [1, k, 1]), [n * k, d]) as tf.Tensor2D;
}

function matmulGflops(): number {
  const n = 1024; // large enough to reach the kernel's peak, small enough for seconds
  const a = tf.randomNormal([n, n], 0, 1, 'float32', 1);
  const b = tf.randomNormal([n, n], 0, 1, 'float32', 2);
  // (Not `tf.tidy(() => c.dataSync())`: tidy would scan the returned 1M-element array for tensors.)
  const times = time(() => {
    const c = tf.matMul(a, b);
    c.dataSync();
    c.dispose();
  }, 10);
  tf.dispose([a, b]);
  return (2 * n ** 3) / (stats(times).medianMs / 1000) / 1e9;
}

async function main() {
  const backend = await initBackend(flag('--backend'));
  console.error(`backend: ${backend.summary}`);
  const peak = matmulGflops();
  console.error(`large matmul (1024³): ${peak.toFixed(1)} GFLOP/s`);
  const data = loadDataset({ name: 'mnist', trainLimit: 2048, testLimit: 1024 });
  const train = halves(data.train);
  const rows: Row[] = [];
  const push = (
    name: string,
    times: number[],
    flops: number | null,
    kernels?: Row['topKernels'],
  ) => {
    const s = stats(times);
    const gflop = flops === null ? null : flops / 1e9;
    const efficiency = gflop === null ? null : gflop / (s.medianMs / 1000) / peak;
    rows.push({ name, ...s, gflop, efficiency, topKernels: kernels });
    console.error(
      `${name.padEnd(44)} ${s.medianMs.toFixed(1).padStart(8)} ms` +
        (efficiency === null
          ? ''
          : `  ${(gflop as number).toFixed(3)} GFLOP  ${(100 * efficiency).toFixed(0)}%`),
    );
    if (kernels) {
      console.error(
        `    top kernels: ${kernels.map((k) => `${k.name} ${k.ms.toFixed(1)} ms/${k.calls}`).join(', ')}`,
      );
    }
  };

  for (const definition of Object.values(EXPERIMENTS)) {
    if (only && !only.includes(definition.id)) continue;
    const config = resolveConfig(definition, 'paper');
    const B = config.batchSize;
    if (definition.loop === 'sweep') {
      const stream = new BatchStream(train, B, 1);
      for (const [encoderName, encoderOptions] of Object.entries(config.encoders)) {
        for (const [criticName, criticOptions] of Object.entries(config.critics)) {
          const objectives: [string, Objective][] = config.targets.map((t) =>
            t === null ? ['max', { kind: 'maximize' }] : [`t${t}`, { kind: 'target', target: t }],
          );
          for (const boundName of config.bounds.slice(0, 1)) {
            for (const [objectiveName, objective] of objectives.slice(0, 1)) {
              const make = (seed: string) =>
                createEncoder(encoderName, {
                  inputDim: train.dim1,
                  inputShape: train.halfShape,
                  seed: deriveSeed(0, seed),
                  options: encoderOptions,
                });
              const g1 = make('g1');
              const g2 = make('g2');
              const critic = createCritic(criticName, {
                dim1: g1.outputDim,
                dim2: g2.outputDim,
                seed: 3,
                options: criticOptions,
              });
              const models = { g1, g2, critic };
              const variables = sweepVariables(models);
              const optimizer = tf.train.adam(config.learningRate);
              const bound = getBound(boundName);
              let step = 0;
              const name = `${definition.id}: ${encoderName} × ${criticName} × ${boundName} (${objectiveName})`;
              const peerBatch = encoderName === 'mlp' && peer ? stream.next() : undefined;
              const stepOnce = () => {
                const batch = stream.next();
                const noise =
                  config.noiseSigma > 0
                    ? stepNoise(1, step++, B, train.dim1, config.noiseSigma)
                    : undefined;
                const value = trainStep(
                  models,
                  bound,
                  objective,
                  optimizer,
                  variables,
                  batch.x1,
                  batch.x2,
                  noise,
                );
                value.dataSync();
                tf.dispose([value, batch.x1, batch.x2, batch.labels]);
                noise?.dispose();
              };
              const times = time(
                stepOnce,
                encoderName === 'realnvp' ? Math.min(TIMED_STEPS, 10) : TIMED_STEPS,
              );
              const kernels = await topKernels(stepOnce);
              const forward =
                2 *
                  encoderForward(
                    encoderName,
                    { ...encoderDefaults(encoderName), ...encoderOptions },
                    B,
                    train.dim1,
                    train.halfShape,
                  ) +
                criticForward(
                  criticName,
                  { ...criticDefaults(criticName), ...criticOptions },
                  B,
                  g1.outputDim,
                  g2.outputDim,
                );
              push(name, times, 3 * forward, kernels);
              if (peerBatch) {
                // Fresh models with the same seeds (the timed ones have trained): initial weights.
                const p1 = make('g1');
                const p2 = make('g2');
                const pc = createCritic(criticName, {
                  dim1: p1.outputDim,
                  dim2: p2.outputDim,
                  seed: 3,
                  options: criticOptions,
                });
                const shortcuts = (encoderOptions as { shortcuts?: boolean }).shortcuts === true;
                peerConfig(
                  name,
                  { g1: p1, g2: p2, critic: pc, criticName, bound: boundName },
                  peerBatch.x1,
                  peerBatch.x2,
                  3 * forward,
                  shortcuts,
                );
                for (const m of [p1, p2, pc]) m.dispose();
                tf.dispose([peerBatch.x1, peerBatch.x2, peerBatch.labels]);
              }
              optimizer.dispose();
              g1.dispose();
              g2.dispose();
              critic.dispose();
            }
          }
        }
      }
      stream.dispose();
    } else if (definition.loop === 'adversarial') {
      const [encoderName, encoderOptions] = Object.entries(config.encoders)[0];
      const encoder = createEncoder(encoderName, {
        inputDim: train.dim1,
        inputShape: train.halfShape,
        seed: 1,
        options: encoderOptions,
      });
      const classifier = linearClassifier(train.dim1, 10, 2);
      const encoderOptimizer = tf.train.adam(1e-5);
      const stream = new BatchStream(train, B, 1);
      const times = time(
        () => {
          const batch = stream.next();
          const loss = tf.tidy(
            () =>
              encoderOptimizer.minimize(
                () =>
                  tf.neg(
                    tf.mean(tf.logSoftmax(classifier.logits(encoder.apply(batch.x1)))),
                  ) as tf.Scalar,
                true,
                encoder.variables,
              ) as tf.Scalar,
          );
          loss.dataSync();
          tf.dispose([loss, batch.x1, batch.x2, batch.labels]);
        },
        Math.min(TIMED_STEPS, 10),
      );
      const forward = encoderForward(
        encoderName,
        { ...encoderDefaults(encoderName), ...encoderOptions },
        B,
        train.dim1,
        train.halfShape,
      );
      push(`adversarial: ${encoderName} (affine) encoder step`, times, 3 * forward);
      const classifierTimes = time(
        () => {
          const batch = stream.next();
          const codes = tf.tidy(() => encoder.apply(batch.x1));
          codes.dataSync();
          tf.dispose([codes, batch.x1, batch.x2, batch.labels]);
        },
        Math.min(TIMED_STEPS, 10),
      );
      push(`adversarial: ${encoderName} forward (per classifier step)`, classifierTimes, forward);
      stream.dispose();
      encoder.dispose();
      classifier.dispose();
      encoderOptimizer.dispose();
    } else if (definition.loop === 'staircase') {
      // Tiny steps (d = 20, K = 64): per-op dispatch, not FLOPs, dominates. One cheap and one
      // costly estimator per critic; the batch is sampled inside the timed step, as in the loop.
      const task = createTask('gaussian', { dim: 20, mi: 6 });
      for (const [criticName, criticOptions] of Object.entries(config.critics)) {
        for (const estimatorId of ['infonce', 'smile-5', 'alpha-0.5']) {
          const { name, options } = variant(
            estimatorId,
            config.estimators[estimatorId],
            'estimator',
          );
          const critic = createCritic(criticName, {
            dim1: 20,
            dim2: 20,
            seed: 1,
            options: criticOptions,
          });
          const estimator = createEstimator(name, { rowDim: 20, seed: 2, options });
          const optimizer = tf.train.adam(config.learningRate);
          const variables = [...critic.variables, ...estimator.variables];
          const rng = new Rng(3);
          const stepOnce = () => {
            const pairs = task.sample(rng, B);
            const x = tf.tensor2d(pairs.x, [B, 20]);
            const y = tf.tensor2d(pairs.y, [B, 20]);
            const value = tf.tidy(() => {
              let kept: tf.Scalar | undefined;
              optimizer.minimize(
                () => {
                  const terms = estimator.train({ scores: critic.scores(x, y), rows: x });
                  kept = tf.keep(terms.estimate);
                  return terms.loss;
                },
                false,
                variables,
              );
              estimator.update();
              return kept as tf.Scalar;
            });
            value.dataSync();
            tf.dispose([value, x, y]);
          };
          const times = time(stepOnce);
          push(
            `staircase: ${criticName} critic × ${estimatorId}`,
            times,
            3 *
              criticForward(
                criticName,
                { ...criticDefaults(criticName), ...criticOptions },
                B,
                20,
                20,
              ),
            await topKernels(stepOnce),
          );
          optimizer.dispose();
          critic.dispose();
          estimator.dispose();
        }
      }
    } else if (definition.loop === 'bound-only') {
      const [criticName, criticOptions] = Object.entries(config.critics)[0];
      const critic = createCritic(criticName, {
        dim1: 1,
        dim2: 1,
        seed: 1,
        options: criticOptions,
      });
      const optimizer = tf.train.adam(config.learningRate);
      const bound = getBound(config.bounds[0]);
      const loopOptions = config.loop as unknown as {
        covZ: [[number, number], [number, number]];
        covEps: [[number, number], [number, number]];
      };
      let step = 0;
      const stepOnce = () => {
        const [x, y] = gaussianBatch(
          {
            sampling: 'noniid',
            covZ: loopOptions.covZ,
            covEps: loopOptions.covEps,
            batchSize: B,
          } as Parameters<typeof gaussianBatch>[0],
          step++,
        );
        const value = tf.tidy(
          () =>
            optimizer.minimize(
              () => tf.neg(bound(critic.scores(x, y))) as tf.Scalar,
              true,
              critic.variables,
            ) as tf.Scalar,
        );
        value.dataSync();
        tf.dispose([value, x, y]);
      };
      const times = time(stepOnce);
      const name = `noniid: ${criticName} critic × ${config.bounds[0]}`;
      const flops =
        3 * criticForward(criticName, { ...criticDefaults(criticName), ...criticOptions }, B, 1, 1);
      push(name, times, flops, await topKernels(stepOnce));
      if (peer) {
        const fresh = createCritic(criticName, {
          dim1: 1,
          dim2: 1,
          seed: 1,
          options: criticOptions,
        });
        const [x, y] = gaussianBatch(
          {
            sampling: 'noniid',
            covZ: loopOptions.covZ,
            covEps: loopOptions.covEps,
            batchSize: B,
          } as Parameters<typeof gaussianBatch>[0],
          0,
        );
        peerConfig(
          name,
          { critic: fresh, criticName, bound: config.bounds[0] },
          x,
          y,
          flops,
          false,
        );
        tf.dispose([x, y]);
        fresh.dispose();
      }
      optimizer.dispose();
      critic.dispose();
    }
  }

  if (!only || only.includes('gan') || only.includes('gan-modes')) {
    // One gan-modes iteration (discriminator + critic + generator steps, batch 100 on the grid)
    // at the fast preset's sizes and at PacGAN's (the paper preset), plain GAN and GAN + MINE.
    // The paper-size MI iteration takes seconds: fewer timed steps there.
    const definition = EXPERIMENTS['gan-modes'];
    const data = sampleModeDataset(modeDataset('grid'), new Rng(1), 10_000).points;
    for (const preset of ['fast', 'paper'] as const) {
      const config = resolveConfig(definition, preset);
      const loop = config.loop as unknown as GanLoopOptions;
      for (const method of ['gan', 'mine', 'infonce']) {
        const withMi = method !== 'gan';
        const rng = new Rng(2);
        const generator = new Generator(2, loop.generatorHidden, loop.batchNorm, rng);
        const discriminator = new Discriminator(2, loop.discriminatorHidden, 'relu', rng);
        const critic = createCritic('concat', {
          dim1: 2,
          dim2: 2,
          seed: 3,
          options: { hidden: loop.criticHidden },
        });
        const estimator = createEstimator(withMi ? method : 'mine', { rowDim: 2, seed: 4 });
        const stepper = ganStepper({
          generator,
          discriminator,
          mi: withMi
            ? {
                critic,
                estimator,
                mode: 'entropy',
                beta: 1,
                clip: true,
                until: Number.POSITIVE_INFINITY,
                criticSteps: 1,
                classes: 0,
              }
            : null,
          data,
          noise: 'normal',
          zDim: loop.zDim,
          batchSize: config.batchSize,
          learningRate: config.learningRate,
          beta1: loop.beta1,
          seeds: { order: 1, z: 2, c: 3, eval: 4 },
        });
        let step = 0;
        const [timed, warmup] = preset === 'paper' && withMi ? [3, 1] : [TIMED_STEPS, WARMUP_STEPS];
        const cpu0 = process.cpuUsage();
        const times = time(
          () => {
            const out = stepper.step(step++);
            out.discriminator.dataSync();
            tf.dispose([out.discriminator, out.generator, ...(out.mi ? [out.mi] : [])]);
          },
          timed,
          warmup,
        );
        // CPU ms per iteration (warm-up included): robust to other processes on a shared machine.
        const used = process.cpuUsage(cpu0);
        const cpuMs = (used.user + used.system) / 1000 / (timed + warmup);
        push(
          `gan-modes ${preset}: ${method}, G ${loop.generatorHidden.length}×${loop.generatorHidden[0]}, D ${loop.discriminatorHidden.length}×${loop.discriminatorHidden[0]}${withMi ? `, critic [${loop.criticHidden}]` : ''} (cpu ${cpuMs.toFixed(1)} ms)`,
          times,
          null,
        );
        stepper.dispose();
        generator.dispose();
        discriminator.dispose();
        critic.dispose();
        estimator.dispose();
      }
    }
  }

  if (!only || only.includes('probe')) {
    const full = loadDataset({ name: 'mnist' });
    const tr = halves(full.train);
    const te = halves(full.test);
    const rng = new Rng(7);
    const noisyTrain = withNoise(tr.x1, 0.05, rng);
    const noisyTest = withNoise(te.x1, 0.05, rng);
    const t0 = performance.now();
    const p392 = linearProbe(
      null,
      { x: noisyTrain, labels: tr.labels },
      { x: noisyTest, labels: te.labels },
    );
    push(
      `probe: 392-dim noisy pixels (acc ${p392.accuracy.toFixed(4)})`,
      [performance.now() - t0],
      null,
    );
    // 100-dim inputs: a fixed random projection of the noisy pixels (codes of an MLP's size).
    const projection = tf.tensor2d(
      new Rng(8).normalArray(392 * 100, 1 / Math.sqrt(392)),
      [392, 100],
    );
    const project = (x: Float32Array, n: number) =>
      tf.tidy(() => tf.matMul(tf.tensor2d(x, [n, 392]), projection) as tf.Tensor2D);
    const c100Train = project(noisyTrain, tr.n);
    const c100Test = project(noisyTest, te.n);
    const t1 = performance.now();
    const p100 = linearProbe(
      null,
      { x: c100Train, labels: tr.labels },
      { x: c100Test, labels: te.labels },
    );
    push(`probe: 100-dim codes (acc ${p100.accuracy.toFixed(4)})`, [performance.now() - t1], null);
    tf.dispose([projection, c100Train, c100Test]);
  }

  if (!only || only.includes('jacobian')) {
    const config = resolveConfig(EXPERIMENTS['non-invertible'], 'paper');
    const mlp = createEncoder('mlp', { inputDim: 392, seed: 1, options: config.encoders.mlp });
    const x = tf.tensor2d(train.x1.subarray(0, 128 * 392), [128, 392]);
    // The route of issue 16 (closed-form J + LU/Lanczos, 3.9 s idle): one warm-up, three
    // timed. With --jacobian-before, the previous route (autograd J + bisection SVD, ~32 s
    // idle) is timed too, interleaved with the new one (new, old, new, old, ...), so that
    // both see the same machine load.
    const before = args.includes('--jacobian-before');
    const newTimes: number[] = [];
    const oldTimes: number[] = [];
    jacobianConditioning(mlp, x);
    for (let round = 0; round < 3; round++) {
      let t0 = performance.now();
      const fresh = jacobianConditioning(mlp, x);
      newTimes.push(performance.now() - t0);
      console.error(
        `  jacobian (new) round ${round}: ${fresh.seconds.toFixed(2)} s (J ${fresh.gradSeconds.toFixed(2)}, σ ${fresh.svdSeconds.toFixed(2)}), load ${loadavg()[0].toFixed(1)}`,
      );
      if (!before) continue;
      t0 = performance.now();
      const old = jacobianConditioning(mlp, x, { method: 'autograd', svd: 'bisection' });
      oldTimes.push(performance.now() - t0);
      console.error(
        `  jacobian (before) round ${round}: ${old.seconds.toFixed(2)} s (J ${old.gradSeconds.toFixed(2)}, σ ${old.svdSeconds.toFixed(2)}), load ${loadavg()[0].toFixed(1)}`,
      );
    }
    push('jacobian: [392]x5 residual MLP, 128 samples', newTimes, null);
    if (before) push('jacobian (before issue 16: autograd + bisection)', oldTimes, null);
    x.dispose();
    mlp.dispose();
  }

  if (!only || only.includes('minde')) {
    // MINDE (estimate/diffusion.ts): one training step at the default batch and width —
    // the batch assembled in JS (masks, t, ε), the DSM loss's gradient, Adam, the weight average.
    const o = resolveMindeOptions('c', {});
    for (const dim of [1, 5, 25]) {
      for (const variant of ['c', 'j'] as const) {
        const n = 4_000;
        const d = 2 * dim;
        const rng = new Rng(9);
        const pairs = {
          n,
          dx: dim,
          dy: dim,
          x: rng.normalArray(n * dim),
          y: rng.normalArray(n * dim),
        };
        const width = widthFor(o, d);
        const network = new MindeNetwork({ dim: d, width, blocks: o.blocks, seed: 1 });
        const adam = new ArrayAdam(network.variables, o.learningRate);
        const ema = new WeightAverage(adam.values, o.emaDecay);
        const sampler = timeSampler(o.importanceSampling);
        const order = rng.permutation(n);
        let step = 0;
        const cpu0 = process.cpuUsage();
        const times = time(() => {
          const first = (step++ * o.batchSize) % (n - o.batchSize);
          const batch = dsmBatch(
            pairs,
            order.subarray(first, first + o.batchSize),
            variant,
            sampler,
            rng,
          );
          dsmStep(adam, (a, b) => network.predict(a, b), batch, d);
          ema.update(adam.values);
        });
        // CPU ms per step (warm-up included): robust to other processes on a shared machine.
        const used = process.cpuUsage(cpu0);
        const cpuMs = (used.user + used.system) / 1000 / (TIMED_STEPS + WARMUP_STEPS);
        push(
          `minde-${variant}: ${dim}x${dim}, width ${width}, batch ${o.batchSize} (cpu ${cpuMs.toFixed(1)} ms)`,
          times,
          null,
        );
        network.dispose();
      }
    }
  }

  if (!only || only.includes('ais')) {
    // One AIS transition (ais.ts): HMC with L = 10 leapfrog steps on every chain of every data
    // point as one [N·S, dz] tensor, at β = 0.5 of the prior → posterior path; the read of the
    // acceptance tensor at the end of each timed step is the bench's sync (the AIS loop has none).
    const cases = [
      {
        label: 'linear-gaussian dz 2 dx 5, N 128 × S 16 chains',
        model: linearGaussian({ latentDim: 2, dataDim: 5, sigma: 0.5, seed: 1 }),
        n: 128,
        steps: TIMED_STEPS,
        macsPerRow: 2 * 5, // z·Wᵀ
      },
      {
        label: 'random MLP decoder 10 → 256 → 256 → 784 (σ² 0.03), N 16 × S 16 chains',
        model: randomMlpDecoder(10, [256, 256, 784], Math.sqrt(0.03), 1),
        n: 16,
        steps: 5,
        macsPerRow: 10 * 256 + 256 * 256 + 256 * 784,
      },
    ];
    for (const c of cases) {
      const s = 16;
      const data = c.model.sample(c.n, 2);
      const xRep = repeatAisRows(data.x, s); // [N·S, dx]
      const target = {
        logBase: (z: tf.Tensor2D) => c.model.logPrior(z),
        logRatio: (z: tf.Tensor2D) => c.model.logLikelihood(xRep, z),
      };
      const rng = new Rng(3);
      const z0 = tf.tensor2d(rng.normalArray(c.n * s * c.model.latentDim), [
        c.n * s,
        c.model.latentDim,
      ]);
      let state = chainState(target, z0);
      z0.dispose();
      const step = tf.fill([c.n * s, 1], 0.05) as tf.Tensor2D;
      const times = time(
        () => {
          const moved = hmcTransition(
            target,
            state,
            0.5,
            step,
            10,
            rng.normalArray(c.n * s * c.model.latentDim),
            rng.uniformArray(c.n * s, 0, 1),
          );
          moved.accepted.dataSync();
          moved.accepted.dispose();
          disposeState(state);
          state = moved.state;
        },
        c.steps,
        1,
      );
      // FLOPs: L + 1 = 11 gradient evaluations (≈ 3 forward passes each: forward, two backward
      // products) plus one forward pass at the proposal; 2 FLOPs per multiply-add.
      const flops = c.n * s * 2 * c.macsPerRow * (3 * 11 + 1);
      push(`ais transition: ${c.label}, L 10`, times, flops);
      disposeState(state);
      step.dispose();
      xRep.dispose();
      data.x.dispose();
      data.z.dispose();
      c.model.dispose();
    }
  }

  if (peer) runPeer(rows, peak);

  const result = {
    backend: backend.name,
    backendSummary: backend.summary,
    date: new Date().toISOString(),
    cores: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    versions: versions(),
    matmulGflops: peak,
    timedSteps: TIMED_STEPS,
    rows,
  };
  mkdirSync('bench/results', { recursive: true });
  const file = `bench/results/${backend.name}.json`;
  if (!only) writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(
    `\n| benchmark | median ms | min | max | GFLOP/step | efficiency |\n|---|---:|---:|---:|---:|---:|`,
  );
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${r.medianMs.toFixed(1)} | ${r.minMs.toFixed(1)} | ${r.maxMs.toFixed(1)} | ${r.gflop === null ? '' : r.gflop.toFixed(3)} | ${
        r.efficiency === null ? '' : `${(100 * r.efficiency).toFixed(0)}%`
      } |`,
    );
  }
  console.log(
    `\nlarge matmul: ${peak.toFixed(1)} GFLOP/s; ${only ? '(partial run, not saved)' : `written to ${file}`}`,
  );
}

/** Runs bench/peer-torch.py on the recorded configs; prints and writes the comparison. */
function runPeer(rows: Row[], peak: number): void {
  const specFile = `${tmpdir()}/mimax-peer-${process.pid}.json`;
  writeFileSync(specFile, JSON.stringify({ configs: peerConfigs }));
  const python = process.env.MIMAX_PYTHON ?? '/usr/bin/python3';
  console.error(`\npeer: ${python} bench/peer-torch.py (${peerConfigs.length} configs)`);
  const run = spawnSync(python, ['bench/peer-torch.py', specFile], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 << 20,
  });
  if (run.status !== 0 || run.error) {
    console.error(`peer: skipped (${run.error?.message ?? `exit ${run.status}`})`);
    return;
  }
  const torch = JSON.parse(run.stdout) as {
    skipped?: string;
    torch: string;
    matmulGflops: number;
    rows: { name: string; medianMs: number; forwardMaxAbsDiff: number; scoresMaxAbs: number }[];
  };
  if (torch.skipped) {
    console.error(`peer: skipped (${torch.skipped})`);
    return;
  }
  const table = torch.rows.map((t) => {
    const ours = rows.find((r) => r.name === t.name) as Row;
    const flops = peerConfigs.find((c) => c.name === t.name)?.flops ?? 0;
    return {
      name: t.name,
      mimaxMs: ours.medianMs,
      torchMs: t.medianMs,
      ratio: ours.medianMs / t.medianMs,
      mimaxEfficiency: flops / 1e9 / (ours.medianMs / 1000) / peak,
      torchEfficiency: flops / 1e9 / (t.medianMs / 1000) / torch.matmulGflops,
      forwardMaxAbsDiff: t.forwardMaxAbsDiff,
      scoresMaxAbs: t.scoresMaxAbs,
    };
  });
  console.log(
    `\n| config | mimax ms | PyTorch ms | ratio | mimax % of its matmul peak | PyTorch % of its matmul peak | forward max abs diff |\n|---|---:|---:|---:|---:|---:|---:|`,
  );
  for (const r of table) {
    console.log(
      `| ${r.name} | ${r.mimaxMs.toFixed(1)} | ${r.torchMs.toFixed(1)} | ${r.ratio.toFixed(2)} | ${(100 * r.mimaxEfficiency).toFixed(0)}% | ${(100 * r.torchEfficiency).toFixed(0)}% | ${r.forwardMaxAbsDiff.toExponential(1)} |`,
    );
  }
  console.log(
    `\nlarge matmul: mimax ${peak.toFixed(1)} GFLOP/s, PyTorch ${torch.torch} (1 thread) ${torch.matmulGflops.toFixed(1)} GFLOP/s`,
  );
  writeFileSync(
    'bench/results/peer-torch.json',
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        command: `npm run bench -- ${process.argv.slice(2).join(' ')}`,
        load: loadavg(),
        torch: torch.torch,
        mimaxMatmulGflops: peak,
        torchMatmulGflops: torch.matmulGflops,
        rows: table,
      },
      null,
      2,
    )}\n`,
  );
}

/** An entry's defaults overridden by the experiment's options (as the models resolve them). */
function encoderDefaults(kind: string): Options {
  return encoderRegistry.get(kind).defaults;
}

function criticDefaults(kind: string): Options {
  return criticRegistry.get(kind).defaults;
}

await main();
