/**
 * Extension logic that needs no VS Code: progress folding, re-attach by tailing a growing progress file (torn
 * lines, runs after runs), the lock / pid check, the run history and its comparison, the tree model, task
 * definitions and the `hml` problem matcher (checked against package.json and real `hml validate` output).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { applyText, describe, emptyRun, fraction, LineBuffer } from '../../extension/logic/progress';
import { lastPlanOffset, lastRunState, liveRun, ProgressTail, runDirOf } from '../../extension/logic/reattach';
import { compareEntries, comparisonMarkdown, entryFrom, RunHistory } from '../../extension/logic/history';
import { buildTree, type StatusJson } from '../../extension/logic/tree';
import { parseValidateLine, taskArgs, tasksFor, VALIDATE_LINE } from '../../extension/logic/tasks';
import type { ResultsFile } from '../../protocol/results';

const fixtureResults = JSON.parse(readFileSync(new URL('../fixtures/extension/results.json', import.meta.url), 'utf8')) as ResultsFile;
const t = (s: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const ev = (o: Record<string, unknown>, s = 0): string => JSON.stringify({ v: 1, time: t(s), ...o }) + '\n';
const plan = (s: number): string => ev({ type: 'plan', analysis: '/a/x.hml.yaml', stages: [
  { stage: 'generate:sig', key: 'k1', state: 'stale', needs: [] },
  { stage: 'dataset:d', key: 'k2', state: 'stale', needs: ['generate:sig'] },
  { stage: 'train:mlp', key: 'k3', state: 'stale', needs: ['dataset:d'] },
] }, s);

test('progress: folding events into a run state', () => {
  const s = applyText(emptyRun(), [
    plan(0),
    ev({ type: 'stage-started', stage: 'generate:sig', key: 'k1' }, 1),
    ev({ type: 'progress', stage: 'generate:sig', done: 50, total: 100, unit: 'events' }, 2),
    'not json\n',
  ].join(''));
  assert.equal(s.stages.get('generate:sig')?.state, 'running');
  assert.equal(fraction(s), 0.5 / 3);
  assert.equal(describe(s), 'generate:sig 50/100 events · 0/3 stages');
  applyText(s, [
    ev({ type: 'stage-finished', stage: 'generate:sig', key: 'k1', seconds: 2 }, 3),
    ev({ type: 'stage-cached', stage: 'dataset:d', key: 'k2' }, 3),
    ev({ type: 'metric', stage: 'train:mlp', name: 'loss', value: 0.5, epoch: 0 }, 4),
    ev({ type: 'metric', stage: 'train:mlp', name: 'loss', value: 0.4, epoch: 1 }, 5),
    ev({ type: 'stage-failed', stage: 'train:mlp', code: 'nan-loss', message: 'loss became NaN' }, 6),
    ev({ type: 'run-finished', status: 'failed', seconds: 6 }, 6),
  ].join(''));
  assert.equal(s.status, 'failed');
  assert.deepEqual(s.epochs.map((e) => e.value), [0.5, 0.4]);
  assert.equal(describe(s), 'train:mlp failed: loss became NaN');
  assert.equal(fraction(s), 1);
});

test('progress: lines split across chunks', () => {
  const b = new LineBuffer();
  assert.deepEqual(b.push('{"a":1}\n{"b"'), ['{"a":1}']);
  assert.deepEqual(b.push(':2}\n'), ['{"b":2}']);
  assert.deepEqual(b.flush(), []);
});

test('re-attach: tail the progress file from the last run, across torn writes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hml-reattach-'));
  try {
    const analysis = join(dir, 'x.hml.yaml');
    const runDir = runDirOf(analysis);
    assert.equal(runDir, join(dir, '.hml', 'x'));
    mkdirSync(runDir, { recursive: true });
    const file = join(runDir, 'progress.ndjson');
    // an old finished run, then a new one that is going
    writeFileSync(file, plan(0) + ev({ type: 'run-finished', status: 'success', seconds: 1 }, 1) + plan(10) + ev({ type: 'stage-started', stage: 'generate:sig', key: 'k1' }, 11));
    assert.ok(lastPlanOffset(readFileSync(file, 'utf8')) > 0);
    const tail = new ProgressTail(file, 'last-run');
    tail.poll();
    assert.equal(tail.state.status, 'running', 'the old run-finished belongs to the previous run');
    assert.equal(tail.state.started, t(10));
    const line = ev({ type: 'stage-finished', stage: 'generate:sig', key: 'k1', seconds: 3 }, 14);
    appendFileSync(file, line.slice(0, 20)); // torn: waits
    assert.equal(tail.poll(), 0);
    appendFileSync(file, line.slice(20) + ev({ type: 'run-finished', status: 'success', seconds: 5 }, 15));
    assert.equal(tail.poll(), 2);
    assert.equal(tail.state.status, 'success');
    assert.equal(tail.state.stages.get('generate:sig')?.seconds, 3);
    assert.equal(lastRunState(runDir)?.status, 'success');

    // a new tail at 'end' sees only what comes after it
    const fresh = new ProgressTail(file, 'end');
    appendFileSync(file, plan(20));
    fresh.poll();
    assert.equal(fresh.state.started, t(20));

    // the lock: alive only for a live pid on this host
    assert.equal(liveRun(runDir), undefined);
    writeFileSync(join(runDir, 'lock'), JSON.stringify({ pid: process.pid, host: hostname(), started: t(0) }));
    assert.equal(liveRun(runDir)?.pid, process.pid);
    writeFileSync(join(runDir, 'lock'), JSON.stringify({ pid: process.pid, host: 'elsewhere', started: t(0) }));
    assert.equal(liveRun(runDir), undefined);
    const dead = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(join(runDir, 'lock'), JSON.stringify({ pid: dead, host: hostname(), started: t(0) }));
    assert.equal(liveRun(runDir), undefined, 'a dead pid is a stale lock');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('history: keeps the newest runs and compares two', async () => {
  const mem = new Map<string, unknown>();
  const h = new RunHistory({ get: <T>(k: string) => mem.get(k) as T | undefined, update: (k, v) => void mem.set(k, v) }, 2);
  const run1 = applyText(emptyRun(), plan(0) + ev({ type: 'stage-finished', stage: 'train:mlp', key: 'k3', seconds: 4 }, 4) + ev({ type: 'run-finished', status: 'success', seconds: 4 }, 4));
  const r2 = structuredClone(fixtureResults);
  r2.methods[1].metrics.find((m) => m.name === 'auc')!.value = 0.8;
  const run2 = applyText(emptyRun(), plan(100) + ev({ type: 'run-finished', status: 'success', seconds: 2 }, 102));
  const run3 = applyText(emptyRun(), plan(200) + ev({ type: 'run-finished', status: 'cancelled', seconds: 1 }, 201));
  await h.add(entryFrom(run1, fixtureResults, '/a/x.hml.yaml'));
  await h.add(entryFrom(run2, r2, '/a/x.hml.yaml'));
  await h.add(entryFrom(run3, undefined, '/a/x.hml.yaml'));
  const list = h.list('/a/x.hml.yaml');
  assert.deepEqual(list.map((e) => e.started), [t(100), t(200)], 'limit 2, newest kept');
  const cmp = compareEntries(entryFrom(run1, fixtureResults, 'x'), list[0]);
  const auc = cmp.metrics.find((m) => m.method === 'bdt' && m.metric === 'auc')!;
  assert.equal(auc.b, 0.8);
  assert.ok(Math.abs(auc.delta! - (0.8 - fixtureResults.methods[1].metrics.find((m) => m.name === 'auc')!.value!)) < 1e-12);
  assert.match(comparisonMarkdown(cmp), /\| bdt \| auc \| 0\.7378 \| 0\.8000 \| \+0\.06/);
});

test('tree: states from hml status, overridden by a live run, with the latest metric', () => {
  const status: StatusJson = { analysis: '/a/x.hml.yaml', runDir: '/a/.hml/x', running: null, stages: [
    { stage: 'generate:wjets', kind: 'generate', key: 'a', status: 'up-to-date', needs: [], dir: '' },
    { stage: 'dataset:features', kind: 'dataset', key: 'b', status: 'stale', needs: [], dir: '' },
    { stage: 'train:bdt', kind: 'train', key: 'c', status: 'up-to-date', needs: [], dir: '' },
    { stage: 'train:mlp', kind: 'train', key: 'd', status: 'failed', needs: [], dir: '', error: { code: 'x', message: 'boom' } },
    { stage: 'evaluate', kind: 'evaluate', key: 'e', status: 'stale', needs: [], dir: '' },
  ] };
  const nodes = buildTree({ status, results: fixtureResults });
  assert.deepEqual(nodes.map((n) => n.label), ['Samples', 'Datasets', 'Methods', 'evaluate']);
  const methods = nodes[2].children!;
  assert.equal(methods[0].state, 'up-to-date');
  assert.equal(methods[0].description, `auc ${fixtureResults.methods[1].metrics.find((m) => m.name === 'auc')!.value!.toFixed(3)}`);
  assert.equal(methods[1].state, 'failed');
  assert.equal(nodes[1].children![0].state, 'stale');
  const live = applyText(emptyRun(), ev({ type: 'plan', analysis: 'x', stages: [{ stage: 'dataset:features', key: 'b', state: 'stale', needs: [] }] }) + ev({ type: 'stage-started', stage: 'dataset:features', key: 'b' }) + ev({ type: 'progress', stage: 'dataset:features', done: 3, total: 10, unit: 'events' }));
  const n2 = buildTree({ status, results: fixtureResults, live });
  assert.deepEqual([n2[1].children![0].state, n2[1].children![0].description], ['running', '3/10 events']);
  // names from the language server before any run (no status yet)
  const n3 = buildTree({ names: { samples: ['s'], datasets: [], methods: ['m'] } });
  assert.deepEqual([n3[0].children![0].state, n3[2].children![0].label], ['unknown', 'm']);
});

test('tasks: definitions to CLI arguments; the problem matcher matches real hml validate output', () => {
  assert.deepEqual(taskArgs({ type: 'hml', command: 'run', file: 'a.hml.yaml', stage: 'train:bdt', force: true }, { workers: 4 }), ['run', 'a.hml.yaml', '--stage', 'train:bdt', '--force', '--threads', '4', '--progress', 'bars']);
  assert.deepEqual(taskArgs({ type: 'hml', command: 'validate', file: 'a.hml.yaml' }), ['validate', 'a.hml.yaml']);
  assert.deepEqual(tasksFor('a.hml.yaml', ['generate:s']).map((d) => [d.command, d.stage]), [['validate', undefined], ['run', undefined], ['run', 'generate:s'], ['export', undefined]]);

  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { contributes: { problemMatchers: { name: string; pattern: { regexp: string } }[]; taskDefinitions: { type: string }[] } };
  const pm = pkg.contributes.problemMatchers.find((p) => p.name === 'hml')!;
  assert.equal(pm.pattern.regexp, VALIDATE_LINE.source, 'package.json matcher = extension/logic/tasks.ts pattern');
  assert.equal(pkg.contributes.taskDefinitions[0].type, 'hml');

  // a real `hml validate` run on a broken file
  const dir = mkdtempSync(join(tmpdir(), 'hml-validate-'));
  try {
    const f = join(dir, 'bad.hml.yaml');
    writeFileSync(f, 'hml: 1\nname: bad\nseed: 1\nsamples:\n  s:\n    label: signal\n    generator: { engine: builtin, process: no-such-process, events: 10 }\n');
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', 'validate', f], { cwd: new URL('../..', import.meta.url).pathname, encoding: 'utf8' });
    const diags = `${r.stdout}\n${r.stderr}`.split('\n').map(parseValidateLine).filter((d) => d !== undefined);
    assert.ok(diags.length > 0, `no diagnostics parsed from:\n${r.stdout}${r.stderr}`);
    assert.equal(diags[0]!.file, f);
    assert.ok(diags.some((d) => d!.severity === 'error' && d!.line >= 1 && d!.column >= 1 && d!.code));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(parseValidateLine('a b.hml.yaml:3:7: warning: unused dataset [unused-dataset]'), { file: 'a b.hml.yaml', line: 3, column: 7, severity: 'warning', message: 'unused dataset', code: 'unused-dataset' });
});
