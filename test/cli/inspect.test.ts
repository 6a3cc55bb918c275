import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { run } from '../../cli/commands/inspect';
import { HmlError } from '../../core/util/errors';
import { DELPHES_FILE, HEPMC3_FILE, LHE_RUN01, REPO, scratch } from '../sources/helpers';

/** The real command line (one process start costs seconds under tsx, so only one test uses it). */
function hml(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'cli/main.ts'), ...args], { cwd: REPO, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The command in-process, with stdout / stderr captured. */
async function inspect(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  try {
    const code = await run(args, { out: (t) => void (stdout += t), err: (t) => void (stderr += t) });
    return { code, stdout, stderr };
  } catch (e) {
    if (e instanceof HmlError) return { code: e.exitCode, stdout, stderr: stderr + e.format() };
    throw e;
  }
}

test('hml inspect --format json on an LHE file through the real command line', () => {
  const lhe = hml(['inspect', LHE_RUN01, '--format', 'json']);
  assert.equal(lhe.code, 0, lhe.stderr);
  const l = JSON.parse(lhe.stdout);
  assert.equal(l.format, 'lhe');
  assert.equal(l.events, 100);
  assert.deepEqual(l.cross_section, { value: 503.647, error: 2.824566, unit: 'pb' });
  assert.deepEqual(l.collections.particle, { objects: 200, events_with: 100, mean_per_event: 2 });
  assert.ok(Math.abs(l.weights.sum - 503.647) < 1e-9);
  assert.equal(l.first_event.collections.particle[0].pdg_id, 6);
  assert.ok(Math.abs(l.first_event.collections.particle[0].mass - 173) < 1e-3);
});

test('hml inspect on HepMC3 and Delphes files, text output and usage errors', async () => {
  const h = JSON.parse((await inspect([HEPMC3_FILE, '--format=json'])).stdout);
  assert.equal(h.format, 'hepmc3');
  assert.equal(h.events, 100);
  assert.equal(h.collections.particle.objects, 400);
  const d = JSON.parse((await inspect([DELPHES_FILE, '--format', 'json', '--objects', '1'])).stdout);
  assert.equal(d.format, 'delphes');
  assert.equal(d.events, 10);
  assert.equal(d.cross_section, null);
  assert.equal(d.collections.fatjet.objects, 6);
  assert.equal(d.collections.fatjet.events_with, 4);
  assert.equal(d.first_event.collections.jet.length, 1);
  assert.ok(Math.abs(d.first_event.collections.jet[0].pt - 152.4578) < 1e-3);
  const t = await inspect([HEPMC3_FILE, '--max-events', '10']);
  assert.equal(t.code, 0);
  assert.match(t.stdout, /format\s+hepmc3/);
  assert.match(t.stdout, /events\s+10\n/);
  assert.equal((await inspect([])).code, 2);
  assert.equal((await inspect([HEPMC3_FILE, '--format', 'xml'])).code, 2);
  assert.equal((await inspect([HEPMC3_FILE, '--bogus'])).code, 2);
  const missing = await inspect(['/nonexistent/events.lhe']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /\/nonexistent\/events\.lhe.*\[file-not-found\]/);
});

test('hml inspect on a cut-off file: exit 2, file and event number, JSON error object', async () => {
  const dir = scratch('inspect');
  const cut = join(dir, 'cut.hepmc3');
  writeFileSync(cut, 'HepMC::Version 3.01.01\nHepMC::Asciiv3-START_EVENT_LISTING\nE 0 1 2\nU GEV MM\nP 1 0 11 0 0 1 1 0 1\n');
  const j = await inspect([cut, '--format', 'json']);
  assert.equal(j.code, 2);
  assert.equal(JSON.parse(j.stdout).error.event, 0);
  assert.equal(JSON.parse(j.stdout).error.code, 'hepmc3-truncated-event');
  assert.match(j.stderr, /cut\.hepmc3:\d+: event 0: the event .*cut off.*\[hepmc3-truncated-event\]/);
});
