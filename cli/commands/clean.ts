/**
 * `hml clean FILE`: deletes the analysis's run directory (.hml/<stem>/: events, datasets, models, results,
 * history). Refuses (exit 3) while a run holds the lock. The only command that deletes outputs.
 */
import { existsSync } from 'node:fs';
import { cleanRunDir } from '../../core/pipeline/history';
import { runDirFor } from '../../core/pipeline/rundir';
import { HmlError } from '../../core/util/errors';
import { parseArgs } from './run';

export const summary = 'delete the run directory (.hml/<name>/) of an analysis';

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { flags: ['help'], options: [] }, 'clean');
  if (p.flags.has('help') || p.positional.length !== 1) {
    if (p.flags.has('help')) {
      process.stdout.write('usage: hml clean FILE\n');
      return 0;
    }
    throw new HmlError('usage', 'usage: hml clean FILE', { exitCode: 2 });
  }
  const file = p.positional[0];
  if (!existsSync(file)) throw new HmlError('file-not-found', `${file} does not exist; give the analysis file whose results to delete`, { exitCode: 2, location: { file } });
  const dir = runDirFor(file);
  const r = cleanRunDir(dir);
  process.stdout.write(r.removed ? `removed ${dir}\n` : `nothing to remove (${dir} does not exist)\n`);
  return 0;
}
