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
 * Only the branches needed for the requested collections are read (plus `Event.Weight`), and of those only the
 * members listed in MEMBERS (split TClonesArray leaves), never whole objects: 5× faster than object reading here.
 * Weights: the `Event.Weight` values, scaled so that Σw = σ over the file when σ is known (from ReadOptions; Delphes'
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
interface RootBranch {
  fName: string;
  fClonesName?: string;
  _typename: string;
  fBranches?: { arr: RootBranch[] };
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
  /** The member sub-branches (split TClonesArray), by member name without array suffix (`Tau` for `Tau[5]`). */
  members?: Map<string, RootBranch>;
}

/** Members read per kind: only these leaves are decompressed, not whole objects. */
const MEMBERS: Record<Kind, readonly string[]> = {
  jet: ['PT', 'Eta', 'Phi', 'Mass', 'BTag', 'TauTag', 'Charge', 'Flavor', 'NCharged', 'NNeutrals', 'EhadOverEem', 'Tau', 'SoftDroppedP4', 'Constituents'],
  electron: ['PT', 'Eta', 'Phi', 'Charge', 'IsolationVar', 'EhadOverEem'],
  muon: ['PT', 'Eta', 'Phi', 'Charge', 'IsolationVar'],
  photon: ['PT', 'Eta', 'Phi', 'IsolationVar', 'EhadOverEem'],
  met: ['MET', 'Phi'],
  track: ['PT', 'Eta', 'Phi', 'PID', 'Charge', 'D0', 'DZ', 'fUniqueID'],
  tower: ['ET', 'Eta', 'Phi', 'Eem', 'Ehad', 'fUniqueID'],
  particle: ['PID', 'Status', 'Charge', 'Px', 'Py', 'Pz', 'E', 'fUniqueID'],
  scalarht: ['HT'],
};
/** Members that must exist for a branch of the kind to be readable at all. */
const REQUIRED: Record<Kind, readonly string[]> = {
  jet: ['PT', 'Eta', 'Phi', 'Mass'],
  electron: ['PT', 'Eta', 'Phi'],
  muon: ['PT', 'Eta', 'Phi'],
  photon: ['PT', 'Eta', 'Phi'],
  met: ['MET', 'Phi'],
  track: ['PT', 'Eta', 'Phi'],
  tower: ['ET', 'Eta', 'Phi'],
  particle: ['Px', 'Py', 'Pz', 'E', 'Status'],
  scalarht: ['HT'],
};
const EVENT_MEMBERS = ['Weight', 'CrossSection', 'CrossSectionError'];

function membersOf(b: RootBranch): Map<string, RootBranch> {
  const out = new Map<string, RootBranch>();
  for (const sub of b.fBranches?.arr ?? []) {
    const m = sub.fName.startsWith(b.fName + '.') ? sub.fName.slice(b.fName.length + 1).replace(/\[.*$/, '') : undefined;
    if (m) out.set(m, sub);
  }
  return out;
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
    const members = membersOf(b);
    let kind: Kind | undefined = CLASS_KIND[b.fClonesName];
    // a known class name whose layout lacks the members we read (another Delphes version, a custom class)
    if (kind && !REQUIRED[kind].every((m) => members.has(m))) kind = undefined;
    out.push({ branch: b.fName, collection: b.fName.toLowerCase(), className: b.fClonesName, kind, members });
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
  const eventMembers = eventBranch ? EVENT_MEMBERS.filter((m) => eventBranch.members?.has(m)) : [];
  if (eventBranch && eventMembers.includes('Weight')) {
    const sel = new TSelector();
    for (const m of eventMembers) sel.addBranch(eventBranch.members!.get(m)!, `Event.${m}`);
    let s = 0;
    sel.Process = function (this: { tgtobj: Record<string, ArrayLike<number> | undefined> }) {
      const t = this.tgtobj;
      const w = t['Event.Weight']?.[0];
      s += typeof w === 'number' ? w : 1;
      const xs = t['Event.CrossSection']?.[0];
      const err = t['Event.CrossSectionError']?.[0];
      if (typeof xs === 'number' && xs > 1e-20 && Number.isFinite(xs)) fileXs = { value: xs, error: typeof err === 'number' ? err : undefined };
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
    batches: () => delphesBatches(path, tree, branches, opts, scale, eventMembers.includes('Weight') ? eventBranch : undefined),
  };
}

const num = (x: unknown): number => (typeof x === 'number' ? x : NaN);

type Row = [px: number, py: number, pz: number, e: number, fields: Record<string, number>];
/** Member value of the current object. */
type Get = (member: string) => unknown;

/** Four-vector (GeV) and fields of one Delphes object, read through its members. */
function objectRow(kind: Kind, o: Get): Row {
  const pt = num(o('PT'));
  const eta = num(o('Eta'));
  const phi = num(o('Phi'));
  switch (kind) {
    case 'jet': {
      const m = num(o('Mass'));
      const px = pt * Math.cos(phi), py = pt * Math.sin(phi), pz = pt * Math.sinh(eta);
      const tau = (o('Tau') as ArrayLike<number> | undefined) ?? [];
      const sd = (o('SoftDroppedP4') as LorentzVector[] | undefined)?.[0];
      const sdE = sd?.fE ?? NaN, sdx = sd?.fP.fX ?? NaN, sdy = sd?.fP.fY ?? NaN, sdz = sd?.fP.fZ ?? NaN;
      const sdm2 = sdE * sdE - sdx * sdx - sdy * sdy - sdz * sdz;
      return [px, py, pz, Math.sqrt(px * px + py * py + pz * pz + m * m), {
        b_tag: num(o('BTag')), tau_tag: num(o('TauTag')), charge: num(o('Charge')), flavor: num(o('Flavor')),
        n_charged: num(o('NCharged')), n_neutrals: num(o('NNeutrals')), ehad_over_eem: num(o('EhadOverEem')),
        tau1: num(tau[0]), tau2: num(tau[1]), tau3: num(tau[2]), tau4: num(tau[3]), tau5: num(tau[4]),
        sd_px: sdx, sd_py: sdy, sd_pz: sdz, sd_e: sdE, sd_mass: sd ? Math.sqrt(Math.max(0, sdm2)) : NaN,
      }];
    }
    case 'electron':
    case 'muon':
    case 'photon': {
      const m = MASS[kind] ?? 0;
      const px = pt * Math.cos(phi), py = pt * Math.sin(phi), pz = pt * Math.sinh(eta);
      return [px, py, pz, Math.sqrt(px * px + py * py + pz * pz + m * m), {
        charge: num(o('Charge')), isolation: num(o('IsolationVar')), ehad_over_eem: num(o('EhadOverEem')),
      }];
    }
    case 'met': {
      const met = num(o('MET'));
      return [met * Math.cos(phi), met * Math.sin(phi), 0, met, { met, phi }];
    }
    case 'track':
      return [pt * Math.cos(phi), pt * Math.sin(phi), pt * Math.sinh(eta), pt * Math.cosh(eta), { pdg_id: num(o('PID')), charge: num(o('Charge')), d0: num(o('D0')), dz: num(o('DZ')) }];
    case 'tower': {
      const et = num(o('ET'));
      return [et * Math.cos(phi), et * Math.sin(phi), et * Math.sinh(eta), et * Math.cosh(eta), { eem: num(o('Eem')), ehad: num(o('Ehad')) }];
    }
    case 'particle':
      return [num(o('Px')), num(o('Py')), num(o('Pz')), num(o('E')), { pdg_id: num(o('PID')), charge: num(o('Charge')), status: num(o('Status')) }];
    case 'scalarht':
      return [0, 0, 0, 0, { ht: num(o('HT')) }];
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

/** The member arrays of one branch for the current entry: `get(member)` is the array (one value per object). */
function memberArrays(t: Record<string, unknown>, branch: string): (member: string) => ArrayLike<unknown> | undefined {
  return (m) => t[`${branch}.${m}`] as ArrayLike<unknown> | undefined;
}

/** Number of objects of a branch in the current entry (length of any member read). */
function objectCount(arrays: (member: string) => ArrayLike<unknown> | undefined, kind: Kind): number {
  for (const m of REQUIRED[kind]) {
    const a = arrays(m);
    if (a) return a.length;
  }
  return 0;
}

async function* delphesBatches(path: string, tree: RootTree, branches: DelphesBranch[], opts: ReadOptions, scale: number, eventBranch: DelphesBranch | undefined): AsyncGenerator<SourceEventBatch> {
  const size = batchSizeOf(opts);
  const requested = requestedCollections(opts);
  const { wanted, consBranches } = branchesToRead(branches, requested, eventBranch !== undefined);
  const jetBranches = wanted.filter((b) => b.kind === 'jet');
  const byName = new Map(branches.map((b) => [b.branch, b]));
  // member sub-branches to read: those of the wanted collections and of the constituent sources
  const reads = new Map<string, RootBranch>();
  for (const b of [...wanted, ...consBranches.map((n) => byName.get(n)!)]) {
    if (!b.kind) continue;
    for (const m of MEMBERS[b.kind]) {
      const sub = b.members?.get(m);
      if (sub) reads.set(`${b.branch}.${m}`, sub);
    }
  }
  if (eventBranch) reads.set('Event.Weight', eventBranch.members!.get('Weight')!);
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
    for (const [key, sub] of reads) sel.addBranch(sub, key);
    sel.Process = function (this: { tgtobj: Record<string, unknown> }, e: number) {
      entry = e;
      const t = this.tgtobj;
      const w = (t['Event.Weight'] as ArrayLike<number> | undefined)?.[0];
      weights.push((typeof w === 'number' ? w : 1) * scale);
      for (const b of wanted) rowBase.set(b.branch, builders.get(b.branch)!.rows);
      // unique id → (constituent branch index, index in branch) for this event
      const refMap = new Map<number, [number, number]>();
      consBranches.forEach((name, k) => {
        const ids = t[`${name}.fUniqueID`] as ArrayLike<number> | undefined;
        if (!ids) return;
        for (let i = 0; i < ids.length; i++) {
          // the same Delphes candidate can sit in two branches (Track and EFlowTrack share objects): the first
          // branch in CONSTITUENT_BRANCHES order wins, so particle-flow objects are preferred
          const u = ids[i] & 0xffffff;
          if (!refMap.has(u)) refMap.set(u, [k, i]);
        }
      });
      const consRow = new Map<number, number>();
      for (const b of wanted) {
        const builder = builders.get(b.branch)!;
        const arrays = memberArrays(t, b.branch);
        const count = objectCount(arrays, b.kind!);
        let i = 0;
        const get: Get = (m) => arrays(m)?.[i];
        for (i = 0; i < count; i++) {
          if (b.kind === 'particle') {
            if (get('Status') === 1) builder.add(...objectRow('particle', get));
            continue;
          }
          if (b.kind !== 'jet') {
            builder.add(...objectRow(b.kind!, get));
            continue;
          }
          const refs = (get('Constituents') as { fUIDs?: ArrayLike<number> } | undefined)?.fUIDs ?? [];
          const idx: number[] = [];
          for (let r = 0; r < refs.length; r++) {
            const u = refs[r] & 0xffffff;
            const hit = refMap.get(u);
            if (!hit) continue; // refers to a branch not read (e.g. Particle for a reco jet): dropped
            let row = consRow.get(u);
            if (row === undefined) {
              const [k, j] = hit;
              const src = consBranches[k];
              const srcArrays = memberArrays(t, src);
              const sg = (m: string): number => num(srcArrays(m)?.[j]);
              let px: number, py: number, pz: number, en: number;
              if (src === 'Particle') {
                px = sg('Px'); py = sg('Py'); pz = sg('Pz'); en = sg('E');
              } else {
                // massless, as Delphes clusters them (the fat-jet four-vector is this sum)
                const pt = srcArrays('ET') ? sg('ET') : sg('PT'), eta = sg('Eta'), phi = sg('Phi');
                px = pt * Math.cos(phi); py = pt * Math.sin(phi); pz = pt * Math.sinh(eta); en = pt * Math.cosh(eta);
              }
              // row of the same object in its own collection when that is in the batch (Particle keeps status 1 only)
              const sourceRow = builders.has(src) && src !== 'Particle' ? rowBase.get(src)! + j : NaN;
              row = consBuilder.rows;
              consBuilder.add(px, py, pz, en, { kind: (CONSTITUENT_BRANCHES as readonly string[]).indexOf(src), charge: srcArrays('Charge') ? sg('Charge') : 0, pdg_id: sg('PID'), source_row: sourceRow });
              consRow.set(u, row);
            }
            idx.push(row);
          }
          builder.add(...objectRow('jet', get), idx);
        }
        builder.endEvent();
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

