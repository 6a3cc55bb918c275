/**
 * Export of events in the Phoenix JSON event format (the HSF event display's): `{ EVENT_KEY: event_object }`,
 * each event object with `event number`, `run number` and its collections grouped by Phoenix object type
 * (`Tracks`, `Jets`, `CaloClusters`, `MissingEnergy`, `Muons`, `Electrons`, `Photons`), each type holding named
 * collections (our lower-case collection names).
 *
 * Units: Phoenix follows the experiments' conventions of mm and MeV, so energies and momenta are exported in MeV
 * by default (`units: 'GeV'` keeps GeV); angles in radians; track d0 / z0 in mm. Non-finite values are left out
 * (JSON has no NaN).
 *
 * Mapping: Delphes `track` (else `eflowtrack`) → Tracks with perigee `dparams` [d0, z0, φ, θ, q/p] so that Phoenix
 * draws the helix; `tower` (else `eflowphoton` + `eflowneutralhadron`) → CaloClusters; `jet`, `fatjet` (and
 * `genjet` when asked for) → Jets with their cone radius; `missinget` → MissingEnergy; `electron`, `muon`,
 * `photon` → Electrons, Muons, Photons (drawn from η, φ, pT). Generator-level events (only `particle`): charged
 * visible particles → Tracks, neutral visible ones → CaloClusters; neutrinos are left out.
 */
import type { Collection, EventBatch } from '../physics/events';
import { writeFileAtomic } from '../util/atomic';

export type PhoenixObject = Record<string, number | string | number[]>;
export interface PhoenixEvent {
  'event number': number;
  'run number': number;
  [typeOrKey: string]: number | string | Record<string, PhoenixObject[]>;
}

export interface PhoenixExportOptions {
  /** Energy unit of the export (default MeV, as Phoenix's examples use). */
  units?: 'MeV' | 'GeV';
  /** Collections to export (default: the standard choice above). */
  collections?: readonly string[];
  runNumber?: number;
  /** Extra metadata keys copied into the event object (free strings for Phoenix's metadata panel). */
  metadata?: Record<string, string>;
}

const NEUTRINOS = new Set([12, 14, 16]);
const DEFAULT_RADIUS: Record<string, number> = { jet: 0.4, genjet: 0.4, fatjet: 0.8 };

interface Kin {
  pt: number;
  eta: number;
  phi: number;
  theta: number;
  p: number;
  e: number;
  m: number;
}

function kin(c: Collection, r: number): Kin {
  const px = c.px[r], py = c.py[r], pz = c.pz[r], e = c.e[r];
  const pt = Math.hypot(px, py);
  const p = Math.hypot(pt, pz);
  return { pt, eta: pt > 0 ? Math.asinh(pz / pt) : pz >= 0 ? Infinity : -Infinity, phi: Math.atan2(py, px), theta: Math.atan2(pt, pz), p, e, m: Math.sqrt(Math.max(0, e * e - p * p)) };
}

/** Drops non-finite numbers (JSON cannot hold them and Phoenix would choke on null). */
function clean(o: Record<string, number | string | number[]>): PhoenixObject {
  const out: PhoenixObject = {};
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === 'number' && !Number.isFinite(v)) continue;
    if (Array.isArray(v) && !v.every(Number.isFinite)) continue;
    out[k] = v;
  }
  return out;
}

function defaultCollections(batch: EventBatch): string[] {
  const has = (n: string): boolean => batch.collections.has(n);
  const out: string[] = [];
  if (has('track')) out.push('track');
  else if (has('eflowtrack')) out.push('eflowtrack');
  if (has('tower')) out.push('tower');
  else out.push(...['eflowphoton', 'eflowneutralhadron'].filter(has));
  out.push(...['jet', 'fatjet', 'missinget', 'electron', 'muon', 'photon'].filter(has));
  if (out.length === 0 && has('particle')) out.push('particle');
  return out;
}

/** One event of a batch (`index` within the batch) as a Phoenix event object. */
export function phoenixEvent(batch: EventBatch, index: number, opts: PhoenixExportOptions = {}): PhoenixEvent {
  const scale = (opts.units ?? 'MeV') === 'MeV' ? 1000 : 1;
  const event: PhoenixEvent = { 'event number': batch.firstEvent + index, 'run number': opts.runNumber ?? 0, ...(opts.metadata ?? {}) };
  const add = (type: string, name: string, objects: PhoenixObject[]): void => {
    const group = (event[type] ??= {}) as Record<string, PhoenixObject[]>;
    group[name] = objects;
  };
  for (const name of opts.collections ?? defaultCollections(batch)) {
    const c = batch.collections.get(name);
    if (!c) continue;
    const lo = c.offsets[index];
    const hi = c.offsets[index + 1];
    const rows: number[] = [];
    // objects exactly along the beam (pT = 0, e.g. collinear ISR photons) have no η and cannot be drawn
    for (let r = lo; r < hi; r++) if (name === 'missinget' || c.px[r] !== 0 || c.py[r] !== 0) rows.push(r);
    const field = (f: string, r: number): number => c.fields[f]?.[r] ?? NaN;
    const track = (r: number): PhoenixObject => {
      const k = kin(c, r);
      const q = field('charge', r);
      const d0 = field('d0', r);
      const z0 = field('dz', r);
      return clean({
        dparams: [Number.isFinite(d0) ? d0 : 0, Number.isFinite(z0) ? z0 : 0, k.phi, k.theta, q / (k.p * scale)],
        pT: k.pt * scale, eta: k.eta, phi: k.phi, charge: q, mom: k.p * scale, d0: Number.isFinite(d0) ? d0 : 0, z0: Number.isFinite(z0) ? z0 : 0,
        pdgId: field('pdg_id', r),
      });
    };
    const cluster = (r: number): PhoenixObject => {
      const k = kin(c, r);
      return clean({ energy: k.e * scale, eta: k.eta, phi: k.phi, et: k.pt * scale });
    };
    switch (name) {
      case 'track':
      case 'eflowtrack':
        add('Tracks', name, rows.filter((r) => field('charge', r) !== 0).map(track));
        break;
      case 'tower':
      case 'eflowphoton':
      case 'eflowneutralhadron':
        add('CaloClusters', name, rows.map(cluster));
        break;
      case 'missinget':
        add('MissingEnergy', name, rows.map((r) => clean({ etx: c.px[r] * scale, ety: c.py[r] * scale })));
        break;
      case 'electron':
      case 'muon':
      case 'photon': {
        const type = name === 'electron' ? 'Electrons' : name === 'muon' ? 'Muons' : 'Photons';
        const lepton = name === 'electron' ? 11 : 13;
        add(type, name, rows.map((r) => {
          const k = kin(c, r);
          const q = field('charge', r);
          return clean({ eta: k.eta, phi: k.phi, pt: k.pt * scale, pT: k.pt * scale, energy: k.e * scale, pdgId: name === 'photon' ? 22 : q > 0 ? -lepton : lepton, charge: q });
        }));
        break;
      }
      case 'particle': {
        const visible = rows.filter((r) => !NEUTRINOS.has(Math.abs(field('pdg_id', r))));
        const charged = visible.filter((r) => Math.abs(field('charge', r)) > 0);
        const neutral = visible.filter((r) => !(Math.abs(field('charge', r)) > 0));
        add('Tracks', 'particle (charged)', charged.map(track));
        add('CaloClusters', 'particle (neutral)', neutral.map(cluster));
        break;
      }
      default: {
        // every other jet-like collection (jet, fatjet, genjet, reconstruction outputs)
        const radius = c.radius ?? DEFAULT_RADIUS[name] ?? 0.4;
        add('Jets', name, rows.map((r) => {
          const k = kin(c, r);
          const cons = c.constituents ? c.constituents.offsets[r + 1] - c.constituents.offsets[r] : NaN;
          return clean({ eta: k.eta, phi: k.phi, theta: k.theta, energy: k.e * scale, et: k.pt * scale, pt: k.pt * scale, mass: k.m * scale, coneR: radius, constituents: cons, b_tag: field('b_tag', r) });
        }));
      }
    }
  }
  return event;
}

/** Several events as one Phoenix file object, keyed `Event <number>`. */
export function phoenixEvents(items: Iterable<{ batch: EventBatch; index: number }>, opts: PhoenixExportOptions = {}): Record<string, PhoenixEvent> {
  const out: Record<string, PhoenixEvent> = {};
  for (const { batch, index } of items) out[`Event ${batch.firstEvent + index}`] = phoenixEvent(batch, index, opts);
  return out;
}

/** Writes a Phoenix JSON file atomically. */
export function writePhoenixJson(path: string, events: Record<string, PhoenixEvent>): void {
  writeFileAtomic(path, JSON.stringify(events) + '\n');
}
