/**
 * A throwaway single-node Slurm cluster on localhost for tests (Debian's slurm-wlm and munge):
 * munged, slurmctld and slurmd run as child processes with every key, socket, state, spool and
 * log file under one temporary directory, on free TCP ports, with a `slurm.conf` generated from
 * this machine's CPUs and memory (`slurmd -C`). No system service manager is involved.
 *
 * Where `unshare` may create a PID namespace (root, not blocked by a container's seccomp), the
 * daemons run inside one, so stopping its init kills every process Slurm started, job steps
 * included; otherwise each daemon gets its own process group and the jobs are cancelled first.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const BINARIES = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'scancel', 'sinfo'];

/** Why a local cluster cannot be started here, or null if it can. */
export function slurmUnavailable(): string | null {
  if (process.platform !== 'linux') return 'Slurm needs Linux';
  if (process.getuid?.() !== 0) return 'the local Slurm daemons need root (CI runs as root)';
  const missing = BINARIES.filter((b) => spawnSync('which', [b]).status !== 0);
  if (missing.length) {
    return `Slurm is not installed (${missing.join(', ')} missing; .ci/run installs slurm-wlm and munge with apt)`;
  }
  return null;
}

export interface SlurmCluster {
  /** The temporary directory holding everything. */
  dir: string;
  /** Environment for the client commands (`SLURM_CONF`). */
  env: NodeJS.ProcessEnv;
  /** `slurmd -C`'s CPUs of this machine. */
  cpus: number;
  /** Whether the daemons run in their own PID namespace. */
  namespaced: boolean;
  /** Runs a client command (sbatch, squeue, scancel, ...) and returns its stdout; throws on failure. */
  client(command: string, args: string[]): string;
  /** Stops every daemon (and, namespaced, every job process); safe to call twice. */
  stop(): Promise<void>;
  /** The tail of the daemons' logs, for failure messages. */
  logs(): string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function canUnshare(): boolean {
  // MIMAX_TEST_SLURM_NAMESPACE=0 exercises the fallback (process groups) where unshare works.
  if (process.env.MIMAX_TEST_SLURM_NAMESPACE === '0') return false;
  const probe = spawnSync('unshare', ['--pid', '--fork', '--kill-child', '--mount-proc', 'true'], {
    timeout: 10_000,
  });
  return probe.status === 0;
}

/** Starts the cluster in `dir` and waits (up to `timeoutMs`) until its node is idle. */
export async function startSlurm(dir: string, timeoutMs = 30_000): Promise<SlurmCluster> {
  chmodSync(dir, 0o755); // munged wants every folder above its socket searchable by all
  const keyDir = join(dir, 'munge-key');
  const socketDir = join(dir, 'munge');
  for (const d of [keyDir, socketDir, join(dir, 'state'), join(dir, 'spool'), join(dir, 'log')]) {
    mkdirSync(d, { recursive: true });
  }
  // munged refuses a key or key folder readable by others; clients need to reach the socket.
  chmodSync(keyDir, 0o700);
  chmodSync(socketDir, 0o755);
  const key = join(keyDir, 'munge.key');
  writeFileSync(key, randomBytes(1024), { mode: 0o600 });
  const socket = join(socketDir, 'munge.socket');

  // "NodeName=vm CPUs=2 Boards=1 SocketsPerBoard=1 CoresPerSocket=2 ThreadsPerCore=1 RealMemory=24105"
  const hardware = spawnSync('slurmd', ['-C'], { encoding: 'utf8' }).stdout.split('\n')[0].trim();
  const node = /NodeName=(\S+)/.exec(hardware)?.[1];
  const cpus = Number(/CPUs=(\d+)/.exec(hardware)?.[1]);
  if (!node || !cpus) throw new Error(`slurmd -C printed no node line: '${hardware}'`);
  const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
  const conf = join(dir, 'slurm.conf');
  const plugstack = join(dir, 'plugstack.conf');
  writeFileSync(plugstack, ''); // not /etc/slurm's
  writeFileSync(
    conf,
    [
      'ClusterName=mimaxtest',
      `SlurmctldHost=${node}(127.0.0.1)`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      'CredType=cred/munge',
      `AuthInfo=socket=${socket}`,
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${slurmdPort}`,
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
      `PlugStackConfig=${plugstack}`,
      // No cgroups, accounting or MPI: a bare node that any container can run.
      'ProctrackType=proctrack/pgid',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'JobCompType=jobcomp/none',
      'MpiDefault=none',
      'SwitchType=switch/none',
      // One task per CPU (memory is not a consumable here).
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_CPU',
      'SchedulerType=sched/builtin',
      // Finished jobs stay visible to squeue for 5 min; scancel's SIGKILL follows SIGTERM after 5 s.
      'MinJobAge=300',
      'KillWait=5',
      'ReturnToService=2',
      `${hardware} NodeAddr=127.0.0.1 State=UNKNOWN`,
      `PartitionName=test Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
      '',
    ].join('\n'),
  );
  const env = { ...process.env, SLURM_CONF: conf };
  const log = (name: string) => join(dir, 'log', name);
  const daemons: [string, string[]][] = [
    [
      'munged',
      [
        '-F',
        '-f',
        `--key-file=${key}`,
        `--socket=${socket}`,
        `--pid-file=${join(socketDir, 'munged.pid')}`,
        `--log-file=${log('munged.log')}`,
        `--seed-file=${join(keyDir, 'seed')}`,
      ],
    ],
    ['slurmctld', ['-D', '-i', '-f', conf]],
    ['slurmd', ['-D', '-f', conf]],
  ];
  const namespaced = canUnshare();
  const children: ChildProcess[] = [];
  const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;
  if (namespaced) {
    // One shell as the namespace's init: the daemons are its children; munged first (slurm
    // authenticates through it). When the shell dies, the kernel kills the whole namespace.
    const script = daemons
      .map(
        ([bin, args], i) =>
          `${bin} ${args.map(quote).join(' ')} >${quote(log(`${bin}.out`))} 2>&1 &` +
          (i === 0 ? ` sleep 0.5;` : ''),
      )
      .join(' ');
    children.push(
      spawn(
        'unshare',
        ['--pid', '--fork', '--kill-child', '--mount-proc', 'sh', '-c', `${script} wait`],
        {
          env,
          detached: true,
          stdio: 'ignore',
        },
      ),
    );
  } else {
    for (const [i, [bin, args]] of daemons.entries()) {
      children.push(spawn(bin, args, { env, detached: true, stdio: 'ignore' }));
      if (i === 0) await sleep(500);
    }
  }
  // Whatever happens (a failed assertion, Ctrl-C of the test runner), no daemon outlives us.
  const killAll = () => {
    for (const child of children) {
      if (child.pid && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  };
  // A runner stopped with Ctrl-C or SIGTERM emits no 'exit': kill, then die of the signal.
  const onSignal = (signal: NodeJS.Signals) => {
    killAll();
    process.kill(process.pid, signal);
  };
  process.once('exit', killAll);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const client = (command: string, args: string[]): string => {
    const result = spawnSync(command, args, { env, encoding: 'utf8', timeout: 30_000 });
    if (result.status !== 0) {
      throw new Error(`${command} ${args.join(' ')} failed (${result.status}): ${result.stderr}`);
    }
    return result.stdout;
  };
  const logs = () =>
    ['slurmctld.log', 'slurmd.log', 'munged.log']
      .map((name) => {
        try {
          return `--- ${name}\n${readFileSync(log(name), 'utf8').split('\n').slice(-15).join('\n')}`;
        } catch {
          return `--- ${name}: none`;
        }
      })
      .join('\n');
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (!namespaced) {
      // Without a namespace, job processes are not the daemons' children: cancel them first.
      spawnSync('scancel', ['--user', 'root'], { env, timeout: 10_000 });
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline) {
        const q = spawnSync('squeue', ['-h', '-o', '%i'], { env, encoding: 'utf8' });
        if (q.status !== 0 || q.stdout.trim() === '') break;
        await sleep(250);
      }
    }
    killAll();
    process.off('exit', killAll);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await Promise.all(
      children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) resolve();
            else child.once('exit', () => resolve());
          }),
      ),
    );
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = spawnSync('sinfo', ['-h', '-o', '%T'], { env, encoding: 'utf8' });
    if (info.status === 0 && /^idle/m.test(info.stdout)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the local Slurm did not come up in ${timeoutMs / 1000} s:\n${logs()}`);
    }
    await sleep(250);
  }
  return { dir, env, cpus, namespaced, client, stop, logs };
}
