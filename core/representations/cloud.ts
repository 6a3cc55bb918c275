import type { Collection, EventBatch } from '../physics/events';
import { HmlError } from '../util/errors';
import { pseudorapidity as etaOf, phi as phiOf, pt as ptOf, wrapPhi } from '../physics/fourvector';
import { constituentRows, parseObjectPath, requireCollection } from './objects';
import type { CloudFeature, CloudSettings, FeatureInfo, Representation, RepresentationRows } from './types';

/**
 * Constituent clouds: the hardest `max_particles` constituents of one object per event, features relative to
 * the object's axis, zero-padded with a mask (the input of Energy/Particle-Flow Networks and graph networks).
 * Constituents are ordered by pT, hardest first (ties by input order); an event without the object gives an
 * all-zero row with an all-zero mask.
 */
export const CLOUD_FEATURES: Readonly<Record<CloudFeature, { unit: string; definition: string }>> = {
  delta_eta: { unit: '1', definition: 'eta(constituent) - eta(jet)' },
  delta_phi: { unit: 'rad', definition: 'phi(constituent) - phi(jet), wrapped into (-pi, pi]' },
  delta_r: { unit: '1', definition: 'sqrt(delta_eta^2 + delta_phi^2)' },
  log_pt: { unit: 'log(GeV)', definition: 'ln(pT / 1 GeV) of the constituent' },
  log_e: { unit: 'log(GeV)', definition: 'ln(E / 1 GeV) of the constituent' },
  pt: { unit: 'GeV', definition: 'constituent transverse momentum' },
  e: { unit: 'GeV', definition: 'constituent energy' },
  eta: { unit: '1', definition: 'constituent pseudorapidity' },
  phi: { unit: 'rad', definition: 'constituent azimuth in (-pi, pi]' },
  pdg_id: { unit: '1', definition: 'PDG particle id (0 when the source has none)' },
  pt_fraction: { unit: '1', definition: 'pT(constituent) / pT(jet)' },
  log_pt_rel: { unit: '1', definition: 'ln(pT(constituent) / pT(jet))' },
  e_fraction: { unit: '1', definition: 'E(constituent) / E(jet)' },
  log_e_rel: { unit: '1', definition: 'ln(E(constituent) / E(jet))' },
  charge: { unit: 'e', definition: 'electric charge (0 when the source has no charge field)' },
  pdg_class: { unit: '1', definition: 'particle class: 0 unknown, 1 charged hadron, 2 neutral hadron, 3 photon, 4 electron, 5 muon' },
  is_charged_hadron: { unit: '1', definition: '1 for a charged hadron, else 0' },
  is_neutral_hadron: { unit: '1', definition: '1 for a neutral hadron, else 0' },
  is_photon: { unit: '1', definition: '1 for a photon, else 0' },
  is_electron: { unit: '1', definition: '1 for an electron or positron, else 0' },
  is_muon: { unit: '1', definition: '1 for a muon, else 0' },
};

/** Particle class from the PDG id (preferred) or, without one, from the charge. */
export function pdgClass(pdgId: number, charge: number): number {
  const a = Math.abs(pdgId);
  if (Number.isFinite(a) && a > 0) {
    if (a === 22) return 3;
    if (a === 11) return 4;
    if (a === 13) return 5;
    return Number.isFinite(charge) && charge !== 0 ? 1 : 2;
  }
  if (Number.isFinite(charge)) return charge !== 0 ? 1 : 2;
  return 0;
}

export function checkCloudSettings(s: CloudSettings): string[] {
  const problems: string[] = [];
  const p = parseObjectPath(s.object);
  const ok = p && p.attribute === undefined && (p.constituents ? p.index !== undefined : p.index === undefined);
  if (!ok) problems.push(`cloud object must be an object's constituents (e.g. fatjet0.constituents) or a collection (e.g. eflowtrack), not '${s.object}'`);
  if (!Array.isArray(s.features) || s.features.length === 0) problems.push('cloud needs at least one feature, e.g. [delta_eta, delta_phi, log_pt]');
  for (const f of s.features ?? []) if (!Object.hasOwn(CLOUD_FEATURES, f)) problems.push(`unknown cloud feature '${f}'; known: ${Object.keys(CLOUD_FEATURES).join(', ')}`);
  if (!Number.isInteger(s.max_particles) || s.max_particles <= 0 || s.max_particles > 10000) problems.push('cloud max_particles must be a positive integer (at most 10000)');
  return problems;
}

export function cloudRepresentation(s: CloudSettings): Representation {
  const problems = checkCloudSettings(s);
  if (problems.length > 0) throw new HmlError('bad-cloud-settings', problems.join('; '), { exitCode: 2 });
  const path = parseObjectPath(s.object)!;
  const P = s.max_particles;
  const F = s.features.length;
  const feats = s.features as readonly CloudFeature[];
  const features: FeatureInfo[] = feats.map((f) => ({ name: f, ...CLOUD_FEATURES[f] }));
  return {
    kind: 'cloud',
    rowShape: [P, F],
    features,
    settings: s,
    evaluate(batch: EventBatch, select?: Uint8Array): RepresentationRows {
      const jets = requireCollection(batch, path.collection, `cloud '${s.object}'`);
      let n = 0;
      for (let i = 0; i < batch.size; i++) if (!select || select[i]) n++;
      const data = new Float32Array(n * P * F);
      const mask = new Uint8Array(n * P);
      let row = 0;
      for (let i = 0; i < batch.size; i++) {
        if (select && !select[i]) continue;
        if (path.constituents) {
          const cons = constituentRows(batch, jets, i, path.index!);
          if (cons) fillCloud(batch, cons.source, cons.rows, jets.px[cons.jetRow], jets.py[cons.jetRow], jets.pz[cons.jetRow], jets.e[cons.jetRow], feats, P, data, mask, row);
        } else {
          // A whole collection: the axis is the sum of its particles in this event.
          const a = jets.offsets[i], b = jets.offsets[i + 1];
          const rows = Uint32Array.from({ length: b - a }, (_, k) => a + k);
          let sx = 0, sy = 0, sz = 0, se = 0;
          for (let r = a; r < b; r++) { sx += jets.px[r]; sy += jets.py[r]; sz += jets.pz[r]; se += jets.e[r]; }
          fillCloud(batch, jets, rows, sx, sy, sz, se, feats, P, data, mask, row);
        }
        row++;
      }
      return { n, data, mask };
    },
  };
}

/**
 * Charge and PDG id of a particle row. A collection concatenated from several inputs (`eflowtrack+eflowphoton+…`,
 * built by reconstruction) keeps only the fields all inputs share, so missing values are looked up in the input
 * the row came from (`source_collection`, `source_row`), and Delphes particle-flow inputs without a PDG id get
 * their class from the input's name.
 */
function particleIdentity(batch: EventBatch, src: Collection): (r: number) => { charge: number; pdg: number; cls: number } {
  const parts = src.name.includes('+') && src.fields.source_collection && src.fields.source_row ? src.name.split('+') : undefined;
  const byName: Record<string, number> = { eflowtrack: 1, track: 1, eflowphoton: 3, eflowneutralhadron: 2 };
  return (r) => {
    let c: Collection = src, row = r;
    if (parts) {
      const orig = batch.collections.get(parts[src.fields.source_collection[r]]);
      if (orig) { c = orig; row = src.fields.source_row[r]; }
    }
    const charge = c.fields.charge ? c.fields.charge[row] : c.name === 'eflowphoton' || c.name === 'eflowneutralhadron' ? 0 : NaN;
    const pdg = c.fields.pdg_id ? c.fields.pdg_id[row] : NaN;
    let cls = pdgClass(pdg, charge);
    if (!(Math.abs(pdg) > 0) && byName[c.name] !== undefined) cls = byName[c.name];
    return { charge, pdg, cls };
  };
}

function fillCloud(
  batch: EventBatch,
  src: Collection,
  rows: Uint32Array,
  jpx: number, jpy: number, jpz: number, je: number,
  feats: readonly CloudFeature[], P: number, data: Float32Array, mask: Uint8Array, row: number,
): void {
  const m = rows.length;
  const pts = new Float64Array(m);
  for (let k = 0; k < m; k++) pts[k] = ptOf(src.px[rows[k]], src.py[rows[k]]);
  const order = Array.from({ length: m }, (_, k) => k).sort((a, b) => pts[b] - pts[a] || a - b);
  const jpt = ptOf(jpx, jpy), jeta = etaOf(jpx, jpy, jpz), jphi = phiOf(jpx, jpy);
  const identity = particleIdentity(batch, src);
  const F = feats.length;
  const keep = Math.min(m, P);
  for (let q = 0; q < keep; q++) {
    const r = rows[order[q]];
    const px = src.px[r], py = src.py[r], pz = src.pz[r], e = src.e[r];
    const pt = pts[order[q]];
    const deta = etaOf(px, py, pz) - jeta;
    const dphi = wrapPhi(phiOf(px, py) - jphi);
    const { charge: q0, pdg, cls } = identity(r);
    const base = (row * P + q) * F;
    for (let f = 0; f < F; f++) {
      let v: number;
      switch (feats[f]) {
        case 'delta_eta': v = deta; break;
        case 'delta_phi': v = dphi; break;
        case 'delta_r': v = Math.hypot(deta, dphi); break;
        case 'log_pt': v = Math.log(pt); break;
        case 'log_e': v = Math.log(e); break;
        case 'pt': v = pt; break;
        case 'e': v = e; break;
        case 'eta': v = etaOf(px, py, pz); break;
        case 'phi': v = phiOf(px, py); break;
        case 'pdg_id': v = Number.isFinite(pdg) ? pdg : 0; break;
        case 'pt_fraction': v = pt / jpt; break;
        case 'log_pt_rel': v = Math.log(pt / jpt); break;
        case 'e_fraction': v = e / je; break;
        case 'log_e_rel': v = Math.log(e / je); break;
        case 'charge': v = Number.isFinite(q0) ? q0 : 0; break;
        case 'pdg_class': v = cls; break;
        case 'is_charged_hadron': v = cls === 1 ? 1 : 0; break;
        case 'is_neutral_hadron': v = cls === 2 ? 1 : 0; break;
        case 'is_photon': v = cls === 3 ? 1 : 0; break;
        case 'is_electron': v = cls === 4 ? 1 : 0; break;
        case 'is_muon': v = cls === 5 ? 1 : 0; break;
      }
      data[base + f] = v;
    }
    mask[row * P + q] = 1;
  }
}
