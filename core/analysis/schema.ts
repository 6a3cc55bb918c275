/**
 * THE schema of analysis files (`*.hml.yaml`): the single source of truth. The `Analysis` type (model.ts), the
 * validator (validate.ts), the JSON Schema (`hml schema`) and the language server's hover and completion all come
 * from the nodes below. Change a key here and every one of them follows.
 *
 * Units: GeV for energies, momenta and masses; pb for cross sections; fb^-1 for luminosity; radians for angles
 * except the image `rotate.orientation` (degrees, as in HML).
 */
import { arr, bool, dflt, enm, int, map, num, obj, opt, req, scalar, str, tagged, union, type ObjectNode } from './dsl';

const NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_-]*$';
const NAME_MESSAGE = 'Names start with a letter or _ and contain letters, digits, _ and -';

// ---------------------------------------------------------------- samples

const events = (what: string, dflt0?: number) =>
  int(`Number of events ${what}.${dflt0 ? ` Default ${dflt0}.` : ''} More events give smoother distributions and better-trained methods; start small while setting up.`, {
    minimum: 1,
    maximum: 100_000_000,
    title: 'number of events',
  });

const sqrtS = num('Centre-of-mass energy $\\sqrt{s}$ of the proton–proton collisions, in GeV (13000 for the LHC Run 2, 13600 for Run 3).', {
  unit: 'GeV',
  minimum: 10,
  maximum: 1_000_000,
  title: '√s',
});

const pileup = num('Mean number of additional proton–proton interactions (pile-up) overlaid on each event. 0 switches pile-up off. Pile-up adds soft particles to jets and degrades mass and substructure resolution.', {
  minimum: 0,
  maximum: 1000,
  title: 'pile-up',
});

export const PROCESSES = {
  'z-jets': 'Boosted $Z \\to q\\bar q$ recoiling against a jet: a two-prong signal. The `pt` window applies to the Z.',
  'w-jets': 'Boosted $W \\to q\\bar q\'$ recoiling against a jet: a two-prong signal (HEP ML Lab case study). The `pt` window applies to the W.',
  'top-jets': 'Boosted hadronic top quarks $t \\to b W \\to b q \\bar q\'$: a three-prong signal. The `pt` window applies to the top.',
  'higgs-bb': 'Boosted $H \\to b\\bar b$ recoiling against a jet: a two-prong signal with b-flavoured prongs. The `pt` window applies to the Higgs.',
  'qcd-jets': 'QCD dijet production with light-quark and gluon jets: the usual background to boosted-object tagging. The `pt` window applies to the leading parton.',
} as const;

const builtinGenerator = obj(
  'The built-in generator: fast, self-contained, no external programs. Produces hard processes, a parton shower, hadronisation and a fast detector simulation good enough for tagging studies (not for precision physics). Outputs final-state `particle` objects; build jets with `reconstruction:`.',
  {
    engine: req(enm('Event generator.', { builtin: 'The built-in generator.' })),
    process: req(enm('Physics process to generate.', PROCESSES)),
    events: dflt(events('to generate', 10000), 10000),
    pt: dflt(
      arr(num('GeV', { unit: 'GeV', minimum: 0 }), 'Window `[min, max]` in GeV on the transverse momentum of the boosted object (or leading parton for `qcd-jets`). Narrow windows make signal and background comparable in pT.', { minItems: 2, maxItems: 2, code: 'bad-window' }),
      [250, 300],
    ),
    sqrt_s: dflt(sqrtS, 13000),
    detector: dflt(enm('Detector simulation applied to final-state particles.', { fast: 'Gaussian smearing of energies and directions with a calorimeter granularity of 0.1 × 0.1 in (η, φ), like the Delphes CMS card.', none: 'No detector: generator-level particles.' }), 'fast'),
    pileup: dflt(pileup, 0),
    recoil: dflt(enm('What the boson recoils against in `w-jets` and `z-jets` (other processes accept only `parton`).', { parton: 'A quark or gluon jet (V + jet): the recoil jet is as hard as the boson jet.', invisible: 'A $Z \\to \\nu\\bar\\nu$ (V + Z, the topology of the HEP ML Lab $WZ$ study): the boson\'s prongs are the leading jets and the recoil shows up as missing $E_T$. The nominal cross section is that of V + Z.' }), 'parton'),
  },
  { hints: { energy: 'sqrt_s', nevents: 'events', n_events: 'events', pt_range: 'pt', ptrange: 'pt' }, snippet: '{ engine: builtin, process: ${1|z-jets,w-jets,top-jets,higgs-bb,qcd-jets|}, events: ${2:10000}, pt: [${3:250}, ${4:300}] }' },
);

/** Common MadGraph5 run-card keys, documented for hover; others are passed through with a warning. */
export const RUN_CARD_KEYS: Record<string, string> = {
  ptj: 'Minimum pT of light jets at parton level, GeV.',
  ptb: 'Minimum pT of b jets at parton level, GeV.',
  pta: 'Minimum pT of photons, GeV.',
  ptl: 'Minimum pT of charged leptons, GeV.',
  etaj: 'Maximum |η| of light jets.',
  etab: 'Maximum |η| of b jets.',
  etal: 'Maximum |η| of charged leptons.',
  etaa: 'Maximum |η| of photons.',
  drjj: 'Minimum ΔR between light jets.',
  drll: 'Minimum ΔR between charged leptons.',
  drbb: 'Minimum ΔR between b jets.',
  mmjj: 'Minimum invariant mass of jet pairs, GeV.',
  mmjjmax: 'Maximum invariant mass of jet pairs, GeV (-1: none).',
  mmll: 'Minimum invariant mass of lepton pairs, GeV.',
  htjmin: 'Minimum scalar sum of jet pT ($H_T$), GeV. Useful to generate boosted topologies efficiently.',
  htjmax: 'Maximum $H_T$ of jets, GeV (-1: none).',
  ihtmin: 'Minimum inclusive $H_T$ (all partons), GeV.',
  ihtmax: 'Maximum inclusive $H_T$, GeV (-1: none).',
  ptheavy: 'Minimum pT of heavy final-state particles (top, W, Z, H), GeV.',
  xqcut: 'Minimum kT distance between partons for MLM matching, GeV (use with `ickkw: 1`).',
  ickkw: 'Matching scheme: 0 none, 1 MLM.',
  pdlabel: 'Parton distribution set (`nn23lo1`, `lhapdf` …).',
  lhaid: 'LHAPDF set number when `pdlabel: lhapdf`.',
  dynamical_scale_choice: 'Renormalisation/factorisation scale choice (-1 default, 1 transverse energy, 3 $H_T/2$ …).',
  use_syst: 'Compute systematic weights (true/false). Off makes runs faster.',
  cut_decays: 'Apply the parton-level cuts to decay products too (true/false).',
  maxjetflavor: 'Number of flavours in the `j` and `p` multiparticles (4 or 5).',
  auto_ptj_mjj: 'Let MadGraph5 set ptj and mjj from xqcut (true/false).',
  ptmiss: 'Minimum missing transverse momentum, GeV.',
  nhel: 'Helicity treatment: 0 sum over helicities, 1 sample them.',
  ebeam1: 'Energy of beam 1 in GeV (set from `sqrt_s` by default; do not set both).',
  ebeam2: 'Energy of beam 2 in GeV (set from `sqrt_s` by default; do not set both).',
};

const madgraphGenerator = obj(
  'MadGraph5_aMC@NLO for the hard process, Pythia8 for shower and hadronisation, Delphes for the detector. Needs `mg5_aMC` on PATH (or the VS Code setting `hml.madgraph5.executable`). Delphes output provides `jet`, `fatjet`, `electron`, `muon`, `photon`, `missinget`, the `eflow*` branches and more.',
  {
    engine: req(enm('Event generator.', { madgraph5: 'MadGraph5_aMC@NLO + Pythia8 + Delphes.' })),
    model: dflt(str('UFO model to import (`sm`, `sm-no_b_mass`, `heft`, a path to a UFO folder).', { title: 'model' }), 'sm'),
    processes: req(
      arr(str('A MadGraph5 process line, e.g. `p p > t t~` or `p p > z j, z > j j`.', { format: 'mg5-process' }), 'Processes to generate, as MadGraph5 `generate` / `add process` lines. Several lines are added together.', { minItems: 1 }),
    ),
    definitions: opt(
      map(str('Particles of the label, separated by spaces.'), 'Multiparticle labels (MadGraph5 `define`), e.g. `vl: ve vm vt` or `q: u d s c u~ d~ s~ c~`.', { keyDescription: 'label' }),
    ),
    shower: dflt(enm('Parton shower and hadronisation.', { pythia8: 'Pythia8 (needs the MadGraph5 Pythia8 interface installed).', none: 'No shower: parton-level LHE events only.' }), 'pythia8'),
    detector: dflt(enm('Detector simulation.', { delphes: 'Delphes fast simulation (the card from `cards.delphes`, else the CMS card).', none: 'No detector simulation.' }), 'delphes'),
    madspin: dflt(bool('Decay heavy resonances with MadSpin (keeps spin correlations). Turned on automatically when `decays` is given.'), false),
    decays: opt(arr(str('A MadSpin decay line, e.g. `t > w+ b, w+ > j j`.'), 'Decays handled by MadSpin.')),
    settings: opt(
      obj('MadGraph5 run-card settings (`set <key> <value>`): generation cuts, PDFs, scales. Keys are the run-card names; common ones are documented.', Object.fromEntries(Object.entries(RUN_CARD_KEYS).map(([k, d]) => [k, opt(scalar(d))])), {
        additional: scalar('A run-card value.'),
        unknownKeySeverity: 'warning',
      }),
    ),
    cards: opt(
      obj('Card files to use instead of the defaults, paths relative to the analysis file.', {
        run: opt(str('run_card.dat', { format: 'path' })),
        param: opt(str('param_card.dat (masses, widths, couplings).', { format: 'path' })),
        pythia8: opt(str('pythia8_card.dat', { format: 'path' })),
        delphes: opt(str('Delphes detector card (`delphes_card_CMS.tcl`, `delphes_card_ATLAS.tcl` …).', { format: 'path' })),
        madspin: opt(str('madspin_card.dat', { format: 'path' })),
      }),
    ),
    events: dflt(events('per run', 10000), 10000),
    sqrt_s: dflt(sqrtS, 13000),
    multi_run: dflt(int('Number of MadGraph5 runs with different seeds whose events are combined (`multi_run`). Total events = `events` × `multi_run`.', { minimum: 1, maximum: 10000 }), 1),
    pileup: dflt(pileup, 0),
  },
  { hints: { process: 'processes', energy: 'sqrt_s', nevents: 'events', run_card: 'settings', define: 'definitions' }, snippet: '{ engine: madgraph5, processes: ["${1:p p > j j}"], events: ${2:10000} }' },
);

const filesGenerator = obj(
  'Existing event files: LHE, HepMC3 or Delphes ROOT. LHE and HepMC3 provide `particle` objects (build jets with `reconstruction:`); Delphes files provide every Delphes branch.',
  {
    engine: req(enm('Event generator.', { files: 'Read events from files.' })),
    files: req(arr(str('A file path, relative to the analysis file; globs such as `run_*/events.hepmc` are allowed.', { format: 'path' }), 'Event files, read in order.', { minItems: 1 })),
    format: dflt(enm('File format.', { auto: 'From the extension (`.lhe`, `.lhe.gz`, `.hepmc`, `.root`).', lhe: 'Les Houches Event files.', hepmc: 'HepMC3 ASCII files.', delphes: 'Delphes ROOT files.' }), 'auto'),
    events: opt(events('to read at most (default: all)')),
    tree: dflt(str('Name of the Delphes tree in ROOT files.'), 'Delphes'),
  },
  { hints: { paths: 'files', path: 'files' }, snippet: '{ engine: files, files: ["${1:events.hepmc}"] }' },
);

const sample = obj(
  'One sample of events: a process, how it is generated, and whether it is signal or background.',
  {
    label: req(enm('Class of the sample for training and metrics.', { signal: 'Events the methods should select.', background: 'Events the methods should reject.' }, { code: 'bad-label' })),
    generator: req(tagged('engine', 'How the events are produced: `builtin`, `madgraph5` or `files`.', { builtin: builtinGenerator, madgraph5: madgraphGenerator, files: filesGenerator })),
    cross_section: dflt(
      union(
        'Cross section in pb, or `auto` to take it from the generator (MadGraph5 banner, LHE `<init>` block, built-in process tables). Sets event weights: Σw = σ × kept fraction.',
        num('Cross section in pb.', { unit: 'pb', exclusiveMinimum: 0 }),
        enm('Take it from the generator.', { auto: 'From the generator output.' }),
      ),
      'auto',
    ),
  },
  { snippet: '${1:name}:\n  label: ${2|signal,background|}\n  generator: { engine: builtin, process: ${3|w-jets,z-jets,top-jets,higgs-bb,qcd-jets|}, events: ${4:10000}, pt: [${5:250}, ${6:300}] }' },
);

// ---------------------------------------------------------------- reconstruction

const jetDefinition = obj(
  'A jet collection built by clustering: the key is the collection name used in expressions (`jet`, `fatjet`, or your own, e.g. `ak10`). Jets are sorted by decreasing pT.',
  {
    algorithm: dflt(enm('Sequential-recombination algorithm.', { antikt: 'anti-kT ($p = -1$): round, hard-centred jets; the LHC standard.', kt: 'kT ($p = 1$): clusters soft pairs first; good for subjets.', cambridge: 'Cambridge/Aachen ($p = 0$): angular ordering; used for grooming.', genkt: 'Generalised kT with exponent `p`.' }), 'antikt'),
    r: req(num('Jet radius $R$ in the rapidity–azimuth plane (0.4 for jets, 0.8–1.0 for large-radius jets).', { exclusiveMinimum: 0, maximum: 10, title: 'jet radius' })),
    p: opt(num('Exponent $p$ of the generalised kT distance $d_{ij} = \\min(p_{Ti}^{2p}, p_{Tj}^{2p}) \\Delta R_{ij}^2 / R^2$ (only with `algorithm: genkt`).', { minimum: -10, maximum: 10 })),
    min_pt: dflt(num('Minimum jet pT in GeV; softer jets are dropped.', { unit: 'GeV', minimum: 0 }), 0),
    max_eta: opt(num('Maximum jet |η|; jets further forward are dropped (default: no limit).', { exclusiveMinimum: 0, maximum: 20 })),
    input: dflt(enm('What is clustered.', { particle: 'Visible final-state particles (neutrinos excluded): the built-in generator, LHE and HepMC3 files, or Delphes `Particle`.', eflow: 'Delphes particle-flow objects: `eflowtrack` + `eflowphoton` + `eflowneutralhadron`.', tower: 'Delphes calorimeter towers.', track: 'Delphes tracks.' }), 'particle'),
    replace: dflt(bool('Allow replacing a collection the events already have (e.g. Delphes `jet`). Without it, a clash is an error.'), false),
  },
  { hints: { radius: 'r', R: 'r', ptmin: 'min_pt', pt_min: 'min_pt', eta_max: 'max_eta', etamax: 'max_eta', algo: 'algorithm' }, snippet: '{ algorithm: ${1|antikt,kt,cambridge|}, r: ${2:0.4}, min_pt: ${3:20} }' },
);

// ---------------------------------------------------------------- datasets

const fraction = (what: string) => num(what, { minimum: 0, maximum: 1 });

const datasetCommon = () => ({
  split: dflt(
    obj('Fractions of events for training, validation and testing. They must add up to 1 (within 1e-9). Without `validation`, methods that need one take the last 10% of `train`.', {
      train: req(fraction('Fraction used to train.')),
      validation: opt(fraction('Fraction used to choose hyper-parameters and stop training early.')),
      test: req(fraction('Fraction used only for the final metrics.')),
    }),
    { train: 0.7, test: 0.3 },
  ),
  weights: dflt(
    enm('Training weights per event (physics weights σ-normalised are always stored in the dataset too).', {
      unit: 'Every event counts 1.',
      balanced: 'Each class sums to the same total: compensates unequal numbers of signal and background events.',
      physics: 'Physics weights (σ × luminosity normalised): training sees the real mixture.',
    }),
    'unit',
  ),
  reweight: opt(
    obj('Reweight signal so that its distribution of one observable matches the background (removes pT as a discriminant).', {
      observable: req(str('Observable, one per event, e.g. `fatjet0.pt`.', { format: 'observable' })),
      bins: dflt(int('Number of histogram bins.', { minimum: 1, maximum: 10000 }), 20),
    }),
  ),
});

const setDataset = obj('A table: one row per event, one column per observable. For cut-and-count, boosted trees and MLPs.', {
  type: req(enm('Dataset representation.', { set: 'Table of observables.' })),
  observables: req(arr(str('An observable, one number per event: `fatjet0.mass`, `fatjet0.tau21`, `jet0,jet1.delta_r`, `abs(jet0.eta)`.', { format: 'observable' }), 'Columns of the table.', { minItems: 1 })),
  ...datasetCommon(),
}, { snippet: '${1:features}:\n  type: set\n  observables: [${2:fatjet0.mass, fatjet0.tau21}]\n  split: { train: 0.7, test: 0.3 }' });

const imageDataset = obj(
  'Jet images: the constituents of a jet histogrammed in a (height × width) grid, pixel intensity from `channel`. For convolutional networks.',
  {
    type: req(enm('Dataset representation.', { image: 'Jet images.' })),
    height: req(str('Vertical axis: a per-constituent observable, usually `fatjet0.constituents.phi`.', { format: 'per-object' })),
    width: req(str('Horizontal axis: a per-constituent observable, usually `fatjet0.constituents.eta`.', { format: 'per-object' })),
    channel: opt(
      union(
        'Pixel intensity: a per-constituent observable (default: `pt` of the same constituents), or a list for several channels.',
        str('Intensity of one channel, e.g. `fatjet0.constituents.pt`.', { format: 'per-object' }),
        arr(str('Intensity of one channel.', { format: 'per-object' }), 'One entry per channel.', { minItems: 1, maxItems: 16 }),
      ),
    ),
    subjets: dflt(
      obj('How subjets (`subjet0`, `subjet1` …) are found for `translate` and `rotate`: the constituents are reclustered with this definition.', {
        algorithm: dflt(enm('Algorithm.', { kt: 'kT.', antikt: 'anti-kT.', cambridge: 'Cambridge/Aachen.' }), 'kt'),
        r: dflt(num('Subjet radius.', { exclusiveMinimum: 0, maximum: 5 }), 0.3),
      }),
      { algorithm: 'kt', r: 0.3 },
    ),
    translate: opt(str('Object moved to the image centre before pixelisation, e.g. `subjet0` (leading subjet) or `fatjet0`.', { format: 'object' })),
    rotate: opt(
      obj('Rotation so that one object always points the same way (removes the azimuthal symmetry the network would otherwise have to learn).', {
        axis: req(str('Object whose direction is rotated, e.g. `subjet1`.', { format: 'object' })),
        orientation: dflt(num('Angle of that direction after rotation, in DEGREES (as in HML): -90 points it down.', { unit: 'degrees', minimum: -360, maximum: 360 }), -90),
      }),
    ),
    flip: dflt(bool('Flip the image so that the half with more intensity is always on the same side.'), false),
    pixels: dflt(arr(int('Pixels.', { minimum: 1, maximum: 1024 }), 'Image size `[height, width]` in pixels.', { minItems: 2, maxItems: 2 }), [33, 33]),
    range: dflt(
      arr(arr(num('Edge.'), '`[min, max]`', { minItems: 2, maxItems: 2 }), 'Axis ranges `[[height min, height max], [width min, width max]]` in the units of the axes (radians for φ).', { minItems: 2, maxItems: 2, code: 'bad-window' }),
      [[-1.6, 1.6], [-1.6, 1.6]],
    ),
    normalize: dflt(enm('Pixel normalisation per image.', { none: 'Raw sums.', max: 'Divide by the largest pixel.', sum: 'Divide by the total (pixels sum to 1).', log: 'log(1 + x) of the raw sums.' }), 'none'),
    ...datasetCommon(),
  },
  { hints: { size: 'pixels', shape: 'pixels', normalise: 'normalize', normalization: 'normalize', center: 'translate', centre: 'translate' }, snippet: '${1:images}:\n  type: image\n  height: fatjet0.constituents.phi\n  width: fatjet0.constituents.eta\n  channel: fatjet0.constituents.pt\n  pixels: [33, 33]\n  split: { train: 0.7, test: 0.3 }' },
);

/** Per-particle features a cloud may use: any observable accepting constituents (the catalog), e.g. these. */
export const COMMON_CLOUD_FEATURES = ['delta_eta', 'delta_phi', 'log_pt', 'log_e', 'log_pt_rel', 'log_e_rel', 'delta_r', 'pt', 'eta', 'phi', 'e', 'charge', 'pdg_id', 'pt_fraction', 'e_fraction', 'pdg_class', 'is_charged_hadron', 'is_neutral_hadron', 'is_photon', 'is_electron', 'is_muon'];

const cloudDataset = obj(
  'Point clouds: for each event, a list of particles (e.g. a jet\'s constituents) with a few features each, padded to `max_particles` with a mask. For particle-flow networks (`pfn`).',
  {
    type: req(enm('Dataset representation.', { cloud: 'Particle clouds.' })),
    object: req(str('Whose particles: a collection, e.g. `fatjet0.constituents` or `eflowtrack`.', { format: 'object' })),
    features: dflt(arr(str('A per-particle observable from the catalog (`delta_eta`, `delta_phi`, `log_pt`, `log_e`, `pt` …); relative ones refer to the parent jet.', { format: 'cloud-feature' }), 'Features of each particle.', { minItems: 1 }), ['delta_eta', 'delta_phi', 'log_pt', 'log_e']),
    max_particles: dflt(int('Particles kept per event (highest pT first); fewer are padded and masked.', { minimum: 1, maximum: 4096 }), 100),
    ...datasetCommon(),
  },
  { hints: { particles: 'max_particles', n_particles: 'max_particles', objects: 'object' }, snippet: '${1:constituents}:\n  type: cloud\n  object: fatjet0.constituents\n  features: [delta_eta, delta_phi, log_pt, log_e]\n  max_particles: ${2:100}\n  split: { train: 0.7, test: 0.3 }' },
);

// ---------------------------------------------------------------- methods

const datasetRef = req(str('Name of the dataset (under `datasets:`) this method trains and is tested on.', { format: 'dataset-ref' }));
const methodHints = { data: 'dataset', n_estimators: 'trees', max_depth: 'depth', lr: 'learning_rate', eta: 'learning_rate', batch: 'batch_size', hidden_layers: 'layers', scaler: 'scale', patience: 'early_stopping' };

const networkCommon = () => ({
  activation: dflt(enm('Activation of hidden layers.', { relu: 'max(0, x).', elu: 'Exponential linear unit.', tanh: 'Hyperbolic tangent.', sigmoid: 'Logistic function.', selu: 'Scaled exponential linear unit.' }), 'relu'),
  dropout: dflt(num('Dropout rate after each hidden layer.', { minimum: 0, exclusiveMaximum: 1 }), 0),
  epochs: dflt(int('Passes over the training set.', { minimum: 1, maximum: 100000 }), 20),
  batch_size: dflt(int('Events per gradient step.', { minimum: 1, maximum: 1_048_576 }), 128),
  learning_rate: dflt(num('Adam learning rate.', { exclusiveMinimum: 0, maximum: 10 }), 0.001),
  early_stopping: dflt(int('Stop when the validation loss has not improved for this many epochs (0: off).', { minimum: 0, maximum: 100000 }), 0),
  class_weight: dflt(enm('Loss weights per class.', { none: 'As given by the dataset weights.', balanced: 'Inverse class frequency.' }), 'none'),
});

const cutAndCount = obj('Rectangular cuts on each observable of a `set` dataset, optimised on the training split; the score is how many cuts an event passes.', {
  type: req(enm('Method.', { 'cut-and-count': 'Cut-and-count.' })),
  dataset: datasetRef,
  topology: dflt(enm('How cuts are found.', { parallel: 'Each observable\'s cut optimised independently on the full training set.', sequential: 'Observables in order; each cut optimised on events passing the previous ones.' }), 'sequential'),
  bins: dflt(int('Candidate cut positions per observable (histogram bins between the training minimum and maximum).', { minimum: 2, maximum: 100000 }), 50),
  loss: dflt(enm('Figure of merit maximised when choosing each cut (physics weights).', { significance: '$S/\\sqrt{S+B}$.', asimov: 'Asimov significance $Z_A = \\sqrt{2((S+B)\\ln(1+S/B) - S)}$.', s_over_sqrt_b: '$S/\\sqrt{B}$.' }), 'significance'),
}, { hints: methodHints, snippet: '${1:cuts}: { type: cut-and-count, dataset: ${2:features}, topology: ${3|sequential,parallel|} }' });

const gbdt = obj('Gradient-boosted decision trees (histogram-based, XGBoost-like) on a `set` dataset.', {
  type: req(enm('Method.', { gbdt: 'Gradient-boosted trees.' })),
  dataset: datasetRef,
  trees: dflt(int('Number of boosting rounds (trees).', { minimum: 1, maximum: 100000 }), 100),
  depth: dflt(int('Maximum tree depth.', { minimum: 1, maximum: 32 }), 3),
  learning_rate: dflt(num('Shrinkage $\\eta$ applied to each tree.', { exclusiveMinimum: 0, maximum: 1 }), 0.1),
  min_child_weight: dflt(num('Minimum sum of Hessians (≈ events) in a leaf.', { minimum: 0 }), 1),
  l2: dflt(num('L2 regularisation $\\lambda$ on leaf values.', { minimum: 0 }), 1),
  subsample: dflt(num('Fraction of events sampled for each tree.', { exclusiveMinimum: 0, maximum: 1 }), 1),
  colsample: dflt(num('Fraction of observables sampled for each tree.', { exclusiveMinimum: 0, maximum: 1 }), 1),
  growth: dflt(enm('Tree growth policy.', { depthwise: 'Level by level up to `depth`.', lossguide: 'Best leaf first, up to `max_leaves`.' }), 'depthwise'),
  max_leaves: dflt(int('Maximum leaves per tree with `growth: lossguide` (0: no limit).', { minimum: 0, maximum: 1_000_000 }), 0),
  early_stopping: dflt(int('Stop when the validation loss has not improved for this many rounds (0: off).', { minimum: 0, maximum: 100000 }), 0),
  bins: dflt(int('Histogram bins per observable for values that are present (a missing value gets a bin of its own).', { minimum: 2, maximum: 255 }), 255),
}, { hints: methodHints, snippet: '${1:bdt}: { type: gbdt, dataset: ${2:features}, trees: ${3:100}, depth: ${4:3}, learning_rate: ${5:0.1} }' });

const mlp = obj('A fully connected neural network (multi-layer perceptron) on a `set` dataset.', {
  type: req(enm('Method.', { mlp: 'Multi-layer perceptron.' })),
  dataset: datasetRef,
  layers: dflt(arr(int('Units.', { minimum: 1, maximum: 65536 }), 'Units of each hidden layer, e.g. `[32, 64, 32]`.', { minItems: 1, maxItems: 64 }), [32, 32]),
  scale: dflt(enm('Input scaling (fitted on the training split).', { none: 'No scaling.', minmax: 'To [0, 1].', standard: 'Zero mean, unit variance.' }), 'standard'),
  ...networkCommon(),
}, { hints: methodHints, snippet: '${1:mlp}: { type: mlp, dataset: ${2:features}, layers: [${3:32, 32}], epochs: ${4:20}, batch_size: ${5:128} }' });

const cnn = obj('A convolutional neural network on an `image` dataset.', {
  type: req(enm('Method.', { cnn: 'Convolutional network.' })),
  dataset: datasetRef,
  filters: dflt(arr(int('Filters.', { minimum: 1, maximum: 4096 }), 'Filters of each convolution block, e.g. `[8, 16, 32]`.', { minItems: 1, maxItems: 32 }), [8, 16, 32]),
  kernel: dflt(int('Convolution kernel size (square).', { minimum: 1, maximum: 31 }), 3),
  pool: dflt(int('Max-pooling size after each block (1: none).', { minimum: 1, maximum: 16 }), 2),
  dense: dflt(arr(int('Units.', { minimum: 1, maximum: 65536 }), 'Units of the dense layers after the convolutions.', { maxItems: 32 }), [64]),
  ...networkCommon(),
}, { hints: methodHints, snippet: '${1:cnn}: { type: cnn, dataset: ${2:images}, filters: [${3:8, 16, 32}], epochs: ${4:30} }' });

const pfn = obj('A particle-flow network (Deep Sets) on a `cloud` dataset: $F(\\sum_i \\Phi(p_i))$, invariant under particle order (Komiske, Metodiev, Thaler, arXiv:1810.05165).', {
  type: req(enm('Method.', { pfn: 'Particle-flow network.' })),
  dataset: datasetRef,
  phi: dflt(arr(int('Units.', { minimum: 1, maximum: 65536 }), 'Layers of the per-particle network $\\Phi$; the last is the latent dimension.', { minItems: 1, maxItems: 32 }), [100, 100, 128]),
  f: dflt(arr(int('Units.', { minimum: 1, maximum: 65536 }), 'Layers of the event network $F$ after the sum.', { minItems: 1, maxItems: 32 }), [100, 100]),
  ...networkCommon(),
}, { hints: methodHints, snippet: '${1:pfn}: { type: pfn, dataset: ${2:constituents}, phi: [${3:100, 100, 128}], f: [${4:100, 100}], epochs: ${5:20} }' });

/** Which dataset type each method trains on. */
export const METHOD_DATASET_TYPE = { 'cut-and-count': 'set', gbdt: 'set', mlp: 'set', cnn: 'image', pfn: 'cloud' } as const;

// ---------------------------------------------------------------- evaluation, export

export const METRIC_DOCS: Record<string, string> = {
  accuracy: 'Fraction of test events classified correctly at score 0.5 (weighted).',
  auc: 'Area under the ROC curve (signal efficiency vs background efficiency); 0.5 is random, 1 perfect.',
  log_loss: 'Binary cross-entropy of the scores on the test split.',
  max_significance: 'Largest $S/\\sqrt{B + (\\sigma_B B)^2}$ over score thresholds, with $S$, $B$ = σ × luminosity × efficiency.',
  significance: '$S/\\sqrt{B}$ at the threshold that keeps half of the signal.',
  'rejection@X': 'Background rejection $1/\\varepsilon_B$ at signal efficiency $\\varepsilon_S = X$ (0 < X < 1), e.g. `rejection@0.5`.',
  'efficiency@X': 'Signal efficiency at background efficiency $\\varepsilon_B = X$ (0 < X < 1).',
};

const evaluation = obj('How the trained methods are compared on the test split.', {
  metrics: dflt(arr(str('A metric: `accuracy`, `auc`, `log_loss`, `max_significance`, `significance`, `rejection@X`, `efficiency@X`.', { format: 'metric' }), 'Metrics reported for every method.', { minItems: 1 }), ['accuracy', 'auc']),
  luminosity: opt(num('Integrated luminosity in fb^-1 for significances (S and B = σ × L × efficiency). Default 1 fb^-1.', { unit: 'fb^-1', exclusiveMinimum: 0, maximum: 1e7 })),
  background_uncertainty: dflt(num('Relative systematic uncertainty on the background yield used in significances (0.1 = 10%).', { minimum: 0, maximum: 10 }), 0),
});

const exportSection = obj('What is exported after training: reusable model bundles following the Les Houches recommendations.', {
  formats: dflt(arr(enm('Export format.', { onnx: 'ONNX model (opset 13) runnable with onnxruntime in C++, Python or JavaScript.' }), 'Model formats.'), ['onnx']),
  model_card: dflt(bool('Write a model card (inputs with units, preprocessing, training data, metrics, intended use).'), true),
  dataset: dflt(enm('Also export the datasets.', { none: 'No.', hdf5: 'HDF5 files readable with h5py.' }), 'none'),
  validation: dflt(bool('Write validation vectors (inputs and expected outputs) to check the exported model elsewhere.'), true),
  methods: opt(arr(str('A method name.', { format: 'method-ref' }), 'Methods to export (default: all).')),
});

// ---------------------------------------------------------------- root

export const ANALYSIS_SCHEMA = obj(
  'An HEP ML Lab analysis: samples to generate, how events become datasets, which methods to train, how to compare them and what to export.',
  {
    hml: req(int('Format version of this file. Always `1`.', { minimum: 1, maximum: 1, code: 'bad-version' })),
    name: opt(str('Name of the analysis, used in titles and exported model cards (default: the file name).', { pattern: NAME_PATTERN, patternMessage: NAME_MESSAGE })),
    seed: dflt(int('Master random seed. Every random stream (generation, splits, training) derives from it, so the same file and seed give the same datasets and metrics.', { minimum: 0, maximum: Number.MAX_SAFE_INTEGER }), 0),
    samples: req(map(sample, 'Event samples, by name. Needs at least one `signal` and one `background` sample.', { keyDescription: 'sample name', keyPattern: NAME_PATTERN, minProperties: 1, snippet: sample.snippet })),
    reconstruction: opt(map(jetDefinition, 'Jet collections to build from the events, by collection name (`jet`, `fatjet`, or a new name).', { keyDescription: 'collection name', keyPattern: '^[a-z_][a-z0-9_]*$' })),
    preselection: dflt(arr(str('A cut, e.g. `fatjet.size > 0`, `60 < fatjet0.mass < 120`, `veto any electron.pt > 10`. A condition on several objects must hold for all of them unless prefixed with `any`.', { format: 'cut' }), 'Cuts every event must pass before datasets are built, applied in order (the cut flow reports each).'), []),
    datasets: req(map(tagged('type', 'A dataset representation: `set`, `image` or `cloud`.', { set: setDataset, image: imageDataset, cloud: cloudDataset }), 'Datasets built from the samples, by name.', { keyDescription: 'dataset name', keyPattern: NAME_PATTERN, minProperties: 1 })),
    methods: opt(map(tagged('type', 'A method: `cut-and-count`, `gbdt`, `mlp`, `cnn` or `pfn`.', { 'cut-and-count': cutAndCount, gbdt, mlp, cnn, pfn }), 'Methods to train, by name. Each names the dataset it trains on.', { keyDescription: 'method name', keyPattern: NAME_PATTERN })),
    evaluation: dflt(evaluation, { metrics: ['accuracy', 'auc'], background_uncertainty: 0 }),
    export: opt(exportSection),
  },
  { hints: { version: 'hml', title: 'name', random_seed: 'seed', sample: 'samples', dataset: 'datasets', method: 'methods', cuts: 'preselection', selection: 'preselection', metrics: 'evaluation', jets: 'reconstruction' } },
);

export type AnalysisSchema = typeof ANALYSIS_SCHEMA;
export const ROOT_SCHEMA: ObjectNode = ANALYSIS_SCHEMA;
