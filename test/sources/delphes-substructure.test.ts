// The physics core's substructure (core/jets) recomputed from the constituents that the Delphes reader resolves
// must reproduce what Delphes stored in the file: FatJet.Tau[5] (N-subjettiness, one-pass kt axes, β = 1,
// R0 = 0.8 in the CMS card) and SoftDroppedP4[0] (soft drop, z_cut = 0.1, β = 0).
//
// Tolerances: the soft-drop four-vector is exact (float storage, ~1e-8 here), asserted at 1e-6. τ1 and τ2 agree
// to ~1e-4 relative; τ3…τ5, small numbers whose one-pass axis minimisation (fjcontrib Nsubjettiness in Delphes)
// stops at a finite accuracy, agree to ~1e-3 relative (largest seen: 7e-4 for τ4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nsubjettiness, softDrop } from '../../core/jets/substructure';
import { openDelphes } from '../../core/sources/delphes';
import { DELPHES_FILE } from './helpers';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
const TAU_TOLERANCE = [2e-4, 2e-4, 1e-3, 1e-3, 1e-3];

test('FatJet Tau[5] and SoftDroppedP4 recomputed from the resolved constituents match the stored values', async () => {
  const f = await openDelphes(DELPHES_FILE, { collections: ['fatjet'], batchSize: 10 });
  let jets = 0;
  for await (const b of f.batches()) {
    const fj = b.collections.get('fatjet')!;
    const cons = b.collections.get('constituent')!;
    const cr = fj.constituents!;
    for (let j = 0; j < fj.px.length; j++) {
      const rows = cr.index.subarray(cr.offsets[j], cr.offsets[j + 1]);
      const tau = nsubjettiness(cons, rows, 0.8, { axes: 'onepass_kt', beta: 1, maxN: 5 });
      for (let n = 0; n < 5; n++) {
        const stored = fj.fields[`tau${n + 1}`][j];
        assert.ok(rel(tau[n], stored) < TAU_TOLERANCE[n], `jet ${j}: tau${n + 1} = ${tau[n]} vs stored ${stored}`);
      }
      const sd = softDrop(cons, rows, 0.8, { zcut: 0.1, beta: 0 });
      for (const [k, v] of [['sd_px', sd.px], ['sd_py', sd.py], ['sd_pz', sd.pz], ['sd_e', sd.e]] as const) {
        const stored = fj.fields[k][j];
        assert.ok(Math.abs(v - stored) <= 1e-6 * fj.fields.sd_e[j], `jet ${j}: ${k} = ${v} vs stored ${stored}`);
      }
      assert.ok(rel(sd.mass, fj.fields.sd_mass[j]) < 1e-6, `jet ${j}: soft-drop mass ${sd.mass} vs ${fj.fields.sd_mass[j]}`);
      jets++;
    }
  }
  assert.equal(jets, 6);
});
