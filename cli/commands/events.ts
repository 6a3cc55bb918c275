/**
 * `hml events FILE [--sample NAME] [--from N] [--count K] [--format phoenix] [--units GeV|MeV] [--out PATH]`:
 * events of a generated sample (the `generate:<sample>` stage's store, with the analysis' `reconstruction:`
 * applied) in the Phoenix JSON event format, for the editor's event display or Phoenix itself.
 * `--from` is the 0-based index of the first event in the sample; `--count` at most 1000.
 *
 * `hml events FILE --madgraph5 [--sample NAME]` prints the MadGraph5 dry run of a sample instead (both MG5
 * scripts and the seeded cards; nothing is executed).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PIPELINE_EXECUTORS } from '../../core/pipeline/executors';
import { readEventStore } from '../../core/pipeline/eventstore';
import { applyReconstruction } from '../../core/pipeline/reconstruction';
import { pipelineStatus } from '../../core/pipeline/runner';
import { openSession } from '../../core/pipeline/session';
import { phoenixEvent, writePhoenixJson, type PhoenixEvent } from '../../core/sources/phoenix';
import { HmlError } from '../../core/util/errors';
import { one, parseArgs } from './run';

export const summary = 'events of a generated sample as Phoenix JSON (the event display), or a MadGraph5 dry run';

const USAGE = 'usage: hml events FILE [--sample NAME] [--from N] [--count K] [--format phoenix] [--units GeV|MeV] [--out PATH] | hml events FILE --madgraph5 [--sample NAME]';

function nonNegative(v: string | undefined, key: string, def: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new HmlError('usage', `hml events: --${key} must be a non-negative integer (got '${v}')`, { exitCode: 2 });
  return n;
}

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { flags: ['help', 'madgraph5'], options: ['sample', 'from', 'count', 'format', 'units', 'out'] }, 'events');
  if (p.flags.has('help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (p.positional.length !== 1) throw new HmlError('usage', USAGE, { exitCode: 2 });
  const s = openSession(p.positional[0]);
  const a = s.loaded.analysis;
  const names = Object.keys(a.samples);
  const sample = one(p, 'sample') ?? names[0];
  if (!sample || !a.samples[sample]) throw new HmlError('no-such-sample', `no sample '${sample}' in ${s.loaded.path} (samples: ${names.join(', ')})`, { exitCode: 2 });

  if (p.flags.has('madgraph5')) {
    const gen = a.samples[sample].generator;
    if (!gen || gen.engine !== 'madgraph5') throw new HmlError('not-madgraph5', `sample '${sample}' is not generated with MadGraph5 (engine: ${gen?.engine ?? 'none'}); set generator.engine: madgraph5`, { exitCode: 2 });
    const { dryRunMadgraph5 } = await import('../../core/sources/madgraph5');
    process.stdout.write(dryRunMadgraph5(gen, { analysisSeed: a.seed, sample, workDir: join(s.runDir, `generate-${sample}`, 'madgraph5'), baseDir: s.loaded.dir }));
    return 0;
  }

  const format = one(p, 'format') ?? 'phoenix';
  if (format !== 'phoenix') throw new HmlError('usage', `hml events: --format must be phoenix (got '${format}')`, { exitCode: 2 });
  const units = one(p, 'units') ?? 'MeV';
  if (units !== 'GeV' && units !== 'MeV') throw new HmlError('usage', `hml events: --units must be GeV or MeV (got '${units}')`, { exitCode: 2 });
  const from = nonNegative(one(p, 'from'), 'from', 0);
  const count = Math.min(1000, nonNegative(one(p, 'count'), 'count', 10));

  const st = pipelineStatus({ analysisPath: s.loaded.path, specs: s.specs, executors: PIPELINE_EXECUTORS, seed: a.seed });
  const gen = st.find((x) => x.stage === `generate:${sample}`);
  const store = gen ? join(gen.dir, 'events.hmlev') : '';
  if (!gen || gen.status !== 'up-to-date' || !existsSync(store)) {
    throw new HmlError('sample-not-generated', `sample '${sample}' has no up-to-date events: run \`hml run ${p.positional[0]} --stage generate:${sample}\` first`, { exitCode: 1 });
  }
  const events: Record<string, PhoenixEvent> = {};
  let total = 0;
  for await (const raw of readEventStore(store)) {
    const lo = raw.firstEvent, hi = raw.firstEvent + raw.size;
    total = hi;
    if (hi <= from || lo >= from + count) continue;
    const batch = a.reconstruction ? applyReconstruction(raw, a.reconstruction) : raw;
    for (let i = Math.max(0, from - lo); i < raw.size && lo + i < from + count; i++) {
      events[`Event ${lo + i}`] = phoenixEvent(batch, i, { units, metadata: { units, sample } });
    }
  }
  const out = one(p, 'out');
  if (out) writePhoenixJson(out, events);
  else process.stdout.write(JSON.stringify({ sample, from, total, units, events }) + '\n');
  return 0;
}
