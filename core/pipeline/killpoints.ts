/**
 * Injected kill points for crash-safety tests: a run must survive `kill -9` at any moment. Instead of sleeping
 * and killing from outside (flaky), the process kills itself with SIGKILL at a named point:
 *   HML_TEST_KILL_AT=<stage>:<step>   e.g. `train:bdt:written`, `generate:wjets:batch-2` (stage names contain ':'
 *                                     so the step is the part after the last ':')
 *   HML_TEST_RANDOM_KILL=<seed>:<p>   at every kill point, die with probability p, decided by a generator seeded
 *                                     from (seed, stage, step, count) so a failing sequence can be replayed.
 */
import { Rng } from '../util/random';

let counter = 0;

export function killPoint(stage: string, step: string): void {
  const at = process.env.HML_TEST_KILL_AT;
  if (at && at === `${stage}:${step}`) die();
  const rnd = process.env.HML_TEST_RANDOM_KILL;
  if (rnd) {
    const [seed, p] = rnd.split(':');
    counter++;
    if (Rng.from('kill', seed, stage, step, counter).uniform() < Number(p)) die();
  }
}

function die(): never {
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL is delivered asynchronously on some platforms; never continue past a kill point
  for (;;) {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
  }
}
