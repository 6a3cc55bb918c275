/**
 * The catalog of physics objects, observables and functions of the expression language. Completion, hover,
 * validation and the evaluator (core/observables) all read it, so a name means the same thing everywhere.
 *
 * Case rules: every name is case-insensitive (`Jet0.PT` = `jet0.pt`); canonical names are lower case; aliases
 * resolve to one canonical name. `tauMN` exists for every 1 ≤ N < M ≤ 5 (`tau21`, `tau32`, `tau42` …).
 *
 * Units: GeV for energies, momenta and masses; radians for angles; `1` for dimensionless numbers.
 */

/** Object kinds that appear at the top of a reference (`jet0`, `electron`, `subjet1`). */
export type TopKindName =
  | 'particle'
  | 'jet'
  | 'fatjet'
  | 'genjet'
  | 'electron'
  | 'muon'
  | 'photon'
  | 'missinget'
  | 'eflowtrack'
  | 'eflowphoton'
  | 'eflowneutralhadron'
  | 'track'
  | 'tower'
  | 'subjet';

/** Sub-collections of one object (`fatjet0.constituents`, `fatjet0.subjets`). */
export type ChildKindName = 'constituents' | 'subjets';

export type ObjectKindName = TopKindName | ChildKindName;

export interface ObjectKindSpec {
  name: ObjectKindName;
  aliases: readonly string[];
  /** Top-level collection or sub-collection of an object. */
  level: 'top' | 'child';
  /** Delphes branch it corresponds to, for messages and docs. */
  delphes?: string;
  /** Jets carry constituents and substructure observables. */
  jetLike: boolean;
  /** Sub-collections this kind has. */
  children: readonly ChildKindName[];
  /** Markdown for hover. */
  doc: string;
}

const JET_CHILDREN: readonly ChildKindName[] = ['constituents', 'subjets'];

export const OBJECT_KINDS: readonly ObjectKindSpec[] = [
  { name: 'particle', aliases: ['particles', 'genparticle'], level: 'top', delphes: 'Particle', jetLike: false, children: [],
    doc: 'Generator-level particles (final state for the built-in generator, LHE and HepMC3 inputs; the `Particle` branch of Delphes files). Fields: four-momentum, `pdg_id`, `charge`, `status`.' },
  { name: 'jet', aliases: ['jets'], level: 'top', delphes: 'Jet', jetLike: true, children: JET_CHILDREN,
    doc: 'Jets, ordered by decreasing pT: from `reconstruction: jet:` or the Delphes `Jet` branch (anti-kT R=0.4 in the default cards). `b_tag` and `tau_tag` come from Delphes.' },
  { name: 'fatjet', aliases: ['fatjets', 'largerjet'], level: 'top', delphes: 'FatJet', jetLike: true, children: JET_CHILDREN,
    doc: 'Large-radius jets, ordered by decreasing pT: from `reconstruction: fatjet:` or the Delphes `FatJet` branch (anti-kT R=0.8 in the CMS card). Used for boosted W, Z, H and top tagging.' },
  { name: 'genjet', aliases: ['genjets'], level: 'top', delphes: 'GenJet', jetLike: true, children: JET_CHILDREN,
    doc: 'Jets clustered from generator-level particles (Delphes `GenJet`).' },
  { name: 'electron', aliases: ['electrons'], level: 'top', delphes: 'Electron', jetLike: false, children: [],
    doc: 'Reconstructed electrons after detector efficiency and isolation (Delphes `Electron`), ordered by pT.' },
  { name: 'muon', aliases: ['muons'], level: 'top', delphes: 'Muon', jetLike: false, children: [],
    doc: 'Reconstructed muons (Delphes `Muon`), ordered by pT.' },
  { name: 'photon', aliases: ['photons'], level: 'top', delphes: 'Photon', jetLike: false, children: [],
    doc: 'Reconstructed photons (Delphes `Photon`), ordered by pT.' },
  { name: 'missinget', aliases: ['met', 'missing_et', 'missingenergy'], level: 'top', delphes: 'MissingET', jetLike: false, children: [],
    doc: 'Missing transverse momentum (Delphes `MissingET`): one object per event with `pt` = |p⃗T miss| (GeV) and `phi` (rad); `px`, `py` are its components. It has no η, energy or mass.' },
  { name: 'eflowtrack', aliases: ['eflowtracks'], level: 'top', delphes: 'EFlowTrack', jetLike: false, children: [],
    doc: 'Particle-flow charged tracks (Delphes `EFlowTrack`).' },
  { name: 'eflowphoton', aliases: ['eflowphotons'], level: 'top', delphes: 'EFlowPhoton', jetLike: false, children: [],
    doc: 'Particle-flow photons (Delphes `EFlowPhoton`).' },
  { name: 'eflowneutralhadron', aliases: ['eflowneutralhadrons'], level: 'top', delphes: 'EFlowNeutralHadron', jetLike: false, children: [],
    doc: 'Particle-flow neutral hadrons (Delphes `EFlowNeutralHadron`).' },
  { name: 'track', aliases: ['tracks'], level: 'top', delphes: 'Track', jetLike: false, children: [],
    doc: 'Reconstructed tracks (Delphes `Track`).' },
  { name: 'tower', aliases: ['towers'], level: 'top', delphes: 'Tower', jetLike: false, children: [],
    doc: 'Calorimeter towers (Delphes `Tower`).' },
  { name: 'subjet', aliases: ['subjets'], level: 'top', jetLike: true, children: ['constituents'],
    doc: 'In an `image` dataset: the subjets of the imaged jet, reclustered from its constituents with the image\'s `subjets:` definition (kT, R = 0.3 by default), ordered by pT. `translate: subjet0` centres the image on the leading subjet; `rotate: { axis: subjet1 }` turns the second subjet to a fixed direction.' },
  { name: 'constituents', aliases: ['constituent', 'const'], level: 'child', jetLike: false, children: [],
    doc: 'The constituents of each selected jet (`fatjet0.constituents`; `jet:3.constituents1:3` = constituents 1 and 2 of each of the first three jets). Ordered by decreasing pT. Several jets\' constituents are concatenated event by event.' },
  { name: 'subjets', aliases: ['subjet'], level: 'child', jetLike: true, children: ['constituents'],
    doc: 'The subjets of each selected jet: its constituents reclustered with exclusive kT into R = 0.3 subjets (an image dataset\'s `subjets:` option overrides), ordered by pT.' },
];

const KIND_BY_NAME = new Map<string, ObjectKindSpec>();
const CHILD_BY_NAME = new Map<string, ObjectKindSpec>();
for (const k of OBJECT_KINDS) {
  const target = k.level === 'top' ? KIND_BY_NAME : CHILD_BY_NAME;
  target.set(k.name, k);
  for (const a of k.aliases) if (!target.has(a)) target.set(a, k);
}

/** Resolves a top-level object name or alias (case-insensitive). */
export function lookupObjectKind(name: string): ObjectKindSpec | undefined {
  return KIND_BY_NAME.get(name.toLowerCase());
}

/** Resolves a sub-collection name or alias (case-insensitive): `constituents`, `subjets`. */
export function lookupChildKind(name: string): ObjectKindSpec | undefined {
  return CHILD_BY_NAME.get(name.toLowerCase());
}

/**
 * How an observable uses the objects it is given.
 * - `each`: one value per object (`jet0.pt` scalar, `jet.pt` ragged over the jets).
 * - `pair`: needs two object references (`jet0,jet1.delta_r`): scalar for two single objects, else ragged over
 *   the pairs (cartesian product; distinct unordered pairs when the same collection is named twice). On a
 *   sub-collection alone (`fatjet0.constituents.delta_phi`) it is taken relative to the parent object's axis.
 * - `combined`: one value from the four-momentum sum of every named object (`jet0,jet1.inv_mass`,
 *   `jet:2.inv_mass`): always scalar.
 * - `count`: number of selected objects (`jet.size`): always scalar.
 */
export type ObservableArity = 'each' | 'pair' | 'combined' | 'count';

export interface ObservableSpec {
  name: string;
  aliases: readonly string[];
  title: string;
  arity: ObservableArity;
  /** Object kinds it accepts; `'any'` for every kind. Collections defined in `reconstruction:` are jet-like. */
  accepts: readonly ObjectKindName[] | 'any';
  /** Unit of the value: `GeV`, `rad`, `1`. */
  unit: string;
  /** With `pair` arity: whether a sub-collection alone gives the value relative to its parent object. */
  relativeToParent?: boolean;
  /** Event-file field it reads when the file stores it (otherwise computed), e.g. `b_tag`. */
  field?: string;
  /** Markdown: what it is, its formula, its conventions. */
  doc: string;
}

const JETS: readonly ObjectKindName[] = ['jet', 'fatjet', 'genjet', 'subjet', 'subjets'];
const NOT_MET: readonly ObjectKindName[] = OBJECT_KINDS.filter((k) => k.name !== 'missinget').map((k) => k.name);
const CHARGED: readonly ObjectKindName[] = ['particle', 'electron', 'muon', 'track', 'eflowtrack', 'constituents'];

const FIXED_OBSERVABLES: ObservableSpec[] = [
  { name: 'px', aliases: [], title: 'x component of momentum', arity: 'each', accepts: 'any', unit: 'GeV',
    doc: '$p_x$ in GeV.' },
  { name: 'py', aliases: [], title: 'y component of momentum', arity: 'each', accepts: 'any', unit: 'GeV',
    doc: '$p_y$ in GeV.' },
  { name: 'pz', aliases: [], title: 'z component of momentum (beam axis)', arity: 'each', accepts: NOT_MET, unit: 'GeV',
    doc: '$p_z$ in GeV, along the beam.' },
  { name: 'e', aliases: ['energy'], title: 'energy', arity: 'each', accepts: NOT_MET, unit: 'GeV',
    doc: 'Energy $E$ in GeV.' },
  { name: 'pt', aliases: ['p_t', 'transverse_momentum'], title: 'transverse momentum', arity: 'each', accepts: 'any', unit: 'GeV',
    doc: 'Transverse momentum $p_T = \\sqrt{p_x^2 + p_y^2}$ in GeV. For `missinget`, the missing transverse momentum.' },
  { name: 'eta', aliases: ['pseudorapidity'], title: 'pseudorapidity', arity: 'each', accepts: NOT_MET, unit: '1',
    doc: 'Pseudorapidity $\\eta = -\\ln\\tan(\\theta/2) = \\operatorname{artanh}(p_z/|\\vec p|)$. Used by `delta_r` and image axes (as Delphes and HML do).' },
  { name: 'phi', aliases: [], title: 'azimuthal angle', arity: 'each', accepts: 'any', unit: 'rad',
    doc: 'Azimuthal angle $\\phi = \\operatorname{atan2}(p_y, p_x)$ in radians, in $(-\\pi, \\pi]$.' },
  { name: 'mass', aliases: ['m'], title: 'mass', arity: 'each', accepts: NOT_MET, unit: 'GeV',
    doc: 'Invariant mass $m = \\sqrt{E^2 - |\\vec p|^2}$ in GeV (negative $m^2$ from rounding gives $-\\sqrt{-m^2}$). For a jet, the mass of the sum of its constituents.' },
  { name: 'rapidity', aliases: ['y'], title: 'rapidity', arity: 'each', accepts: NOT_MET, unit: '1',
    doc: 'Rapidity $y = \\tfrac12 \\ln\\frac{E + p_z}{E - p_z}$. Clustering and substructure distances use $y$.' },
  { name: 'charge', aliases: ['q'], title: 'electric charge', arity: 'each', accepts: CHARGED, unit: 'e',
    field: 'charge', doc: 'Electric charge in units of the positron charge $e$ (−1, 0, +1 …).' },
  { name: 'pdg_id', aliases: ['pid', 'pdgid'], title: 'PDG particle code', arity: 'each', accepts: ['particle', 'constituents'], unit: '1',
    field: 'pdg_id', doc: 'Particle Data Group Monte Carlo code (11 electron, −11 positron, 22 photon, 211 π⁺ …).' },
  { name: 'b_tag', aliases: ['btag'], title: 'b-tag', arity: 'each', accepts: ['jet', 'fatjet', 'genjet'], unit: '1',
    field: 'b_tag', doc: 'b-tagging decision from Delphes (`BTag`): 1 when the jet is tagged as coming from a b quark (with the card\'s efficiency and mistag rates), else 0.' },
  { name: 'tau_tag', aliases: ['tautag'], title: 'τ-tag', arity: 'each', accepts: ['jet', 'fatjet', 'genjet'], unit: '1',
    field: 'tau_tag', doc: 'Hadronic-τ tagging decision from Delphes (`TauTag`): 1 when tagged, else 0.' },
  { name: 'log_pt', aliases: ['logpt'], title: 'logarithm of pT', arity: 'each', accepts: NOT_MET, unit: '1',
    doc: '$\\ln(p_T / \\mathrm{GeV})$. A common cloud feature.' },
  { name: 'log_e', aliases: ['loge'], title: 'logarithm of the energy', arity: 'each', accepts: NOT_MET, unit: '1',
    doc: '$\\ln(E / \\mathrm{GeV})$. A common cloud feature.' },
  { name: 'log_pt_rel', aliases: [], title: 'log of pT fraction', arity: 'each', accepts: ['constituents', 'subjets'], unit: '1',
    doc: '$\\ln(p_T / p_T^{\\mathrm{jet}})$: a constituent\'s pT relative to its parent jet.' },
  { name: 'log_e_rel', aliases: [], title: 'log of energy fraction', arity: 'each', accepts: ['constituents', 'subjets'], unit: '1',
    doc: '$\\ln(E / E^{\\mathrm{jet}})$: a constituent\'s energy relative to its parent jet.' },
  { name: 'size', aliases: ['count', 'n', 'length', 'multiplicity'], title: 'number of objects', arity: 'count', accepts: 'any', unit: '1',
    doc: 'Number of selected objects in the event: `jet.size` counts jets, `jet:3.size` is at most 3, `fatjet0.constituents.size` counts the leading fat jet\'s constituents (0 when there is no fat jet).' },
  { name: 'n_constituents', aliases: ['nconstituents', 'n_const', 'nconst'], title: 'number of constituents', arity: 'each', accepts: JETS, unit: '1',
    doc: 'Number of constituents of each jet.' },
  { name: 'inv_mass', aliases: ['invariant_mass', 'm_inv', 'minv'], title: 'invariant mass of a system', arity: 'combined', accepts: NOT_MET, unit: 'GeV',
    doc: 'Invariant mass of the sum of every named object: $m = \\sqrt{(\\sum E)^2 - |\\sum \\vec p|^2}$ in GeV. `jet0,jet1.inv_mass` is the dijet mass; `jet:2.inv_mass` the same for the two leading jets. NaN when a named single object is missing.' },
  { name: 'delta_r', aliases: ['dr', 'deltar'], title: 'angular distance ΔR', arity: 'pair', accepts: NOT_MET, unit: '1', relativeToParent: true,
    doc: '$\\Delta R = \\sqrt{\\Delta\\eta^2 + \\Delta\\phi^2}$ between two objects, with pseudorapidity $\\eta$ and $\\Delta\\phi$ wrapped into $(-\\pi, \\pi]$. `jet0,jet1.delta_r` is one number per event; `jet0,jet.delta_r` one per pair. On constituents alone, the distance to the parent jet axis.' },
  { name: 'delta_phi', aliases: ['dphi', 'deltaphi'], title: 'azimuthal separation Δφ', arity: 'pair', accepts: 'any', unit: 'rad', relativeToParent: true,
    doc: '$\\Delta\\phi = \\phi_1 - \\phi_2$ wrapped into $(-\\pi, \\pi]$, in radians (signed). Works with `missinget`. On constituents alone (`fatjet0.constituents.delta_phi`), relative to the parent jet axis.' },
  { name: 'delta_eta', aliases: ['deta', 'deltaeta'], title: 'pseudorapidity separation Δη', arity: 'pair', accepts: NOT_MET, unit: '1', relativeToParent: true,
    doc: '$\\Delta\\eta = \\eta_1 - \\eta_2$ (signed). On constituents alone, relative to the parent jet axis.' },
  { name: 'd2', aliases: ['d2_b1'], title: 'energy-correlation ratio D₂ (β = 1)', arity: 'each', accepts: JETS, unit: '1',
    doc: '$D_2^{(\\beta)} = e_3^{(\\beta)} / (e_2^{(\\beta)})^3$ with $\\beta = 1$, from the normalised energy-correlation functions $e_2 = \\sum_{i<j} z_i z_j R_{ij}^{\\beta}$, $e_3 = \\sum_{i<j<k} z_i z_j z_k (R_{ij} R_{ik} R_{jk})^{\\beta}$, $z_i = p_{T,i}/\\sum p_T$, $R_{ij}$ in (y, φ). Small for two-prong jets (W, Z, H). Larkoski, Moult, Neill, arXiv:1409.6298.' },
  { name: 'd2_b2', aliases: [], title: 'energy-correlation ratio D₂ (β = 2)', arity: 'each', accepts: JETS, unit: '1',
    doc: '$D_2^{(2)} = e_3^{(2)} / (e_2^{(2)})^3$: as `d2` with angular exponent $\\beta = 2$.' },
  { name: 'c2', aliases: ['c2_b1'], title: 'energy-correlation ratio C₂ (β = 1)', arity: 'each', accepts: JETS, unit: '1',
    doc: '$C_2^{(\\beta)} = e_3^{(\\beta)} / (e_2^{(\\beta)})^2$ with $\\beta = 1$. Larkoski, Salam, Thaler, arXiv:1305.0007.' },
  { name: 'c2_b2', aliases: [], title: 'energy-correlation ratio C₂ (β = 2)', arity: 'each', accepts: JETS, unit: '1',
    doc: '$C_2^{(2)} = e_3^{(2)} / (e_2^{(2)})^2$.' },
  { name: 'sd_mass', aliases: ['softdrop_mass', 'msd', 'm_sd'], title: 'soft-drop mass', arity: 'each', accepts: JETS, unit: 'GeV',
    doc: 'Mass of the jet after soft-drop grooming (C/A declustering, $z_{cut} = 0.1$, $\\beta = 0$, i.e. mass-drop-like): drop the softer branch while $\\min(p_{T1}, p_{T2})/(p_{T1} + p_{T2}) < z_{cut} (\\Delta R_{12}/R)^{\\beta}$. GeV. Larkoski et al., arXiv:1402.2657.' },
];

/** N-subjettiness τ_N (1 ≤ N ≤ 5). */
function tauN(n: number): ObservableSpec {
  return {
    name: `tau${n}`, aliases: [], title: `N-subjettiness τ${n}`, arity: 'each', accepts: JETS, unit: '1', field: `tau${n}`,
    doc: `N-subjettiness $\\tau_${n} = \\frac{1}{d_0} \\sum_k p_{T,k} \\min(\\Delta R_{1k}, \\dots, \\Delta R_{${n}k})$, $d_0 = \\sum_k p_{T,k} R$, with ${n} exclusive-kT axes and $\\beta = 1$ (Thaler, Van Tilburg, arXiv:1011.2268). Read from the file when stored (Delphes \`Tau\`), else computed. Small when the jet has at most ${n} prongs.`,
  };
}

/** N-subjettiness ratio τ_M/τ_N. */
function tauRatio(m: number, n: number): ObservableSpec {
  const what = m === 2 && n === 1 ? ' Small for two-prong jets (W, Z, H → q q̄), near 1 for QCD.' : m === 3 && n === 2 ? ' Small for three-prong jets (hadronic top), larger for W and QCD.' : '';
  return {
    name: `tau${m}${n}`, aliases: [], title: `N-subjettiness ratio τ${m}/τ${n}`, arity: 'each', accepts: JETS, unit: '1',
    doc: `$\\tau_{${m}${n}} = \\tau_${m} / \\tau_${n}$ (NaN when $\\tau_${n} = 0$).${what}`,
  };
}

const DYNAMIC: ObservableSpec[] = [];
for (let m = 1; m <= 5; m++) DYNAMIC.push(tauN(m));
for (let m = 2; m <= 5; m++) for (let n = 1; n < m; n++) DYNAMIC.push(tauRatio(m, n));

/** Every observable, canonical entries only (aliases inside each). */
export const OBSERVABLES: readonly ObservableSpec[] = [...FIXED_OBSERVABLES, ...DYNAMIC];

const OBS_BY_NAME = new Map<string, ObservableSpec>();
for (const o of OBSERVABLES) {
  OBS_BY_NAME.set(o.name, o);
  for (const a of o.aliases) OBS_BY_NAME.set(a, o);
}

/**
 * Per-particle features that only clouds have (core/representations/cloud computes them): particle classes and
 * fractions of the parent jet. Not observables of the expression language. `relative` ones need a jet's
 * constituents (`object: fatjet0.constituents`), not a bare collection.
 */
export interface CloudFeatureSpec {
  name: string;
  title: string;
  unit: string;
  relative: boolean;
  doc: string;
}

export const CLOUD_ONLY_FEATURES: readonly CloudFeatureSpec[] = [
  { name: 'pt_fraction', title: 'pT fraction of the jet', unit: '1', relative: true, doc: '$p_T / p_T^{\\mathrm{jet}}$ of the constituent.' },
  { name: 'e_fraction', title: 'energy fraction of the jet', unit: '1', relative: true, doc: '$E / E^{\\mathrm{jet}}$ of the constituent.' },
  { name: 'pdg_class', title: 'particle class', unit: '1', relative: false, doc: 'Particle class: 0 unknown, 1 charged hadron, 2 neutral hadron, 3 photon, 4 electron, 5 muon (from the PDG id, else from the charge).' },
  { name: 'is_charged_hadron', title: 'one-hot: charged hadron', unit: '1', relative: false, doc: '1 for a charged hadron, else 0.' },
  { name: 'is_neutral_hadron', title: 'one-hot: neutral hadron', unit: '1', relative: false, doc: '1 for a neutral hadron, else 0.' },
  { name: 'is_photon', title: 'one-hot: photon', unit: '1', relative: false, doc: '1 for a photon, else 0.' },
  { name: 'is_electron', title: 'one-hot: electron', unit: '1', relative: false, doc: '1 for an electron or positron, else 0.' },
  { name: 'is_muon', title: 'one-hot: muon', unit: '1', relative: false, doc: '1 for a muon, else 0.' },
];

/** A cloud-only feature by name (case-insensitive). */
export function lookupCloudFeature(name: string): CloudFeatureSpec | undefined {
  const l = name.toLowerCase();
  return CLOUD_ONLY_FEATURES.find((f) => f.name === l);
}

/** Resolves an observable name or alias, case-insensitively. */
export function lookupObservable(name: string): ObservableSpec | undefined {
  return OBS_BY_NAME.get(name.toLowerCase());
}

/** Whether `spec` accepts objects of kind `kind` (a custom collection from `reconstruction:` counts as `jet`). */
export function observableAccepts(spec: ObservableSpec, kind: ObjectKindName): boolean {
  return spec.accepts === 'any' || spec.accepts.includes(kind);
}

export interface FunctionSpec {
  name: 'abs' | 'min' | 'max' | 'sum' | 'log' | 'sqrt';
  /** Minimum and maximum number of arguments. */
  minArgs: number;
  maxArgs: number;
  signature: string;
  doc: string;
}

export const FUNCTIONS: readonly FunctionSpec[] = [
  { name: 'abs', minArgs: 1, maxArgs: 1, signature: 'abs(x)', doc: 'Absolute value $|x|$, element by element: `abs(jet0.eta) < 2.5`.' },
  { name: 'sqrt', minArgs: 1, maxArgs: 1, signature: 'sqrt(x)', doc: 'Square root, element by element; NaN for negative $x$.' },
  { name: 'log', minArgs: 1, maxArgs: 1, signature: 'log(x)', doc: 'Natural logarithm $\\ln x$, element by element; NaN for $x < 0$, $-\\infty$ for 0.' },
  { name: 'sum', minArgs: 1, maxArgs: 16, signature: 'sum(x) | sum(a, b, …)', doc: 'With one ragged argument, the sum over the objects of each event (`sum(jet.pt)` = $H_T$ of all jets; 0 for no objects). With several arguments, their element-wise sum.' },
  { name: 'min', minArgs: 1, maxArgs: 16, signature: 'min(x) | min(a, b, …)', doc: 'With one ragged argument, the smallest value per event (NaN for no objects). With several arguments, the element-wise minimum.' },
  { name: 'max', minArgs: 1, maxArgs: 16, signature: 'max(x) | max(a, b, …)', doc: 'With one ragged argument, the largest value per event (NaN for no objects). With several arguments, the element-wise maximum.' },
];

export function lookupFunction(name: string): FunctionSpec | undefined {
  const l = name.toLowerCase();
  return FUNCTIONS.find((f) => f.name === l);
}

/** Keywords of the language, with hover text. */
export const KEYWORDS: Readonly<Record<'and' | 'or' | 'not' | 'veto' | 'any' | 'all', string>> = {
  and: 'Both conditions (element by element for objects of one collection). `&&` and `&` mean the same.',
  or: 'Either condition. `||` and `|` mean the same.',
  not: 'Negation. `!` means the same.',
  any: 'Prefix: the condition holds for **at least one** selected object (`any jet.b_tag == 1`). False when there are no objects.',
  all: 'Prefix (the default for cuts): the condition holds for **every** selected object. True when there are no objects.',
  veto: 'Prefix: reject events where the condition holds, after reducing with `all` (default) or `any`: `veto any electron.pt > 10` keeps events without an electron above 10 GeV.',
};

/** Names the completion offers after `object.` for a kind: observables that accept it plus its sub-collections. */
export function observablesFor(kind: ObjectKindName): ObservableSpec[] {
  return OBSERVABLES.filter((o) => observableAccepts(o, kind));
}

/** Levenshtein distance, for did-you-mean suggestions (small strings only). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const m = a.length;
  const n = b.length;
  if (m === 0) return n;
  if (n === 0) return m;
  let prev = new Array<number>(n + 1);
  let cur = new Array<number>(n + 1);
  for (let j = 0; j <= n; j++) prev[j] = j;
  for (let i = 1; i <= m; i++) {
    cur[0] = i;
    for (let j = 1; j <= n; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1));
    }
    [prev, cur] = [cur, prev];
  }
  return prev[n];
}

/** The closest candidate within a distance that scales with the length, or undefined. */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  const limit = Math.max(1, Math.min(3, Math.floor(w.length / 3) + 1));
  for (const c of candidates) {
    if (Math.abs(c.length - w.length) > limit) continue;
    const d = editDistance(w, c.toLowerCase());
    // Ties go to the candidate of the same length: 'tau2l' is a typo of 'tau21' more likely than of 'tau2'.
    const score = d * 100 + Math.abs(c.length - w.length);
    if (score < bestD) {
      bestD = score;
      best = c;
    }
  }
  return Math.floor(bestD / 100) <= limit ? best : undefined;
}

/** Every observable name and alias (for did-you-mean). */
export function allObservableNames(): string[] {
  return [...OBS_BY_NAME.keys()];
}

/** Every top-level object name and alias. */
export function allObjectNames(): string[] {
  return [...KIND_BY_NAME.keys()];
}
