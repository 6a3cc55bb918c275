/**
 * `hml status FILE [--format text|json] [--runs] [--compare A B]`: which stages are up to date, stale or failed
 * (the last attempt with the current key failed), without running anything. `--runs` lists the run history;
 * `--compare A B` compares two runs (indices into the history, negative from the end, or record file names):
 * which stages changed key, which settings changed, timings and software versions.
 */
import { basename } from 'node:path';
import { compareRuns, listRuns } from '../../core/pipeline/history';
import { PIPELINE_EXECUTORS } from '../../core/pipeline/executors';
import { readLock } from '../../core/pipeline/rundir';
import { pipelineStatus } from '../../core/pipeline/runner';
import { openSession } from '../../core/pipeline/session';
import { HmlError } from '../../core/util/errors';
import { one, parseArgs } from './run';

export const summary = 'show which pipeline stages are up to date, stale or failed (and the run history)';

const USAGE = 'usage: hml status FILE [--format text|json] [--runs] [--compare A B]';

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { flags: ['help', 'runs', 'compare'], options: ['format'] }, 'status');
  if (p.flags.has('help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [file, ...rest] = p.positional;
  if (!file || (rest.length > 0 && !p.flags.has('compare'))) throw new HmlError('usage', USAGE, { exitCode: 2 });
  const json = (one(p, 'format') ?? 'text') === 'json';
  const s = openSession(file);
  const runs = listRuns(s.runDir);

  if (p.flags.has('compare')) {
    if (runs.length < 2 && rest.length < 2) throw new HmlError('no-runs', `fewer than two runs recorded in ${s.runDir}/runs`, { exitCode: 2 });
    const pick = (x: string | undefined, def: number): (typeof runs)[number] => {
      if (x === undefined) return runs[runs.length + def];
      const i = Number(x);
      const r = Number.isInteger(i) ? runs.at(i) : runs.find((q) => basename(q.file) === x || basename(q.file) === `${x}.json`);
      if (!r) throw new HmlError('no-such-run', `no run '${x}' in ${s.runDir}/runs (${runs.length} recorded)`, { exitCode: 2 });
      return r;
    };
    const a = pick(rest[0], -2);
    const b = pick(rest[1], -1);
    const cmp = compareRuns(a.record, b.record, [basename(a.file), basename(b.file)]);
    if (json) process.stdout.write(JSON.stringify(cmp, null, 1) + '\n');
    else {
      const lines = [`compare ${cmp.a} → ${cmp.b}`];
      if (cmp.seed.a !== cmp.seed.b) lines.push(`  seed: ${cmp.seed.a} → ${cmp.seed.b}`);
      for (const c of cmp.changed) {
        lines.push(`  ${c.stage}: changed (${c.keyA} → ${c.keyB})${c.settings.length ? '' : ' because of an upstream stage'}`);
        for (const d of c.settings) lines.push(`      ${d.path}: ${JSON.stringify(d.before)} → ${JSON.stringify(d.after)}`);
      }
      if (cmp.same.length) lines.push(`  unchanged: ${cmp.same.join(', ')}`);
      for (const x of cmp.onlyA) lines.push(`  only in ${cmp.a}: ${x}`);
      for (const x of cmp.onlyB) lines.push(`  only in ${cmp.b}: ${x}`);
      for (const t of cmp.timings) lines.push(`  ${t.stage.padEnd(24)} ${t.stateA.padEnd(9)} ${t.secondsA.toFixed(1).padStart(7)} s   ${t.stateB.padEnd(9)} ${t.secondsB.toFixed(1).padStart(7)} s`);
      for (const v of cmp.versions) lines.push(`  version ${v.path}: ${String(v.before)} → ${String(v.after)}`);
      process.stdout.write(lines.join('\n') + '\n');
    }
    return 0;
  }

  if (p.flags.has('runs')) {
    const list = runs.map((r, i) => ({ index: i, file: basename(r.file), status: r.record.status, started: r.record.started, seconds: r.record.seconds ?? null, host: r.record.host, ran: r.record.stages.filter((x) => x.state === 'finished').map((x) => x.stage) }));
    if (json) process.stdout.write(JSON.stringify(list, null, 1) + '\n');
    else for (const r of list) process.stdout.write(`${String(r.index).padStart(3)}  ${r.started}  ${r.status.padEnd(9)} ${r.seconds === null ? '      ?' : r.seconds.toFixed(1).padStart(7)} s  ${r.host}  ran: ${r.ran.join(', ') || '(nothing)'}\n`);
    return 0;
  }

  const st = pipelineStatus({ analysisPath: s.loaded.path, specs: s.specs, executors: PIPELINE_EXECUTORS, seed: s.loaded.analysis.seed });
  const lock = readLock(s.runDir);
  if (json) {
    process.stdout.write(JSON.stringify({ analysis: s.loaded.path, runDir: s.runDir, running: lock ?? null, stages: st }, null, 1) + '\n');
  } else {
    if (lock) process.stdout.write(`running: process ${lock.pid} on ${lock.host} since ${lock.started}\n`);
    const w = Math.max(...st.map((x) => x.stage.length));
    for (const x of st) {
      const why = x.status === 'failed' ? `  ${x.error?.message} [${x.error?.code}]` : x.status === 'stale' && x.staleUpstream ? `  (after ${x.staleUpstream.join(', ')})` : '';
      process.stdout.write(`${x.stage.padEnd(w)}  ${x.status.padEnd(10)}  ${x.key}${why}\n`);
    }
  }
  return 0;
}
