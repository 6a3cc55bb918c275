import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openHepmc3, writeHepmc3 } from '../../core/sources/hepmc3';
import { openEventFile } from '../../core/sources/open';
import type { SourceEventBatch } from '../../core/sources/types';
import { HmlError } from '../../core/util/errors';
import { HEPMC3_FILE, runPeer, scratch } from './helpers';

interface PeerView {
  events: { weights: number[]; xs?: [number, number]; particles: number[][] }[];
  names: string[];
  totals: [number, number, number];
}

/** Parses what test/fixtures/hepmc3-peer.cc prints for `read`. */
function peerRead(path: string): PeerView {
  const view: PeerView = { events: [], names: [], totals: [0, 0, 0] };
  for (const line of runPeer(['read', path]).split('\n')) {
    const t = line.trim().split(/\s+/);
    if (t[0] === 'E') {
      const xi = t.indexOf('xs');
      view.events.push({ weights: t.slice(2, xi < 0 ? undefined : xi).map(Number), xs: xi < 0 ? undefined : [Number(t[xi + 1]), Number(t[xi + 2])], particles: [] });
    } else if (t[0] === 'P') view.events[view.events.length - 1].particles.push(t.slice(1).map(Number));
    else if (t[0] === 'N') view.names = t.slice(1);
    else if (t[0] === 'T') view.totals = [Number(t[1]), Number(t[2]), Number(t[3])];
  }
  return view;
}

async function collect(path: string): Promise<SourceEventBatch[]> {
  const f = await openEventFile(path, { batchSize: 32 });
  const out: SourceEventBatch[] = [];
  for await (const b of f.batches()) out.push(b);
  return out;
}

/** [pid, px, py, pz, e] per final-state particle, per event. */
function flatten(batches: SourceEventBatch[]): number[][][] {
  const events: number[][][] = [];
  for (const b of batches) {
    const p = b.collections.get('particle')!;
    for (let i = 0; i < b.size; i++) {
      const rows: number[][] = [];
      for (let r = p.offsets[i]; r < p.offsets[i + 1]; r++) rows.push([p.fields.pdg_id[r], p.px[r], p.py[r], p.pz[r], p.e[r]]);
      events.push(rows);
    }
  }
  return events;
}

test('HepMC3: the shared file is read exactly as Debian HepMC3 reads it (100 events, 400 final-state particles, momenta)', async () => {
  const peer = peerRead(HEPMC3_FILE);
  assert.deepEqual(peer.totals, [100, 1200, 400]);
  const f = await openHepmc3(HEPMC3_FILE);
  assert.equal(f.nEvents, 100);
  assert.equal(f.info.particles, 1200);
  const batches = await collect(HEPMC3_FILE);
  const ours = flatten(batches);
  assert.equal(ours.length, 100);
  assert.equal(ours.flat().length, 400);
  for (let i = 0; i < 100; i++) assert.deepEqual(ours[i], peer.events[i].particles, `event ${i}`);
  // σ: the last event's GenCrossSection (pb), Σw = σ
  assert.equal(f.crossSection?.value, peer.events[99].xs![0]);
  const sw = batches.reduce((s, b) => s + b.weights.reduce((a, w) => a + w, 0), 0);
  assert.ok(Math.abs(sw - f.crossSection!.value) < 1e-9 * sw);
});

test('HepMC3: a file written by HepMC3 in MEV with named weights is read in GeV with its weight names', async () => {
  const dir = scratch('hepmc3-peer');
  const path = join(dir, 'peer.hepmc3');
  runPeer(['write', path]);
  const f = await openHepmc3(path);
  assert.deepEqual(f.info.weightNames, ['nominal', 'mur2']);
  assert.deepEqual(f.crossSection, { value: 12.5, error: 0.25 });
  const batches = await collect(path);
  const b = batches[0];
  assert.equal(b.size, 3);
  assert.deepEqual(Array.from(b.namedWeights!.get('nominal')!), [1.5, 2.5, 3.5]);
  assert.deepEqual(Array.from(b.namedWeights!.get('mur2')!), [0.75, 1.5, 2.25]);
  // nominal weights normalised: Σw = σ = 12.5 pb, shape kept
  assert.ok(Math.abs(b.weights[0] - (12.5 * 1.5) / 7.5) < 1e-12);
  const p = b.collections.get('particle')!;
  assert.equal(p.offsets[1], 3);
  assert.equal(p.px[0], 40); // 40000 MeV
  assert.equal(p.pz[1], 1.5005);
  assert.equal(p.fields.charge[0], -1);
  assert.deepEqual(flatten(batches), peerRead(path).events.map((e) => e.particles));
});

test('HepMC3 writer: Debian HepMC3 reads back what we write (plain and gzip), weights and cross section included', async () => {
  const dir = scratch('hepmc3-write');
  const src = await openHepmc3(HEPMC3_FILE);
  const out = join(dir, 'ours.hepmc3');
  const r = await writeHepmc3(out, src.batches(), { crossSection: src.crossSection });
  assert.equal(r.events, 100);
  const peer = peerRead(out);
  assert.deepEqual(peer.totals, [100, 400, 400]);
  const ours = flatten(await collect(HEPMC3_FILE));
  for (let i = 0; i < 100; i++) assert.deepEqual(peer.events[i].particles, ours[i]);
  assert.deepEqual(peer.events[0].xs, [src.crossSection!.value, src.crossSection!.error]);
  assert.deepEqual(peer.names, ['nominal']);
  // gzip: our reader reads it back identically
  const gz = join(dir, 'ours.hepmc3.gz');
  await writeHepmc3(gz, src.batches(), { crossSection: src.crossSection });
  assert.deepEqual(flatten(await collect(gz)), ours);
  assert.deepEqual(readdirSync(dir).sort(), ['ours.hepmc3', 'ours.hepmc3.gz']); // no temporary files left
});

test('HepMC3 writer leaves nothing behind when the input fails halfway', async () => {
  const dir = scratch('hepmc3-fail');
  const out = join(dir, 'half.hepmc3');
  const src = await openHepmc3(HEPMC3_FILE, { batchSize: 10 });
  async function* failing() {
    let k = 0;
    for await (const b of src.batches()) {
      if (k++ === 3) throw new HmlError('test-failure', 'input failed');
      yield b;
    }
  }
  await assert.rejects(writeHepmc3(out, failing()), /input failed/);
  assert.equal(existsSync(out), false);
  assert.deepEqual(readdirSync(dir), []);
});

test('HepMC3: a last event without the footer is kept; a cut-off event is an error with its number', async () => {
  const dir = scratch('hepmc3-bad');
  const text = readFileSync(HEPMC3_FILE, 'utf8');
  const noFooter = join(dir, 'nofooter.hepmc3');
  writeFileSync(noFooter, text.replace(/HepMC::Asciiv3-END_EVENT_LISTING\s*$/, ''));
  assert.equal(flatten(await collect(noFooter)).length, 100);

  const lines = text.split('\n');
  let lastE = -1;
  lines.forEach((l, i) => {
    if (l.startsWith('E ')) lastE = i;
  });
  const cut = join(dir, 'cut.hepmc3.gz');
  writeFileSync(cut, gzipSync(lines.slice(0, lastE + 8).join('\n') + '\n'));
  await assert.rejects(collect(cut), (e: unknown) => {
    assert.ok(e instanceof HmlError);
    assert.equal(e.code, 'hepmc3-truncated-event');
    assert.equal(e.location?.event, 99);
    assert.equal(e.location?.file, cut);
    return true;
  });

  const wrong = join(dir, 'wrong.hepmc3');
  writeFileSync(wrong, 'HepMC::Version 2.06.09\nHepMC::IO_GenEvent-START_EVENT_LISTING\nE 1 2 3\n');
  await assert.rejects(openHepmc3(wrong), (e: unknown) => e instanceof HmlError && e.code === 'hepmc3-unsupported-version');
  const gzCut = join(dir, 'cut2.hepmc3.gz');
  const gz = gzipSync(text);
  writeFileSync(gzCut, gz.subarray(0, gz.length >> 1));
  await assert.rejects(openEventFile(gzCut), (e: unknown) => e instanceof HmlError && e.code === 'gzip-corrupt');
});
