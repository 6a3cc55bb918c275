// Worker bootstrap for source (tsx) runs: Node 20 does not pass the parent's `--import tsx` hooks on to worker
// threads, so register tsx here, then load the TypeScript worker. The bundle uses dist/stage-worker.mjs.
import { register } from 'tsx/esm/api';

register();
await import('./stage-worker.ts');
