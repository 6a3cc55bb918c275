import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEventFile } from '../../core/sources/open';
import { branchesToRead, checkRequestedClasses, openDelphes, type DelphesBranch } from '../../core/sources/delphes';
import type { SourceEventBatch } from '../../core/sources/types';
import type { Collection } from '../../core/physics/events';
import { HmlError } from '../../core/util/errors';
import { DELPHES_FILE, scratch } from './helpers';

async function all(opts = {}): Promise<SourceEventBatch[]> {
  const f = await openDelphes(DELPHES_FILE, { batchSize: 4, ...opts });
  const out: SourceEventBatch[] = [];
  for await (const b of f.batches()) out.push(b);
  return out;
}

const pt = (c: Collection, r: number) => Math.hypot(c.px[r], c.py[r]);
const mass = (c: Collection, r: number) => Math.sqrt(Math.max(0, c.e[r] ** 2 - c.px[r] ** 2 - c.py[r] ** 2 - c.pz[r] ** 2));

test('Delphes CMS-card file: object counts per branch', async () => {
  const f = await openEventFile(DELPHES_FILE);
  assert.equal(f.format, 'delphes');
  assert.equal(f.nEvents, 10);
  const counts: Record<string, number> = {};
  for await (const b of f.batches()) for (const [k, c] of b.collections) counts[k] = (counts[k] ?? 0) + c.px.length;
  assert.deepEqual(
    { jet: counts.jet, fatjet: counts.fatjet, electron: counts.electron, muon: counts.muon, photon: counts.photon, missinget: counts.missinget, eflowtrack: counts.eflowtrack, eflowphoton: counts.eflowphoton, eflowneutralhadron: counts.eflowneutralhadron, tower: counts.tower, genjet: counts.genjet, track: counts.track },
    { jet: 74, fatjet: 6, electron: 2, muon: 3, photon: 0, missinget: 10, eflowtrack: 803, eflowphoton: 555, eflowneutralhadron: 558, tower: 1439, genjet: 77, track: 803 },
  );
  // Particle keeps final-state particles only (the branch holds 14,696 of every status)
  assert.ok(counts.particle > 1000 && counts.particle < 14696);
});

test('Delphes values: jet kinematics, stored Tau[5], constituents, b-tag bit field, MET', async () => {
  const batches = await all({ collections: ['jet', 'fatjet', 'missinget'] });
  const b0 = batches[0];
  const jet = b0.collections.get('jet')!;
  const r = jet.offsets[0];
  assert.ok(Math.abs(pt(jet, r) - 152.4578) < 1e-3);
  assert.ok(Math.abs(mass(jet, r) - 13.3816) < 1e-3);
  assert.ok(Math.abs(Math.atan2(jet.py[r], jet.px[r]) - 1.60772) < 1e-5);
  assert.ok(Math.abs(Math.asinh(jet.pz[r] / pt(jet, r)) - 2.42737) < 1e-5);
  for (const v of jet.fields.b_tag) assert.ok(Number.isInteger(v) && v >= 0);
  const fj = b0.collections.get('fatjet')!;
  const j = fj.offsets[3];
  assert.ok(Math.abs(pt(fj, j) - 241.0757) < 1e-3);
  const taus = ['tau1', 'tau2', 'tau3', 'tau4', 'tau5'].map((k) => fj.fields[k][j]);
  [0.408943, 0.0737481, 0.0509406, 0.0348886, 0.0284474].forEach((t, i) => assert.ok(Math.abs(taus[i] - t) < 1e-6, `tau${i + 1}`));
  assert.equal(fj.constituents!.offsets[j + 1] - fj.constituents!.offsets[j], 26);
  assert.ok(fj.fields.sd_mass[j] > 0 && fj.fields.sd_mass[j] <= mass(fj, j) + 1e-6);
  const met = b0.collections.get('missinget')!;
  assert.equal(met.offsets[4] - met.offsets[0], 4);
  assert.ok(Math.abs(Math.hypot(met.px[3], met.py[3]) - met.fields.met[3]) < 1e-9);
});

test('Delphes constituents: every Jet/FatJet ref resolves; fat-jet constituent sums reproduce pT and mass, plain jets carry the JES factor', async () => {
  const batches = await all({ collections: ['jet', 'fatjet'] });
  let refs = 0;
  let fatjets = 0;
  const ratios: number[] = [];
  for (const b of batches) {
    const cons = b.collections.get('constituent')!;
    for (const name of ['jet', 'fatjet']) {
      const c = b.collections.get(name)!;
      const cr = c.constituents!;
      assert.equal(cr.source, 'constituent');
      refs += cr.index.length;
      for (let j = 0; j < c.px.length; j++) {
        let px = 0, py = 0, pz = 0, e = 0;
        for (let k = cr.offsets[j]; k < cr.offsets[j + 1]; k++) {
          const i = cr.index[k];
          assert.ok(cons.fields.kind[i] <= 2, 'CMS-card jets are built from EFlow objects');
          px += cons.px[i]; py += cons.py[i]; pz += cons.pz[i]; e += cons.e[i];
        }
        const sumPt = Math.hypot(px, py);
        const sumM = Math.sqrt(Math.max(0, e * e - px * px - py * py - pz * pz));
        if (name === 'fatjet') {
          fatjets++;
          assert.ok(Math.abs(sumPt / pt(c, j) - 1) < 1e-6, `fat jet pT ${pt(c, j)} vs ${sumPt}`);
          assert.ok(Math.abs(sumM / mass(c, j) - 1) < 1e-5, `fat jet mass ${mass(c, j)} vs ${sumM}`);
        } else ratios.push(pt(c, j) / sumPt);
      }
    }
  }
  assert.equal(refs, 1105);
  assert.equal(fatjets, 6);
  const off = ratios.filter((x) => Math.abs(x - 1) > 1e-3).length;
  assert.ok(off > ratios.length / 2, 'plain jets differ from their constituent sum by the JES factor');
});

test('Delphes: only the branches of the requested collections are read; missing names are empty collections', async () => {
  const f = await openDelphes(DELPHES_FILE, { collections: ['missinget', 'electron', 'nosuch'] });
  for await (const b of f.batches()) {
    assert.deepEqual([...b.collections.keys()].sort(), ['electron', 'missinget', 'nosuch']);
    assert.equal(b.collections.get('nosuch')!.px.length, 0);
  }
  const fake: DelphesBranch[] = [
    { branch: 'Jet', collection: 'jet', className: 'Jet', kind: 'jet' },
    { branch: 'MissingET', collection: 'missinget', className: 'MissingET', kind: 'met' },
    { branch: 'EFlowTrack', collection: 'eflowtrack', className: 'Track', kind: 'track' },
    { branch: 'Particle', collection: 'particle', className: 'GenParticle', kind: 'particle' },
    { branch: 'Vertex', collection: 'vertex', className: 'Vertex' },
  ];
  assert.deepEqual([...branchesToRead(fake, new Set(['missinget']), true).toRead].sort(), ['Event', 'MissingET']);
  assert.deepEqual([...branchesToRead(fake, new Set(['jet']), false).toRead].sort(), ['EFlowTrack', 'Jet']);
  assert.throws(() => checkRequestedClasses('x.root', fake, new Set(['vertex'])), (e: unknown) => e instanceof HmlError && e.code === 'delphes-unknown-class' && /Vertex/.test(e.message));
});

test('bad Delphes input: truncated ROOT file, not a ROOT file', async () => {
  const dir = scratch('delphes-bad');
  const cut = join(dir, 'cut.root');
  writeFileSync(cut, readFileSync(DELPHES_FILE).subarray(0, 400000));
  const origError = console.error;
  console.error = () => {}; // jsroot logs its own stack trace before rejecting
  try {
    await assert.rejects(openEventFile(cut), (e: unknown) => e instanceof HmlError && e.code === 'delphes-read-error' && e.location?.file === cut);
  } finally {
    console.error = origError;
  }
  const fake = join(dir, 'fake.root');
  writeFileSync(fake, 'not root at all');
  await assert.rejects(openDelphes(fake), (e: unknown) => e instanceof HmlError && e.code === 'delphes-bad-header');
});
