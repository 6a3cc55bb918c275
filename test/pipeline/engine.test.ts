import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, hostname } from 'node:os';
import { join } from 'node:path';
import { runPipeline, pipelineStatus } from '../../core/pipeline/runner';
import { compareRuns, listRuns, cleanRunDir } from '../../core/pipeline/history';
import { runDirFor } from '../../core/pipeline/rundir';
import { parseProgressLine, type HmlProgressEvent } from '../../protocol/progress';
import { active, toyExecutors, toySpecs } from './fixtures/toy-stages';

const child = join(import.meta.dirname, 'fixtures', 'toy-child.ts');

function freshAnalysis(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hml-engine-'));
  const p = join(dir, 'toy.hml.yaml');
  writeFileSync(p, 'hml: 1\n');
  return p;
}

function runChild(analysis: string, opts: object, env: Record<string, string> = {}): { status: number | null; signal: NodeJS.Signals | null; events: HmlProgressEvent[]; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, analysis, JSON.stringify(opts)], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const events = r.stdout.split('\n').map(parseProgressLine).filter((e): e is HmlProgressEvent => !!e);
  return { status: r.status, signal: r.signal, events, stderr: r.stderr };
}

function totalOf(analysis: string): number {
  const dir = runDirFor(analysis);
  const folder = readdirSync(dir).find((n) => n.startsWith('total-'))!;
  return (JSON.parse(readFileSync(join(dir, folder, 'sum.json'), 'utf8')) as { total: number }).total;
}

test('keys: unchanged stages are cached, a changed setting re-runs that stage and what depends on it', async () => {
  const analysis = freshAnalysis();
  const events: HmlProgressEvent[] = [];
  const first = await runPipeline({ analysisPath: analysis, specs: toySpecs(), executors: toyExecutors, seed: 1, sink: (e) => events.push(e) });
  assert.equal(first.exitCode, 0);
  assert.deepEqual(first.stages.map((s) => s.state), ['finished', 'finished', 'finished', 'finished', 'finished']);
  const second = await runPipeline({ analysisPath: analysis, specs: toySpecs(), executors: toyExecutors, seed: 1 });
  assert.ok(second.stages.every((s) => s.state === 'cached'));
  const third = await runPipeline({ analysisPath: analysis, specs: toySpecs({ bScale: 3 }), executors: toyExecutors, seed: 1 });
  const states = Object.fromEntries(third.stages.map((s) => [s.stage, s.state]));
  assert.deepEqual(states, { 'gen:a': 'cached', 'gen:b': 'cached', 'sum:a': 'cached', 'sum:b': 'finished', total: 'finished' });
  // the progress stream: plan first, run-finished last, every line also in progress.ndjson
  assert.equal(events[0].type, 'plan');
  assert.equal(events.at(-1)!.type, 'run-finished');
  const fileEvents = readFileSync(join(first.runDir, 'progress.ndjson'), 'utf8').split('\n').map(parseProgressLine).filter(Boolean);
  assert.ok(fileEvents.length >= events.length);
  // provenance: three runs in the history, comparable
  const runs = listRuns(first.runDir);
  assert.equal(runs.length, 3);
  const cmp = compareRuns(runs[1].record, runs[2].record);
  assert.deepEqual(cmp.changed.map((c) => c.stage).sort(), ['sum:b', 'total']);
  assert.deepEqual(cmp.changed.find((c) => c.stage === 'sum:b')!.settings, [{ path: 'scale', before: 2, after: 3 }]);
  assert.equal(runs[0].record.host, hostname());
  // stage records carry settings, seed and timings
  const rec = JSON.parse(readFileSync(join(first.runDir, first.planned[0].folder, 'stage.json'), 'utf8')) as { seed: string; settings: unknown; seconds: number };
  assert.ok(rec.seed.length > 0 && rec.seconds >= 0);
  // the seed changes every key (results depend on it)
  const other = await runPipeline({ analysisPath: analysis, specs: toySpecs(), executors: toyExecutors, seed: 2 });
  assert.ok(other.stages.every((s) => s.state === 'finished'));
});

test('--stage runs only the stage and its stale upstream stages; --force re-runs it', async () => {
  const analysis = freshAnalysis();
  const a = await runPipeline({ analysisPath: analysis, specs: toySpecs(), executors: toyExecutors, seed: 1, targets: ['sum:a'] });
  assert.deepEqual(a.stages.map((s) => [s.stage, s.state]), [['gen:a', 'finished'], ['sum:a', 'finished']]);
  const st = pipelineStatus({ analysisPath: analysis, specs: toySpecs(), executors: toyExecutors, seed: 1 });
  assert.deepEqual(Object.fromEntries(st.map((s) => [s.stage, s.status])), { 'gen:a': 'up-to-date', 'gen:b': 'stale', 'sum:a': 'up-to-date', 'sum:b': 'stale', total: 'stale' });
  const f = await runPipeline({ analysisPath: analysis, specs: toySpecs(), executors: toyExecutors, seed: 1, targets: ['sum:a'], force: true });
  assert.deepEqual(f.stages.map((s) => [s.stage, s.state]), [['gen:a', 'cached'], ['sum:a', 'finished']]);
});

test('independent stages run concurrently within --jobs, and results do not depend on it', async () => {
  const a1 = freshAnalysis();
  active.max = 0;
  await runPipeline({ analysisPath: a1, specs: toySpecs({ delayMs: 20 }), executors: toyExecutors, seed: 5, jobs: 2 });
  assert.equal(active.max, 2);
  const a2 = freshAnalysis();
  active.max = 0;
  await runPipeline({ analysisPath: a2, specs: toySpecs({ delayMs: 20 }), executors: toyExecutors, seed: 5, jobs: 1 });
  assert.equal(active.max, 1);
  assert.equal(totalOf(a1), totalOf(a2));
});

test('a stage that throws: stage-failed, exit 1, earlier stages kept, status says failed, downstream blocked', async () => {
  const analysis = freshAnalysis();
  const events: HmlProgressEvent[] = [];
  const out = await runPipeline({ analysisPath: analysis, specs: toySpecs({ withBoom: true }), executors: toyExecutors, seed: 1, sink: (e) => events.push(e) });
  assert.equal(out.exitCode, 1);
  const failed = events.find((e) => e.type === 'stage-failed');
  assert.ok(failed && failed.type === 'stage-failed');
  assert.equal(failed.code, 'toy-failure');
  assert.deepEqual(failed.location, { file: 'toy.yaml', line: 3, column: 5, event: undefined });
  const st = Object.fromEntries(pipelineStatus({ analysisPath: analysis, specs: toySpecs({ withBoom: true }), executors: toyExecutors, seed: 1 }).map((s) => [s.stage, s.status]));
  assert.equal(st['boom:x'], 'failed');
  assert.equal(st['after-boom'], 'stale');
  assert.equal(st.total, 'up-to-date');
  assert.equal(out.stages.find((s) => s.stage === 'after-boom')!.state, 'blocked');
  assert.ok(!readdirSync(out.runDir).some((n) => n.startsWith('.tmp-')));
});

test('a full disk (ENOSPC in the atomic-write layer) fails the stage cleanly and keeps earlier stages', async () => {
  const analysis = freshAnalysis();
  process.env.HML_TEST_ENOSPC = 'sum.json';
  let out;
  try {
    out = await runPipeline({ analysisPath: analysis, specs: toySpecs(), executors: toyExecutors, seed: 1 });
  } finally {
    delete process.env.HML_TEST_ENOSPC;
  }
  assert.equal(out.exitCode, 1);
  assert.equal(out.firstError?.code, 'disk-full');
  assert.deepEqual(out.stages.filter((s) => s.state === 'finished').map((s) => s.stage).sort(), ['gen:a', 'gen:b']);
  assert.ok(!readdirSync(out.runDir).some((n) => n.startsWith('.tmp-') || n.startsWith('sum-')));
  const again = await runPipeline({ analysisPath: analysis, specs: toySpecs(), executors: toyExecutors, seed: 1 });
  assert.equal(again.exitCode, 0);
  assert.deepEqual(again.stages.map((s) => s.state), ['cached', 'cached', 'finished', 'finished', 'finished']);
});

test('lock: a live run makes a second one exit 3 naming the holder; a stale lock is taken over with a warning', async () => {
  const analysis = freshAnalysis();
  const runDir = runDirFor(analysis);
  // a live holder: a child run that waits inside its stages
  const holder = spawn(process.execPath, ['--import', 'tsx', child, analysis, JSON.stringify({ holdMs: 60_000, jobs: 1 })], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve) => {
    holder.stdout.on('data', (d: Buffer) => {
      if (d.toString().includes('stage-started')) resolve();
    });
  });
  const second = runChild(analysis, {});
  assert.equal(second.status, 3);
  assert.match(second.stderr + JSON.stringify(second.events), new RegExp(`process ${holder.pid} on ${hostname()}`));
  assert.throws(() => cleanRunDir(runDir), /being run by process/);
  holder.kill('SIGINT');
  const code = await new Promise<number | null>((r) => holder.on('exit', (c) => r(c)));
  assert.equal(code, 130, 'Ctrl-C stops the run cleanly with exit 130');
  assert.ok(!existsSync(join(runDir, 'lock')));
  assert.ok(!readdirSync(runDir).some((n) => n.startsWith('.tmp-')));
  // a stale lock: pid of a process that has exited
  const dead = spawnSync(process.execPath, ['-e', 'process.pid']).pid!;
  writeFileSync(join(runDir, 'lock'), JSON.stringify({ pid: dead, host: hostname(), started: '2020-01-01T00:00:00Z' }));
  const third = runChild(analysis, {});
  assert.equal(third.status, 0);
  assert.match(third.stderr, new RegExp(`stale lock of process ${dead}`));
  cleanRunDir(runDir);
  assert.ok(!existsSync(runDir));
});

test('kill -9 at injected points: the next run resumes from the last finished stage with identical results', async () => {
  const reference = freshAnalysis();
  assert.equal(runChild(reference, {}).status, 0);
  const expected = totalOf(reference);
  for (const at of ['gen:a:chunk-1', 'gen:b:written', 'sum:a:committed', 'total:start', 'sum:b:written']) {
    const analysis = freshAnalysis();
    const killed = runChild(analysis, { jobs: 1 }, { HML_TEST_KILL_AT: at });
    assert.equal(killed.signal, 'SIGKILL', `killed at ${at}`);
    const before = new Set(readdirSync(runDirFor(analysis)).filter((n) => !n.startsWith('.') && n.includes('-') && existsSync(join(runDirFor(analysis), n, 'stage.json'))));
    const resumed = runChild(analysis, { jobs: 1 });
    assert.equal(resumed.status, 0, resumed.stderr);
    assert.match(resumed.stderr, /stale lock/);
    const cached = resumed.events.filter((e) => e.type === 'stage-cached').length;
    assert.equal(cached, before.size, `after a kill at ${at}, every committed stage is reused`);
    assert.equal(totalOf(analysis), expected);
    assert.ok(!readdirSync(runDirFor(analysis)).some((n) => n.startsWith('.tmp-')));
  }
});

test('seeded random kills: repeated kill -9 runs converge to the uninterrupted result', async () => {
  const reference = freshAnalysis();
  runChild(reference, {});
  const expected = totalOf(reference);
  for (const seed of [11, 12]) {
    const analysis = freshAnalysis();
    let kills = 0;
    for (let attempt = 0; attempt < 40; attempt++) {
      const r = runChild(analysis, { jobs: 2 }, { HML_TEST_RANDOM_KILL: `${seed}-${attempt}:0.12` });
      if (r.signal === 'SIGKILL') {
        kills++;
        continue;
      }
      assert.equal(r.status, 0, r.stderr);
      break;
    }
    assert.ok(kills > 0, `seed ${seed} killed at least once`);
    assert.equal(totalOf(analysis), expected);
  }
});
