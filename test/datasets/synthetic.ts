import { CollectionBuilder, type EventBatch } from '../../core/physics/events';
import { Rng } from '../../core/util/random';

/**
 * Hand-built boosted-jet events for dataset tests (no generator needed): one `fatjet` per event (sometimes none)
 * made of `particle` constituents with pdg_id and charge. Signal jets have two prongs, background jets one.
 * Weight per event = sigma / nEvents (pb), as sources deliver them.
 */
export async function* syntheticSample(o: { seed: number; events: number; batch: number; twoProng: boolean; sigma: number; missingEvery?: number; ptScale?: number }): AsyncGenerator<EventBatch> {
  const rng = new Rng(o.seed);
  for (let first = 0; first < o.events; first += o.batch) {
    const size = Math.min(o.batch, o.events - first);
    const parts = new CollectionBuilder('particle', ['pdg_id', 'charge']);
    const jets = new CollectionBuilder('fatjet', [], 'particle', 1.0);
    const w = new Float64Array(size).fill(o.sigma / o.events);
    for (let i = 0; i < size; i++) {
      const ev = first + i;
      const jetPt = (250 + 50 * rng.uniform()) * (o.ptScale ?? 1);
      const eta0 = rng.range(-1.5, 1.5), phi0 = rng.range(-Math.PI, Math.PI);
      const prongs = o.twoProng ? [[0, 0, 0.6], [rng.range(0.2, 0.5), rng.range(-0.3, 0.3), 0.4]] : [[0, 0, 1]];
      let sx = 0, sy = 0, sz = 0, se = 0;
      const idx: number[] = [];
      const hasJet = !(o.missingEvery && ev % o.missingEvery === 0);
      const n = 10 + rng.int(20);
      for (let k = 0; k < n && hasJet; k++) {
        const pr = prongs[k % prongs.length];
        const pt = (jetPt * pr[2] * prongs.length) / n;
        const eta = eta0 + pr[0] + 0.05 * rng.normal(), phi = phi0 + pr[1] + 0.05 * rng.normal();
        const px = pt * Math.cos(phi), py = pt * Math.sin(phi), pz = pt * Math.sinh(eta), e = pt * Math.cosh(eta);
        const cls = rng.int(3);
        parts.add(px, py, pz, e, { pdg_id: cls === 0 ? 211 : cls === 1 ? 22 : 130, charge: cls === 0 ? 1 : 0 });
        idx.push(parts.rows - 1);
        sx += px; sy += py; sz += pz; se += e;
      }
      if (hasJet) jets.add(sx, sy, sz, se, undefined, idx);
      parts.endEvent();
      jets.endEvent();
    }
    const particle = parts.finish(), fatjet = jets.finish();
    yield { size, firstEvent: first, weights: w, collections: new Map([['particle', particle], ['fatjet', fatjet]]) };
  }
}
