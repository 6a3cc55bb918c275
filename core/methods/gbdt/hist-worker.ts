/**
 * Worker thread of the gbdt engine: binds to one training's shared arrays, then runs its share of each task
 * (binning, gradient, histogram, partition and margin units) when the main thread bumps the generation counter, until told to stop.
 * Runs from tsx (via hist-worker-dev.mjs) and from the bundle (dist/gbdt-worker.mjs).
 */
import { parentPort } from 'node:worker_threads';
import { CTRL, runShare, SPIN_MS, TASK, type SharedArrays } from './kernels';

interface BindMessage {
  id: number;
  arrays: SharedArrays;
}

const port = parentPort;
if (port) {
  port.on('message', (msg: BindMessage) => {
    const a = msg.arrays;
    const ctrl = a.ctrl;
    let gen = Atomics.load(ctrl, CTRL.GEN);
    port.postMessage({ bound: msg.id });
    for (;;) {
      // Spin briefly before sleeping: the next task usually follows within a millisecond, and waking a sleeping
      // thread (a futex wake, worse on virtual machines) costs more than the task itself.
      const until = performance.now() + SPIN_MS;
      while (Atomics.load(ctrl, CTRL.GEN) === gen && performance.now() < until);
      Atomics.wait(ctrl, CTRL.GEN, gen);
      gen = Atomics.load(ctrl, CTRL.GEN);
      if (ctrl[CTRL.TASK] === TASK.STOP) break;
      runShare(a, msg.id);
      Atomics.add(ctrl, CTRL.DONE, 1);
      Atomics.notify(ctrl, CTRL.DONE);
    }
  });
  port.postMessage({ ready: true });
}
