/**
 * Interop tests of core/jets/cluster against FastJet itself (Debian libfastjet, our copy of fastjet-ref built
 * in test/.cache). Jets must agree: same number, same constituents, pT / y / φ to 1e-9 relative, |Δm| ≤ 1e-9·E,
 * for every algorithm, several R, every strategy, exact ties, φ = ±π, |η| up to 5, 0 to 5,000 particles.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cluster, type JetAlgorithm, type JetDefinition, type Strategy, ClusterSequence } from '../../core/jets/cluster';
import { Rng } from '../../core/util/random';
import { buildFastjetRef, edgeEvents, formatEvents, generateEvent, generateTieEvent, parseRefOutput, runFastjetRef, type RefJet, type TextEvent } from './fastjet-ref';

const bin = buildFastjetRef();
const skip = bin === null ? 'g++ or libfastjet-dev not available' : false;

function close(a: number, b: number, rel: number, abs = 1e-12): boolean {
  return Math.abs(a - b) <= rel * Math.abs(b) + abs;
}

/** Compares our jets (pseudojet indices of `cs`) with fastjet-ref's printed jets (printed to 10 digits). */
function compareJets(cs: ClusterSequence, jets: Int32Array, ref: RefJet[], what: string): void {
  assert.equal(jets.length, ref.length, `${what}: number of jets`);
  for (let k = 0; k < jets.length; k++) {
    const j = jets[k], r = ref[k];
    const where = `${what}, jet ${k}`;
    // fastjet-ref prints 10 significant digits; the agreement itself is to the last bit (same arithmetic)
    assert.ok(close(cs.pt(j), r.pt, 1e-9), `${where}: pt ${cs.pt(j)} vs ${r.pt}`);
    assert.ok(close(cs.rap[j], r.rap, 1e-9, 1e-11), `${where}: rap ${cs.rap[j]} vs ${r.rap}`);
    const dphi = Math.abs(cs.phi[j] - r.phi);
    assert.ok(Math.min(dphi, 2 * Math.PI - dphi) <= 1e-9 * Math.max(1, r.phi), `${where}: phi ${cs.phi[j]} vs ${r.phi}`);
    assert.ok(Math.abs(cs.m(j) - r.m) <= 1e-9 * cs.e[j] + 5e-10 * Math.abs(r.m), `${where}: m ${cs.m(j)} vs ${r.m}`);
    const cons = Array.from(cs.constituents(j)).sort((a, b) => a - b);
    assert.equal(cons.length, r.nconst, `${where}: constituent count`);
    if (r.constituents) assert.deepEqual(cons, r.constituents, `${where}: constituents`);
  }
}

function eventSet(seed: number, sizes: number[], tieSizes: number[]): TextEvent[] {
  const rng = new Rng(seed);
  const events = edgeEvents();
  for (const n of sizes) events.push(generateEvent(rng, n));
  for (const nb of tieSizes) events.push(generateTieEvent(rng, nb));
  return events;
}

function refArgs(def: JetDefinition, ptmin: number, extra: string[] = []): string[] {
  const args = [def.algorithm, String(def.r), String(ptmin), '--constituents', '--strategy-name', ...extra];
  if (def.algorithm === 'genkt') args.push('--p', String(def.p));
  if (def.strategy) args.push('--strategy', def.strategy);
  return args;
}

function checkInclusive(events: TextEvent[], def: JetDefinition, ptmin: number): void {
  const input = formatEvents(events);
  const out = runFastjetRef(bin as string, refArgs(def, ptmin), input);
  const ref = parseRefOutput(out);
  const strategies = out.split('\n').filter((l) => l.startsWith('#strategy')).map((l) => l.split(' ')[1]);
  assert.equal(ref.length, events.length);
  events.forEach((ev, i) => {
    const cs = cluster(ev.px, ev.py, ev.pz, ev.e, def);
    const what = `${def.algorithm} R=${def.r}${def.p !== undefined ? ` p=${def.p}` : ''} ${def.strategy ?? 'best'} event ${i} (${ev.px.length} particles)`;
    if (ev.px.length > 0 && !def.strategy) assert.equal(cs.strategy, strategies[i], `${what}: strategy`);
    compareJets(cs, cs.inclusiveJets(ptmin), ref[i], what);
  });
}

const ALGS: JetDefinition[] = [
  { algorithm: 'antikt', r: 0.4 },
  { algorithm: 'kt', r: 0.4 },
  { algorithm: 'cambridge', r: 0.4 },
  { algorithm: 'antikt', r: 1.0 },
  { algorithm: 'kt', r: 0.8 },
  { algorithm: 'cambridge', r: 1.2 },
  { algorithm: 'genkt', r: 0.7, p: 0.5 },
  { algorithm: 'antikt', r: 1.8 },
];

test('inclusive jets equal FastJet for every algorithm and R (FastJet picks the strategy)', { skip }, () => {
  const events = eventSet(1, [3, 10, 31, 60, 120, 300, 450, 800, 1800], [4, 30, 150]);
  for (const def of ALGS) checkInclusive(events, def, 0);
  // a pT threshold, as users run it
  checkInclusive(events, { algorithm: 'antikt', r: 0.4 }, 20);
  checkInclusive(events, { algorithm: 'kt', r: 0.6 }, 5);
});

test('every strategy reproduces FastJet, exact ties included', { skip }, () => {
  const events = eventSet(2, [40, 250, 900], [10, 80, 250]);
  const strategies: Strategy[] = ['N2Plain', 'N2Tiled', 'N2MinHeapTiled', 'N2MHTLazy9', 'N2MHTLazy25'];
  for (const strategy of strategies) {
    for (const algorithm of ['antikt', 'kt', 'cambridge'] as JetAlgorithm[]) {
      for (const r of [0.4, 1.0]) checkInclusive(events, { algorithm, r, strategy }, 0);
    }
  }
});

test('5,000-particle events (pile-up scale) equal FastJet', { skip }, () => {
  const rng = new Rng(3);
  const events = [generateEvent(rng, 5000, 5, 4), generateTieEvent(rng, 1600)];
  checkInclusive(events, { algorithm: 'antikt', r: 0.4 }, 0);
  checkInclusive(events, { algorithm: 'antikt', r: 1.0 }, 0);
  checkInclusive(events, { algorithm: 'kt', r: 0.4 }, 0);
  checkInclusive(events, { algorithm: 'cambridge', r: 0.8 }, 0);
});

test('exclusive jets (n jets and dcut) and exclusive subjets equal FastJet', { skip }, () => {
  const events = eventSet(4, [20, 150, 600], [20]).filter((e) => e.px.length >= 4);
  const input = formatEvents(events);
  for (const def of [{ algorithm: 'kt', r: 1.0 }, { algorithm: 'cambridge', r: 0.8 }] as JetDefinition[]) {
    for (const nj of [1, 2, 4]) {
      const ref = parseRefOutput(runFastjetRef(bin as string, refArgs(def, 0, ['--exclusive-n', String(nj)]), input));
      events.forEach((ev, i) => {
        const cs = cluster(ev.px, ev.py, ev.pz, ev.e, def);
        compareJets(cs, cs.sortByPt(Array.from(cs.exclusiveJetsUpTo(nj))), ref[i], `${def.algorithm} exclusive n=${nj} event ${i}`);
      });
    }
    for (const dcut of [25, 400]) {
      const ref = parseRefOutput(runFastjetRef(bin as string, refArgs(def, 0, ['--exclusive-dcut', String(dcut)]), input));
      events.forEach((ev, i) => {
        const cs = cluster(ev.px, ev.py, ev.pz, ev.e, def);
        compareJets(cs, cs.sortByPt(Array.from(cs.exclusiveJetsDcut(dcut))), ref[i], `${def.algorithm} dcut=${dcut} event ${i}`);
      });
    }
  }
  for (const def of [{ algorithm: 'kt', r: 0.8 }, { algorithm: 'antikt', r: 0.8 }] as JetDefinition[]) {
    const ref = parseRefOutput(runFastjetRef(bin as string, refArgs(def, 30, ['--subjets', '3']), input));
    events.forEach((ev, i) => {
      const cs = cluster(ev.px, ev.py, ev.pz, ev.e, def);
      const jets = cs.inclusiveJets(30);
      assert.equal(jets.length, ref[i].length);
      jets.forEach((j, k) => {
        const subs = cs.exclusiveSubjets(j, 3);
        const rs = ref[i][k].subjets ?? [];
        assert.equal(subs.length, rs.length, `${def.algorithm} subjets of jet ${k}, event ${i}`);
        subs.forEach((s, q) => {
          assert.ok(close(cs.pt(s), rs[q].pt, 1e-9), `subjet pt ${cs.pt(s)} vs ${rs[q].pt}`);
          assert.ok(close(cs.rap[s], rs[q].rap, 1e-9, 1e-11));
          assert.equal(cs.constituents(s).length, rs[q].nconst);
        });
      });
    });
  }
});

test('edge cases without FastJet: empty event, one particle, R check, constituents partition the event', () => {
  const empty = cluster([], [], [], [], { algorithm: 'antikt', r: 0.4 });
  assert.equal(empty.inclusiveJets().length, 0);
  const one = cluster([3], [4], [0], [5], { algorithm: 'kt', r: 0.4 });
  const j = one.inclusiveJets();
  assert.equal(j.length, 1);
  assert.equal(one.pt(j[0]), 5);
  assert.deepEqual(Array.from(one.constituents(j[0])), [0]);
  assert.throws(() => cluster([1], [0], [0], [1], { algorithm: 'antikt', r: 0 }), /radius/);
  assert.throws(() => cluster([1], [0], [0], [1], { algorithm: 'genkt', r: 0.4 }), /exponent p/);
  const ev = generateEvent(new Rng(5), 500);
  const cs = cluster(ev.px, ev.py, ev.pz, ev.e, { algorithm: 'antikt', r: 0.4 });
  const seen = new Uint8Array(500);
  for (const k of cs.inclusiveJets()) for (const c of cs.constituents(k)) seen[c]++;
  assert.ok(seen.every((s) => s === 1), 'every particle is in exactly one inclusive jet');
});
