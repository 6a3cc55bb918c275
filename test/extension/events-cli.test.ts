/**
 * `hml events` (the event display's feed): Phoenix events of a generated sample with the analysis'
 * reconstruction applied, the requested window of events, GeV units; and `--madgraph5`, the dry run of a
 * MadGraph5 sample (the extension's "Show MadGraph5 Script").
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { readPhoenixFile } from '../../webviews/event-display/phoenix';

const root = new URL('../..', import.meta.url).pathname;
const hml = (...args: string[]): { code: number | null; out: string; err: string } => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'cli/main.ts', ...args], { cwd: root, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { code: r.status, out: r.stdout, err: r.stderr };
};

test('hml events: a window of reconstructed events as Phoenix JSON, read back by the display', () => {
  const dir = mkdtempSync(join(tmpdir(), 'hml-events-'));
  try {
    const f = join(dir, 'ev.hml.yaml');
    writeFileSync(f, `hml: 1\nname: ev\nseed: 3\nsamples:\n  w:\n    label: signal\n    generator: { engine: builtin, process: w-jets, events: 40, pt: [250, 300] }\n  q:\n    label: background\n    generator: { engine: builtin, process: qcd-jets, events: 40, pt: [250, 300] }\nreconstruction:\n  fatjet: { algorithm: antikt, r: 1.0, min_pt: 200, max_eta: 2.0 }\ndatasets:\n  d:\n    type: set\n    observables: [fatjet0.mass]\n    split: { train: 0.7, test: 0.3 }\nmethods:\n  c: { type: cut-and-count, dataset: d }\n`);
    const before = hml('events', f, '--sample', 'w');
    assert.equal(before.code, 1);
    assert.match(before.err, /run .*--stage generate:w/);
    assert.equal(hml('run', f, '--stage', 'generate:w', '--progress', 'none', '--threads', '1').code, 0);
    const r = hml('events', f, '--sample', 'w', '--from', '5', '--count', '3', '--units', 'GeV');
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as { sample: string; from: number; total: number; events: Record<string, Record<string, unknown>> };
    assert.deepEqual([j.sample, j.from, j.total, Object.keys(j.events)], ['w', 5, 40, ['Event 5', 'Event 6', 'Event 7']]);
    const shown = readPhoenixFile(j.events);
    assert.deepEqual(shown.map((e) => e.number), [5, 6, 7]);
    const fat = shown[0].objects.filter((o) => o.collection === 'fatjet');
    assert.ok(fat.length >= 1 && fat[0].radius === 1 && fat[0].pt > 150 && fat[0].pt < 600, 'fat jets from `reconstruction:`, GeV');
    assert.ok(shown[0].objects.some((o) => o.kind === 'track'));
    assert.equal(hml('events', f, '--sample', 'nope').code, 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hml events --madgraph5: the dry run of a MadGraph5 sample; a built-in sample is refused', () => {
  const r = hml('events', 'examples/zjets-vs-qcd-madgraph.hml.yaml', '--madgraph5');
  assert.equal(r.code, 0, r.err);
  assert.match(r.out, /generate p p > /);
  assert.match(r.out, /launch -i /);
  const b = hml('events', 'examples/wjets-vs-qcd.hml.yaml', '--madgraph5');
  assert.equal(b.code, 2);
  assert.match(b.err, /not generated with MadGraph5/);
});
