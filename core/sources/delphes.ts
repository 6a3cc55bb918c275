/**
 * Delphes ROOT files, read with jsroot's I/O modules (no ROOT installation, nothing native).
 *
 * Branch → collection (lower-case Delphes names, CONTRACTS "Event model"), momenta in GeV, angles in radians:
 * - Jet / GenJet / FatJet (class `Jet`): PT, Eta, Phi, Mass; fields `b_tag` (Delphes bit field: bit k = working
 *   point k), `tau_tag`, `charge`, `flavor`, `n_charged`, `n_neutrals`, `ehad_over_eem`, `tau1`…`tau5` (the stored
 *   N-subjettiness `Tau[5]`), `sd_px`, `sd_py`, `sd_pz`, `sd_e` (`SoftDroppedP4[0]`, the groomed jet) and
 *   `sd_mass`; constituents resolved through their `TRefArray` (see below).
 * - Electron (mass 0.000511 GeV), Muon (0.10566 GeV), Photon (massless): `charge`, `isolation`, `ehad_over_eem`.
 * - MissingET / GenMissingET: a massless transverse vector of length MET; fields `met`, `phi`.
 * - Track / EFlowTrack: massless (no mass is stored) from PT, Eta, Phi; `pdg_id`, `charge`, `d0`, `dz`.
 * - Tower / EFlowPhoton / EFlowNeutralHadron: tower-like, massless from ET, Eta, Phi; `eem`, `ehad`.
 * - Particle (class `GenParticle`): only final-state particles (Status 1), four-vector as stored (Px, Py, Pz, E);
 *   `pdg_id`, `charge`, `status`.
 * - ScalarHT: one row with field `ht`, zero four-vector.
 *
 * Constituents: `Jet.Constituents` holds `TRefArray` unique ids. They are mapped over every constituent-type branch
 * read for the batch (EFlowTrack, EFlowPhoton, EFlowNeutralHadron, Tower, Track, and Particle when it is read) by
 * `fUniqueID` (lower 24 bits: the object number inside its TProcessID). Referenced objects are copied, once per
 * event even when shared by several jet collections, into the collection `constituent` (fields `kind` = index in
 * CONSTITUENT_BRANCHES, `charge`, `pdg_id`, `source_row` = row in its own collection when that collection is in the
 * batch); jet collections point there through `Collection.constituents`.
 *
 * Only the branches needed for the requested collections are read (plus `Event` for weights). Weights: the
 * `Event.Weight` values, scaled so that Σw = σ over the file when σ is known (from ReadOptions; Delphes'
 * `Event.CrossSection` is only trusted when it is positive and above 1e-20 pb).
 */
import { openFile } from 'jsroot/io';
import { TSelector, treeProcess } from 'jsroot/tree';
import { CollectionBuilder, type Collection } from '../physics/events';
import { HmlError } from '../util/errors';
import { assembleBatch, batchSizeOf, requestedCollections, weightScale } from './batch';
import { headBytes } from './lines';
import type { CrossSection, EventFile, ReadOptions, SourceEventBatch } from './types';

/** Constituent-type branches, in the order of the `kind` field of the `constituent` collection. */
export const CONSTITUENT_BRANCHES = ['EFlowTrack', 'EFlowPhoton', 'EFlowNeutralHadron', 'Tower', 'Track', 'Particle'] as const;

type Kind = 'jet' | 'electron' | 'muon' | 'photon' | 'met' | 'track' | 'tower' | 'particle' | 'scalarht';

/** Delphes class name → how it is read. */
const CLASS_KIND: Record<string, Kind> = {
  Jet: 'jet',
  Electron: 'electron',
  Muon: 'muon',
  Photon: 'photon',
  MissingET: 'met',
  Track: 'track',
  Tower: 'tower',
  GenParticle: 'particle',
  ScalarHT: 'scalarht',
};

/** Classes that are read but are not object collections. */
const EVENT_CLASSES = new Set(['HepMCEvent', 'LHEFEvent', 'LHCOEvent', 'Event', 'Weight', 'LHEFWeight']);

const FIELDS: Record<Kind, readonly string[]> = {
  jet: ['b_tag', 'tau_tag', 'charge', 'flavor', 'n_charged', 'n_neutrals', 'ehad_over_eem', 'tau1', 'tau2', 'tau3', 'tau4', 'tau5', 'sd_px', 'sd_py', 'sd_pz', 'sd_e', 'sd_mass'],
  electron: ['charge', 'isolation', 'ehad_over_eem'],
  muon: ['charge', 'isolation'],
  photon: ['isolation', 'ehad_over_eem'],
  met: ['met', 'phi'],
  track: ['pdg_id', 'charge', 'd0', 'dz'],
  tower: ['eem', 'ehad'],
  particle: ['pdg_id', 'charge', 'status'],
  scalarht: ['ht'],
};

const MASS: Partial<Record<Kind, number>> = { electron: 0.000511, muon: 0.10566 };

/* Minimal shapes of what jsroot gives back (its modules are untyped). */
interface RootObject {
  _typename?: string;
  fUniqueID?: number;
  [member: string]: unknown;
}
interface RootBranch {
  fName: string;
  fClonesName?: string;
  _typename: string;
}
interface RootTree {
  _typename: string;
  fEntries: number;
  fBranches: { arr: RootBranch[] };
}
interface LorentzVector {
  fP: { fX: number; fY: number; fZ: number };
  fE: number;
}

export interface DelphesBranch {
  branch: string;
  collection: string;
  className: string;
  kind?: Kind;
}

function wrap(path: string, err: unknown, what: string, event?: number): HmlError {
  if (err instanceof HmlError) return err;
  const msg = err instanceof Error ? err.message : String(err);
  return new HmlError('delphes-read-error', `${what} failed (${msg}); the file may be truncated or not written by Delphes`, {
    location: { file: path, event },
    cause: err,
  });
}

async function openTree(path: string, name = 'Delphes'): Promise<RootTree> {
  const magic = headBytes(path, 4).toString('latin1');
  if (magic !== 'root') throw new HmlError('delphes-bad-header', `the file is not a ROOT file (it does not start with "root"); give a Delphes output file`, { location: { file: path } });
  let tree: RootTree | null;
  try {
    const f = (await openFile(path)) as { readObject(name: string): Promise<RootTree | null> };
    tree = await f.readObject(name);
  } catch (err) {
    throw wrap(path, err, `opening the tree "${name}"`);
  }
  if (!tree || tree._typename !== 'TTree') {
    throw new HmlError('delphes-no-tree', `the file has no TTree named "${name}"; is it a Delphes output file (or is the tree named differently: set tree:)?`, { location: { file: path } });
  }
  return tree;
}

/** The TClonesArray branches of a Delphes tree with their classes. */
export function delphesBranches(tree: RootTree): DelphesBranch[] {
  const out: DelphesBranch[] = [];
  for (const b of tree.fBranches.arr) {
    if (b._typename !== 'TBranchElement' || !b.fClonesName) continue;
    out.push({ branch: b.fName, collection: b.fName.toLowerCase(), className: b.fClonesName, kind: CLASS_KIND[b.fClonesName] });
  }
  return out;
}

/** Opens a Delphes ROOT file. */
export async function openDelphes(path: string, opts: ReadOptions = {}): Promise<EventFile> {
  const tree = await openTree(path, opts.tree);
  const branches = delphesBranches(tree);
  const requested = requestedCollections(opts);
  checkRequestedClasses(path, branches, requested);
  const eventBranch = branches.find((b) => b.branch === 'Event' && EVENT_CLASSES.has(b.className));
  // counting pass over the small Event branch: Σw for the normalisation
  let sumWeights = tree.fEntries;
  let fileXs: CrossSection | undefined;
  if (eventBranch) {
    const sel = new TSelector();
    sel.addBranch('Event');
    let s = 0;
    sel.Process = function (this: { tgtobj: Record<string, RootObject[]> }) {
      const ev = this.tgtobj.Event?.[0];
      s += typeof ev?.Weight === 'number' ? ev.Weight : 1;
      const xs = ev?.CrossSection;
      if (typeof xs === 'number' && xs > 1e-20 && Number.isFinite(xs)) fileXs = { value: xs, error: typeof ev?.CrossSectionError === 'number' ? ev.CrossSectionError : undefined };
    };
    try {
      await treeProcess(tree, sel);
    } catch (err) {
      throw wrap(path, err, 'reading the Event branch');
    }
    sumWeights = s;
  }
  const xs = opts.crossSection !== undefined ? { value: opts.crossSection } : fileXs;
  const scale = weightScale(xs?.value, sumWeights);
  const available = branches.filter((b) => b.kind).map((b) => b.collection);
  if (branches.some((b) => b.kind === 'jet')) available.push('constituent');
  return {
    path,
    format: 'delphes',
    nEvents: tree.fEntries,
    crossSection: xs,
    available,
    info: { branches: branches.map((b) => `${b.branch}:${b.className}`), sumWeights, weightScale: scale },
    batches: () => delphesBatches(path, tree, branches, opts, scale, eventBranch !== undefined),
  };
}

const num = (x: unknown): number => (typeof x === 'number' ? x : NaN);
const uid = (o: RootObject): number => (o.fUniqueID ?? 0) & 0xffffff;

type Row = [px: number, py: number, pz: number, e: number, fields: Record<string, number>];

/** Four-vector (GeV) and fields of one Delphes object. */
function objectRow(kind: Kind, o: RootObject): Row {
  const pt = num(o.PT);
  const eta = num(o.Eta);
  const phi = num(o.Phi);
  switch (kind) {
    case 'jet': {
      const m = num(o.Mass);
      const px = pt * Math.cos(phi), py = pt * Math.sin(phi), pz = pt * Math.sinh(eta);
      const tau = (o.Tau as ArrayLike<number> | undefined) ?? [];
      const sd = (o.SoftDroppedP4 as LorentzVector[] | undefined)?.[0];
      const sdE = sd?.fE ?? NaN, sdx = sd?.fP.fX ?? NaN, sdy = sd?.fP.fY ?? NaN, sdz = sd?.fP.fZ ?? NaN;
      const sdm2 = sdE * sdE - sdx * sdx - sdy * sdy - sdz * sdz;
      return [px, py, pz, Math.sqrt(px * px + py * py + pz * pz + m * m), {
        b_tag: num(o.BTag), tau_tag: num(o.TauTag), charge: num(o.Charge), flavor: num(o.Flavor),
        n_charged: num(o.NCharged), n_neutrals: num(o.NNeutrals), ehad_over_eem: num(o.EhadOverEem),
        tau1: tau[0] ?? NaN, tau2: tau[1] ?? NaN, tau3: tau[2] ?? NaN, tau4: tau[3] ?? NaN, tau5: tau[4] ?? NaN,
        sd_px: sdx, sd_py: sdy, sd_pz: sdz, sd_e: sdE, sd_mass: sd ? Math.sqrt(Math.max(0, sdm2)) : NaN,
      }];
    }
    case 'electron':
    case 'muon':
    case 'photon': {
      const m = MASS[kind] ?? 0;
      const px = pt * Math.cos(phi), py = pt * Math.sin(phi), pz = pt * Math.sinh(eta);
      return [px, py, pz, Math.sqrt(px * px + py * py + pz * pz + m * m), {
        charge: num(o.Charge), isolation: num(o.IsolationVar), ehad_over_eem: num(o.EhadOverEem),
      }];
    }
    case 'met': {
      const met = num(o.MET);
      return [met * Math.cos(phi), met * Math.sin(phi), 0, met, { met, phi }];
    }
    case 'track':
      return [pt * Math.cos(phi), pt * Math.sin(phi), pt * Math.sinh(eta), pt * Math.cosh(eta), { pdg_id: num(o.PID), charge: num(o.Charge), d0: num(o.D0), dz: num(o.DZ) }];
    case 'tower': {
      const et = num(o.ET);
      return [et * Math.cos(phi), et * Math.sin(phi), et * Math.sinh(eta), et * Math.cosh(eta), { eem: num(o.Eem), ehad: num(o.Ehad) }];
    }
    case 'particle':
      return [num(o.Px), num(o.Py), num(o.Pz), num(o.E), { pdg_id: num(o.PID), charge: num(o.Charge), status: num(o.Status) }];
    case 'scalarht':
      return [0, 0, 0, 0, { ht: num(o.HT) }];
  }
}

/**
 * The branches a read needs: those of the requested collections, the constituent-type branches when a jet
 * collection is requested (to resolve its references; Particle only when it or GenJet is requested), and Event.
 */
export function branchesToRead(branches: DelphesBranch[], requested: Set<string> | undefined, hasEvent: boolean): { wanted: DelphesBranch[]; consBranches: string[]; toRead: Set<string> } {
  const wanted = branches.filter((b) => b.kind && (!requested || requested.has(b.collection)));
  const needConstituents = wanted.some((b) => b.kind === 'jet');
  const present = new Set(branches.map((b) => b.branch));
  const consBranches: string[] = needConstituents
    ? CONSTITUENT_BRANCHES.filter((n) => present.has(n) && (n !== 'Particle' || wanted.some((w) => w.branch === 'Particle' || w.branch === 'GenJet')))
    : [];
  const toRead = new Set<string>([...wanted.map((w) => w.branch), ...consBranches]);
  if (hasEvent) toRead.add('Event');
  return { wanted, consBranches, toRead };
}

/** Throws `delphes-unknown-class` when a requested collection's branch holds a class this reader does not know. */
export function checkRequestedClasses(path: string, branches: DelphesBranch[], requested: Set<string> | undefined): void {
  for (const name of requested ?? []) {
    const b = branches.find((x) => x.collection === name);
    if (b && !b.kind && !EVENT_CLASSES.has(b.className)) {
      throw new HmlError('delphes-unknown-class', `branch ${b.branch} holds objects of class ${b.className}, which HEP ML Lab cannot read; collections can come from the classes ${Object.keys(CLASS_KIND).join(', ')}`, { location: { file: path } });
    }
  }
}

async function* delphesBatches(path: string, tree: RootTree, branches: DelphesBranch[], opts: ReadOptions, scale: number, hasEvent: boolean): AsyncGenerator<SourceEventBatch> {
  const size = batchSizeOf(opts);
  const requested = requestedCollections(opts);
  const { wanted, consBranches, toRead } = branchesToRead(branches, requested, hasEvent);
  const jetBranches = wanted.filter((b) => b.kind === 'jet');
  const total = Math.min(tree.fEntries, opts.maxEvents ?? Infinity);
  for (let first = 0; first < total; first += size) {
    const n = Math.min(size, total - first);
    const builders = new Map<string, CollectionBuilder>();
    for (const w of wanted) builders.set(w.branch, new CollectionBuilder(w.collection, FIELDS[w.kind!], w.kind === 'jet' ? 'constituent' : undefined));
    const consBuilder = new CollectionBuilder('constituent', ['kind', 'charge', 'pdg_id', 'source_row']);
    const weights: number[] = [];
    const rowBase = new Map<string, number>(); // rows already in the builder before this event
    let entry = first;
    const sel = new TSelector();
    for (const b of toRead) sel.addBranch(b);
    sel.Process = function (this: { tgtobj: Record<string, RootObject[]> }, e: number) {
      entry = e;
      const t = this.tgtobj;
      const ev = t.Event?.[0];
      weights.push((typeof ev?.Weight === 'number' ? ev.Weight : 1) * scale);
      for (const w of wanted) rowBase.set(w.branch, builders.get(w.branch)!.rows);
      // unique id → (branch index, index in branch) for this event
      const refMap = new Map<number, [number, number]>();
      consBranches.forEach((name, k) => {
        const arr = t[name] ?? [];
        for (let i = 0; i < arr.length; i++) {
          // the same Delphes candidate can sit in two branches (Track and EFlowTrack share objects): the first
          // branch in CONSTITUENT_BRANCHES order wins, so particle-flow objects are preferred
          const u = uid(arr[i]);
          if (!refMap.has(u)) refMap.set(u, [k, i]);
        }
      });
      const consRow = new Map<number, number>();
      for (const w of wanted) {
        const b = builders.get(w.branch)!;
        const arr = t[w.branch] ?? [];
        if (w.kind === 'particle') {
          for (const o of arr) if (o.Status === 1) b.add(...objectRow('particle', o));
        } else if (w.kind === 'jet') {
          for (const o of arr) {
            const refs = (o.Constituents as { fUIDs?: ArrayLike<number> } | undefined)?.fUIDs ?? [];
            const idx: number[] = [];
            for (let r = 0; r < refs.length; r++) {
              const u = refs[r] & 0xffffff;
              const hit = refMap.get(u);
              if (!hit) continue; // refers to a branch not read (e.g. Particle for a reco jet): dropped
              let row = consRow.get(u);
              if (row === undefined) {
                const [k, i] = hit;
                const src = t[consBranches[k]][i];
                const kind = (CONSTITUENT_BRANCHES as readonly string[]).indexOf(consBranches[k]);
                let px: number, py: number, pz: number, en: number;
                if (consBranches[k] === 'Particle') {
                  px = num(src.Px); py = num(src.Py); pz = num(src.Pz); en = num(src.E);
                } else {
                  // massless, as Delphes clusters them (the fat-jet four-vector is this sum)
                  const pt = num(src.ET ?? src.PT), eta = num(src.Eta), phi = num(src.Phi);
                  px = pt * Math.cos(phi); py = pt * Math.sin(phi); pz = pt * Math.sinh(eta); en = pt * Math.cosh(eta);
                }
                const own = builders.get(consBranches[k]);
                let sourceRow = NaN;
                if (own) {
                  // row of the same object in its own collection (Particle keeps status-1 rows only)
                  sourceRow = consBranches[k] === 'Particle' ? NaN : rowBase.get(consBranches[k])! + i;
                }
                row = consBuilder.rows;
                consBuilder.add(px, py, pz, en, { kind, charge: num(src.Charge ?? 0), pdg_id: num(src.PID), source_row: sourceRow });
                consRow.set(u, row);
              }
              idx.push(row);
            }
            b.add(...objectRow('jet', o), idx);
          }
        } else {
          for (const o of arr) b.add(...objectRow(w.kind!, o));
        }
        b.endEvent();
      }
      consBuilder.endEvent();
    };
    try {
      await treeProcess(tree, sel, { firstentry: first, numentries: n });
    } catch (err) {
      throw wrap(path, err, `reading entries ${first}–${first + n - 1}`, entry);
    }
    if (weights.length !== n) {
      throw new HmlError('delphes-truncated', `expected ${n} entries from event ${first} but read ${weights.length}; the file is truncated or damaged`, { location: { file: path, event: first + weights.length } });
    }
    const built: Collection[] = [...builders.values()].map((b) => b.finish());
    if (jetBranches.length > 0) built.push(consBuilder.finish());
    // the constituent collection comes with any jet collection, asked for or not: the refs point into it
    const names = new Set(requested ?? wanted.map((w) => w.collection));
    if (jetBranches.length > 0) names.add('constituent');
    yield assembleBatch(first, weights, built, names);
  }
}

