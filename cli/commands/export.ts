/**
 * `hml export FILE [--out DIR] [--jobs N] [--progress bars|json|none]`: runs the pipeline up to the `export`
 * stage (reusing every up-to-date stage) and copies the bundles (one per method: model.onnx, model_card.json,
 * validation/, SHA256SUMS; datasets when `export.dataset: hdf5`) to DIR (default `<stem>-export/` beside the
 * analysis). Works without an `export:` section (defaults: ONNX, model card, validation vectors).
 */
import { cpSync, existsSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { barsSink, jsonSink } from '../../core/pipeline/sinks';
import { openSession, runSession } from '../../core/pipeline/session';
import { HmlError } from '../../core/util/errors';
import { cancelOnSignals, one, parseArgs, positiveInt } from './run';

export const summary = 'export reusable model bundles (ONNX + model card + validation vectors) for every method';

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { flags: ['help', 'force'], options: ['out', 'jobs', 'threads', 'progress'] }, 'export');
  if (p.flags.has('help')) {
    process.stdout.write('usage: hml export FILE [--out DIR] [--force] [--jobs N] [--progress bars|json|none]\n');
    return 0;
  }
  if (p.positional.length !== 1) throw new HmlError('usage', 'usage: hml export FILE [--out DIR] [--force] [--jobs N] [--progress bars|json|none]', { exitCode: 2 });
  const mode = one(p, 'progress') ?? 'bars';
  const session = openSession(p.positional[0], { withExport: true });
  const cancel = cancelOnSignals();
  try {
    const out = await runSession(session, {
      targets: ['export'],
      force: p.flags.has('force'),
      jobs: positiveInt(p, 'jobs', 'export', 1),
      threads: positiveInt(p, 'threads', 'export', availableParallelism()),
      sink: mode === 'json' ? jsonSink() : mode === 'bars' ? barsSink() : undefined,
      signal: cancel.signal,
    });
    if (out.exitCode !== 0) {
      for (const s of out.stages) if (s.state === 'failed') process.stderr.write(`hml: ${s.stage} failed: ${s.error?.message} [${s.error?.code}]\n`);
      return out.exitCode;
    }
    const stage = out.planned.find((x) => x.name === 'export')!;
    const dest = resolve(one(p, 'out') ?? join(session.loaded.dir, `${session.loaded.name}-export`));
    if (existsSync(dest)) rmSync(dest, { recursive: true, force: true });
    cpSync(join(out.runDir, stage.folder), dest, { recursive: true, filter: (src) => !src.endsWith('stage.json') });
    (mode === 'json' ? process.stderr : process.stdout).write(`bundles written to ${dest} (check one with: hml check-bundle ${dest})\n`);
    return 0;
  } finally {
    cancel.dispose();
  }
}
