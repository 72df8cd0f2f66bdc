/**
 * Old vs new training step, interleaved in one process (issue 16 §3: the machine is shared, so
 * only ratios measured in the same window mean anything). The old code is a plain copy of
 * another commit's `src/`, linked to this checkout's node_modules (no install):
 *
 *   mkdir /tmp/mimax-old && git archive <old-commit> src | tar -x -C /tmp/mimax-old
 *   ln -s "$PWD/node_modules" /tmp/mimax-old/node_modules
 *   echo '{"type":"module"}' > /tmp/mimax-old/package.json   # src/ uses top-level await
 *   node --import tsx bench/interleaved.ts /tmp/mimax-old/src noniid,ci-concat,ci-bilinear [rounds]
 *
 * Configs: `noniid` (concat critic [10]x5 alone, InfoNCE, B = 128, Sec. 4), `ci-concat` and
 * `ci-bilinear` (critic-impact: MLP encoders [300, 300, 100] on 392 pixels + the critic, NWJ).
 * Each round times 20 steps of each variant (after 5 warm-up steps) and keeps the median;
 * prints the median over rounds, every round's median, the ratio old/new and the load average.
 */
import { loadavg } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/backend.ts';

const [oldSrc, configList = 'noniid,ci-concat,ci-bilinear', roundsArg = '5'] =
  process.argv.slice(2);
if (!oldSrc) throw new Error('usage: bench/interleaved.ts OLD_SRC_DIR [configs] [rounds]');
const rounds = Number(roundsArg);
const B = 128; // Colab: batch_size = 128

await initBackend('wasm');

/* biome-ignore-start lint/suspicious/noExplicitAny: two copies of the modules, typed alike */
type Modules = Record<string, any>;
async function load(src: string): Promise<Modules> {
  return {
    ...(await import(`${src}/critics/index.ts`)),
    ...(await import(`${src}/bounds/index.ts`)),
    ...(await import(`${src}/train/bound-only.ts`)),
    ...(await import(`${src}/encoders/index.ts`)),
    ...(await import(`${src}/train/sweep.ts`)),
  };
}

/** Both copies number their variables from 0: retry until the name is free. */
function create<T>(make: () => T): T {
  for (let attempt = 0; ; attempt++) {
    try {
      return make();
    } catch (error) {
      if (attempt > 10_000) throw error;
    }
  }
}

function stepper(m: Modules, config: string): () => void {
  let step = 0;
  if (config === 'noniid') {
    const options = { hidden: [10, 10, 10, 10, 10] }; // Colab: MLP 2 → 10 (x5) → 1
    const critic = create(() => m.createCritic('concat', { dim1: 1, dim2: 1, seed: 1, options }));
    const optimizer = tf.train.adam(1e-4);
    const bound = m.getBound('infonce');
    const batch = { sampling: 'noniid', batchSize: B, dataSeed: 1 };
    const cov = {
      covZ: [
        [1, -0.5],
        [-0.5, 1],
      ],
      covEps: [
        [1, 0.9],
        [0.9, 1],
      ],
    }; // noniid.ts
    return () => {
      const [x, y] = m.gaussianBatch({ ...batch, ...cov }, step++);
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
  }
  const criticName = config.replace(/^ci-/, '');
  const encoder = (seed: number) =>
    create(() =>
      m.createEncoder('mlp', {
        inputDim: 392,
        inputShape: [14, 28, 1],
        seed,
        options: { layers: [300, 300, 100] }, // critic-impact.ts
      }),
    );
  const g1 = encoder(1);
  const g2 = encoder(2);
  const options = criticName === 'concat' ? { hidden: [200] } : {}; // critic-impact.ts
  const critic = create(() =>
    m.createCritic(criticName, { dim1: 100, dim2: 100, seed: 3, options }),
  );
  const variables = [...g1.variables, ...g2.variables, ...critic.variables];
  const optimizer = tf.train.adam(1e-4);
  const bound = m.getBound('nwj');
  return () => {
    const x1 = tf.randomUniform([B, 392], 0, 1, 'float32', step++);
    const x2 = tf.randomUniform([B, 392], 0, 1, 'float32', step++);
    const models = { g1, g2, critic };
    const value = m.trainStep(models, bound, { kind: 'maximize' }, optimizer, variables, x1, x2);
    value.dataSync();
    tf.dispose([value, x1, x2]);
  };
}
/* biome-ignore-end lint/suspicious/noExplicitAny: two copies of the modules, typed alike */

const median = (a: number[]) => [...a].sort((p, q) => p - q)[Math.floor(a.length / 2)];
const modules = { new: await load('../src'), old: await load(oldSrc) };
for (const config of configList.split(',')) {
  const variants = Object.entries(modules).map(([name, m]) => [name, stepper(m, config)] as const);
  for (const [, s] of variants) for (let i = 0; i < 5; i++) s();
  const medians: Record<string, number[]> = { new: [], old: [] };
  const loads: number[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const [name, s] of variants) {
      const times: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t0 = performance.now();
        s();
        times.push(performance.now() - t0);
      }
      medians[name].push(median(times));
    }
    loads.push(loadavg()[0]);
  }
  const show = (name: string) =>
    `${name} ${median(medians[name]).toFixed(1)} ms [${medians[name].map((v) => v.toFixed(1)).join(' ')}]`;
  console.log(
    `${config}: ${show('new')} | ${show('old')} | old/new ${(median(medians.old) / median(medians.new)).toFixed(2)} | load ${loads.map((l) => l.toFixed(1)).join(' ')}`,
  );
}
