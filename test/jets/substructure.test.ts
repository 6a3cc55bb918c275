/**
 * Substructure: τN with FastJet's own exclusive-kt axes (fastjet-ref --tau), the Delphes-stored Tau[5] and
 * SoftDroppedP4 of the shared fixture recomputed from constituents, analytic cases, and IRC safety as properties.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { cluster } from '../../core/jets/cluster';
import { energyCorrelation, nsubjettiness, softDrop, type Particles } from '../../core/jets/substructure';
import { openEventFile } from '../../core/sources/open';
import { Rng } from '../../core/util/random';
import { buildFastjetRef, formatEvents, generateEvent, parseRefOutput, runFastjetRef, type TextEvent } from './fastjet-ref';

const bin = buildFastjetRef();
const DELPHES = new URL('../../../shared/fixtures/delphes/delphes_cms_10ev.root', import.meta.url).pathname;

function v(pt: number, eta: number, phi: number): [number, number, number, number] {
  const px = pt * Math.cos(phi), py = pt * Math.sin(phi), pz = pt * Math.sinh(eta);
  return [px, py, pz, Math.hypot(px, py, pz)];
}

function particles(list: number[][]): Particles & { n: number } {
  return {
    n: list.length,
    px: Float64Array.from(list, (p) => p[0]),
    py: Float64Array.from(list, (p) => p[1]),
    pz: Float64Array.from(list, (p) => p[2]),
    e: Float64Array.from(list, (p) => p[3]),
  };
}

const all = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);
const rel = (a: number, b: number): number => Math.abs(a - b) / Math.max(Math.abs(b), 1e-300);

test('τN with exclusive-kt axes equals the value computed with FastJet\'s own axes', { skip: bin === null ? 'no FastJet' : false }, () => {
  const rng = new Rng(21);
  const events: TextEvent[] = Array.from({ length: 6 }, () => generateEvent(rng, 400, 3, 3));
  const ref = parseRefOutput(runFastjetRef(bin as string, ['antikt', '0.8', '30', '--tau'], formatEvents(events)));
  let compared = 0;
  events.forEach((ev, i) => {
    const cs = cluster(ev.px, ev.py, ev.pz, ev.e, { algorithm: 'antikt', r: 0.8 });
    const jets = cs.inclusiveJets(30);
    assert.equal(jets.length, ref[i].length);
    jets.forEach((j, k) => {
      const tau = nsubjettiness(ev, cs.constituents(j), 0.8, { axes: 'kt' });
      const t = ref[i][k].tau as number[];
      for (let n = 0; n < 5; n++) {
        assert.ok(Math.abs(tau[n] - t[n]) <= 1e-9 * Math.max(t[n], 1e-3), `event ${i} jet ${k} tau${n + 1}: ${tau[n]} vs ${t[n]}`);
        compared++;
      }
    });
  });
  assert.ok(compared >= 30);
});

test('Delphes fixture: τ1..τ5 (onepass_kt, R0 = 0.8) and the soft-drop four-vector recomputed from constituents', { skip: existsSync(DELPHES) ? false : 'no Delphes fixture' }, async () => {
  const f = await openEventFile(DELPHES, { collections: ['fatjet'] });
  let jets = 0;
  for await (const b of f.batches()) {
    const fj = b.collections.get('fatjet');
    if (!fj?.constituents) continue;
    const src = b.collections.get(fj.constituents.source);
    assert.ok(src, 'constituent collection present');
    for (let j = 0; j < fj.px.length; j++) {
      const rows = fj.constituents.index.subarray(fj.constituents.offsets[j], fj.constituents.offsets[j + 1]);
      const tau = nsubjettiness(src, rows, 0.8);
      for (let n = 0; n < 5; n++) {
        const stored = fj.fields[`tau${n + 1}`][j];
        // float32 storage and Nsubjettiness' own stopping point of the axis minimisation
        assert.ok(Math.abs(tau[n] - stored) <= 1e-3 * stored + 1e-6, `fat jet ${j} tau${n + 1}: ${tau[n]} vs stored ${stored}`);
      }
      const sd = softDrop(src, rows, 0.8);
      for (const [ours, key] of [[sd.px, 'sd_px'], [sd.py, 'sd_py'], [sd.pz, 'sd_pz'], [sd.e, 'sd_e']] as const) {
        const stored = fj.fields[key][j];
        assert.ok(Math.abs(ours - stored) <= 1e-4 * Math.abs(sd.e), `fat jet ${j} ${key}: ${ours} vs ${stored}`);
      }
      jets++;
    }
  }
  assert.ok(jets >= 5, `compared ${jets} fat jets`);
});

test('analytic cases: τN = 0 with ≤ N constituents, n narrow prongs give small τn, e2/e3/D2 by hand, soft drop', () => {
  const one = particles([v(100, 0, 0)]);
  assert.deepEqual(Array.from(nsubjettiness(one, all(1), 0.8)), [0, 0, 0, 0, 0]);
  const two = particles([v(100, 0, 0), v(50, 0.3, 0.4)]);
  const t2 = nsubjettiness(two, all(2), 0.8);
  assert.equal(t2[1], 0);
  // τ1 with kt axes = the jet axis: Σ pT ΔR to the sum's direction / (Σ pT R0)
  assert.ok(t2[0] > 0 && t2[0] < 0.5);
  // three narrow prongs: τ3 ≪ τ2
  const rng = new Rng(3);
  const list: number[][] = [];
  for (const [eta, phi] of [[0, 0], [0.4, 0.3], [-0.3, 0.35]]) for (let k = 0; k < 6; k++) list.push(v(20 + 10 * rng.uniform(), eta + 0.002 * rng.normal(), phi + 0.002 * rng.normal()));
  const prongs = particles(list);
  for (const axes of ['onepass_kt', 'kt', 'wta_kt'] as const) {
    const t = nsubjettiness(prongs, all(list.length), 0.8, { axes });
    assert.ok(t[2] < 0.01 && t[1] > 0.05 && t[0] > t[1], `${axes}: ${Array.from(t)}`);
  }
  // two particles: e3 = 0, e2 = z1 z2 ΔR^β
  const e = energyCorrelation(two, all(2), 1);
  const dr = Math.hypot(0.3, 0.4);
  assert.ok(rel(e.e2, (100 * 50) / 150 ** 2 * dr) < 1e-12 && e.e3 === 0 && e.d2 === 0);
  // three particles, by hand
  const three = particles([v(60, 0, 0), v(30, 0.4, 0), v(10, 0, 0.3)]);
  const z = [0.6, 0.3, 0.1];
  const d01 = 0.4, d02 = 0.3, d12 = 0.5;
  for (const beta of [1, 2]) {
    const f = energyCorrelation(three, all(3), beta);
    const e2 = z[0] * z[1] * d01 ** beta + z[0] * z[2] * d02 ** beta + z[1] * z[2] * d12 ** beta;
    const e3 = z[0] * z[1] * z[2] * (d01 * d02 * d12) ** beta;
    assert.ok(rel(f.e2, e2) < 1e-9 && rel(f.e3, e3) < 1e-9, `beta ${beta}`);
    assert.ok(rel(f.d2, e3 / e2 ** 3) < 1e-9 && rel(f.c2, e3 / e2 ** 2) < 1e-9);
  }
  assert.ok(Number.isNaN(energyCorrelation(one, all(1), 1).d2));
  // soft drop: a soft wide particle (z < 0.1) is groomed away, two balanced prongs pass
  const groomed = particles([v(100, 0, 0), v(80, 0.2, 0.1), v(5, 0.7, -0.3)]);
  const sd = softDrop(groomed, all(3), 1.0);
  const m2 = (i: number, j: number): number => {
    const E = groomed.e[i] + groomed.e[j], x = groomed.px[i] + groomed.px[j], y = groomed.py[i] + groomed.py[j], zz = groomed.pz[i] + groomed.pz[j];
    return Math.sqrt(E * E - x * x - y * y - zz * zz);
  };
  assert.deepEqual(Array.from(sd.rows), [0, 1]);
  assert.ok(rel(sd.mass, m2(0, 1)) < 1e-9);
  assert.ok(sd.zg > 0.4 && sd.zg < 0.5);
  const kept = softDrop(particles([v(100, 0, 0), v(8, 0.2, 0.1)]), all(2), 1.0);
  assert.equal(kept.rows.length, 1, 'z = 0.074 < 0.1: groomed to the hard particle');
  assert.equal(kept.mass, 0);
});

/** The event with `nGhosts` particles of pT `g` GeV appended (random directions, |η| < 3). */
function addGhosts(ev: Particles & { n: number }, rng: Rng, nGhosts: number, g: number): Particles & { n: number } {
  const list = Array.from({ length: ev.n }, (_, i) => [ev.px[i], ev.py[i], ev.pz[i], ev.e[i]]);
  for (let k = 0; k < nGhosts; k++) list.push(v(g, rng.range(-3, 3), rng.range(-Math.PI, Math.PI)));
  return particles(list);
}

/** Each particle with i % 3 = 0 split into 0.3 and 0.7 of itself (exactly collinear); `of` maps back. */
function splitCollinear(ev: Particles & { n: number }): { ev: Particles & { n: number }; of: number[] } {
  const list: number[][] = [], of: number[] = [];
  for (let i = 0; i < ev.n; i++) {
    const p = [ev.px[i], ev.py[i], ev.pz[i], ev.e[i]];
    const parts = i % 3 === 0 ? [p.map((x) => 0.3 * x), p.map((x) => 0.7 * x)] : [p];
    for (const q of parts) {
      list.push(q);
      of.push(i);
    }
  }
  return { ev: particles(list), of };
}

/** Substructure values of a jet: τ1..τ5 for three axis choices, D2 (β = 1, 2), sd_mass. */
function substructure(ev: Particles, rows: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (const axes of ['onepass_kt', 'kt', 'wta_kt'] as const) out.push(...nsubjettiness(ev, rows, 0.8, { axes }));
  out.push(energyCorrelation(ev, rows, 1).d2, energyCorrelation(ev, rows, 2).d2, softDrop(ev, rows, 0.8).mass);
  return out;
}

test('IRC safety: soft ghosts and collinear splits leave jets, τN, D2 and sd_mass unchanged', () => {
  const rng = new Rng(77);
  const base = generateEvent(rng, 250, 2.5, 3);
  const n = base.px.length;
  const ev = particles(Array.from({ length: n }, (_, i) => [base.px[i], base.py[i], base.pz[i], base.e[i]]));
  const cs0 = cluster(ev.px, ev.py, ev.pz, ev.e, { algorithm: 'antikt', r: 0.8 });
  const j0 = cs0.inclusiveJets(1);
  const hard = Array.from(j0).filter((j) => cs0.pt(j) > 50 && cs0.constituents(j).length >= 6);
  assert.ok(hard.length >= 2);
  const ref = hard.map((j) => substructure(ev, cs0.constituents(j)));
  // ghosts: 1e-6 GeV (the jets' constituents and kinematics net of the ghosts must not move; substructure moves
  // only by O(Σ ghost pT / jet pT) ≈ 1e-7 for 60 ghosts) and 1e-10 GeV (substructure unchanged to 1e-9)
  for (const g of [1e-6, 1e-10]) {
    const evG = addGhosts(ev, rng, 60, g);
    const csG = cluster(evG.px, evG.py, evG.pz, evG.e, { algorithm: 'antikt', r: 0.8 });
    const jG = csG.inclusiveJets(1);
    assert.equal(jG.length, j0.length, `ghosts ${g}: number of jets`);
    for (let k = 0; k < j0.length; k++) {
      const consG = Array.from(csG.constituents(jG[k]));
      assert.deepEqual(consG.filter((c) => c < n).sort((a, b) => a - b), Array.from(cs0.constituents(j0[k])).sort((a, b) => a - b), `ghosts ${g}: jet ${k} hard constituents`);
      let gx = 0, gy = 0;
      for (const c of consG) if (c >= n) {
        gx += evG.px[c];
        gy += evG.py[c];
      }
      assert.ok(Math.abs(csG.px[jG[k]] - gx - cs0.px[j0[k]]) <= 1e-9 * cs0.pt(j0[k]) && Math.abs(csG.py[jG[k]] - gy - cs0.py[j0[k]]) <= 1e-9 * cs0.pt(j0[k]), `ghosts ${g}: jet ${k} momentum net of ghosts`);
    }
    hard.forEach((j, h) => {
      const k = Array.from(j0).indexOf(j);
      const vals = substructure(evG, csG.constituents(jG[k]));
      // a change linear in the ghosts' total pT relative to the jet's (measured ≈ 1.1×), i.e. ≤ 1e-9 at 1e-10 GeV
      const tol = 1e-9 + (3 * 60 * g) / cs0.pt(j);
      vals.forEach((x, q) => assert.ok(Math.abs(x - ref[h][q]) <= tol * Math.max(1, Math.abs(ref[h][q])), `ghosts ${g}: jet ${k} value ${q}: ${x} vs ${ref[h][q]}`));
    });
  }
  // collinear splits: same jets (as sets of original particles), same substructure to 1e-9
  const { ev: evC, of } = splitCollinear(ev);
  const csC = cluster(evC.px, evC.py, evC.pz, evC.e, { algorithm: 'antikt', r: 0.8 });
  const jC = csC.inclusiveJets(1);
  assert.equal(jC.length, j0.length);
  for (let k = 0; k < j0.length; k++) {
    const back = Array.from(new Set(Array.from(csC.constituents(jC[k]), (c) => of[c]))).sort((a, b) => a - b);
    assert.deepEqual(back, Array.from(cs0.constituents(j0[k])).sort((a, b) => a - b), `collinear: jet ${k} particles`);
    assert.ok(Math.abs(csC.pt(jC[k]) - cs0.pt(j0[k])) <= 1e-9 * cs0.pt(j0[k]));
  }
  hard.forEach((j, h) => {
    const k = Array.from(j0).indexOf(j);
    const vals = substructure(evC, csC.constituents(jC[k]));
    vals.forEach((x, q) => {
      assert.ok(Math.abs(x - ref[h][q]) <= 1e-9 * Math.max(1, Math.abs(ref[h][q])), `collinear: jet ${k} value ${q}: ${x} vs ${ref[h][q]}`);
    });
  });
});
