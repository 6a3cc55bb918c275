/**
 * The real stage executors: generate (events.hmlev), dataset (dataset.h5), train (model.json), evaluate
 * (results.json) and export (one bundle per method). Heavy modules (tfjs, h5wasm, onnxruntime) are imported
 * when a stage runs, so `hml status` and `hml clean` stay instant.
 *
 * Versions: bump a kind's `version` only when its output for the same settings would change.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import type { Analysis } from '../analysis/model';
import type { Dataset, DatasetArrays } from '../datasets/types';
import type { EventBatch } from '../physics/events';
import type { SavedModel, TrainedModel, TrainResult, MethodType, TrainContext } from '../methods/types';
import { RESULTS_FORMAT_VERSION, type ExtremeEvent, type MethodResult, type ResultsFile, type SampleCutflow } from '../../protocol/results';
import { writeFileAtomic } from '../util/atomic';
import { HmlError } from '../util/errors';
import { EventWriter, readEventStore } from './eventstore';
import { stageFolderName } from './plan';
import { readStageRecord } from './rundir';
import type { LoadedAnalysis } from './analysis-plan';
import type { ExecutorRegistry, StageContext, StageExecutor, StageInput } from './types';

/** What every executor receives as `ctx.shared`. */
export interface PipelineShared {
  loaded: LoadedAnalysis;
  versions: Record<string, string>;
}

const shared = (ctx: StageContext): PipelineShared => ctx.shared as PipelineShared;
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;

function inputOf(ctx: StageContext, stage: string): StageInput {
  const i = ctx.inputs.get(stage);
  if (!i) throw new HmlError('internal', `stage ${ctx.stage.name} has no input ${stage}`, { exitCode: 1 });
  return i;
}

/** What the generate stage records beside its events. */
export interface SampleRecord {
  sample: string;
  engine: string;
  process: string;
  events: number;
  /** pb; null when unknown. */
  crossSection: number | null;
  /** Σ weights of the stored events (pb). */
  sumWeights: number;
}

// ------------------------------------------------------------------------------------------------- generate

const generate: StageExecutor = {
  kind: 'generate',
  version: 1,
  async execute(ctx) {
    const { loaded } = shared(ctx);
    const sampleName = ctx.stage.name.slice('generate:'.length);
    const sample = loaded.analysis.samples[sampleName];
    const g = sample.generator;
    const xsOverride = typeof sample.cross_section === 'number' ? sample.cross_section : undefined;
    let batches: AsyncIterable<EventBatch>;
    let total: number;
    let crossSection: number | null;
    let processText: string;
    if (g.engine === 'builtin') {
      const { generateBuiltin, nominalCrossSection } = await import('../sources/builtin');
      const pt: [number, number] = [g.pt[0], g.pt[1]];
      crossSection = xsOverride ?? nominalCrossSection(g.process, pt, g.sqrt_s, g.recoil);
      total = g.events;
      processText = g.process;
      batches = generateBuiltin(
        { process: g.process, events: g.events, pt, sqrtS: g.sqrt_s, pileup: g.pileup, recoil: g.recoil, seed: ctx.seed, crossSection: xsOverride },
        { workers: ctx.threads, signal: ctx.signal },
      );
    } else if (g.engine === 'files') {
      const { openFilesSource } = await import('../sources/files');
      const src = await openFilesSource({ files: g.files, baseFile: loaded.path }, { maxEvents: g.events });
      total = g.events ?? src.nEvents ?? 0;
      crossSection = xsOverride ?? src.crossSection?.value ?? null;
      processText = g.files.join(', ');
      const scale = xsOverride !== undefined && src.crossSection ? xsOverride / src.crossSection.value : 1;
      batches = scale === 1 ? src.batches() : rescale(src.batches(), scale);
    } else {
      const { generateMadgraph5Sample } = await import('../sources/madgraph5');
      // the MG5 process folder stays in the stage folder (Delphes ROOT / HepMC3 / LHE kept for the user)
      const workDir = join(ctx.outDir, 'madgraph5');
      const { result, source } = await generateMadgraph5Sample(
        g,
        { analysisSeed: ctx.analysisSeed, sample: sampleName, workDir, baseDir: loaded.dir },
        {
          executable: process.env.HML_MG5_EXECUTABLE,
          onProgress: (p) => ctx.progress(p.done, p.total, `MadGraph5 steps (${p.stage})`),
          // CONTRACTS "Progress stream": MadGraph5's own output goes to stderr
          onLog: (line) => process.stderr.write(`[${sampleName}] ${line}\n`),
          signal: ctx.signal,
        },
      );
      total = result.nEvents ?? source.nEvents ?? 0;
      crossSection = xsOverride ?? result.crossSection ?? source.crossSection?.value ?? null;
      processText = g.processes.join('; ');
      const scale = xsOverride !== undefined && result.crossSection ? xsOverride / result.crossSection : 1;
      batches = scale === 1 ? source.batches() : rescale(source.batches(), scale);
    }
    let sumWeights = 0;
    const events = await storeBatches(ctx, join(ctx.outDir, 'events.hmlev'), batches, total, (b) => {
      for (let k = 0; k < b.size; k++) sumWeights += b.weights[k];
    });
    if (events === 0) throw new HmlError('no-events', `sample '${sampleName}' produced no events`, { exitCode: 1 });
    const rec: SampleRecord = { sample: sampleName, engine: g.engine, process: processText, events, crossSection, sumWeights };
    writeFileAtomic(join(ctx.outDir, 'sample.json'), JSON.stringify(rec, null, 1) + '\n');
    return { ...rec };
  },
};

/**
 * Writes batches into an event store with progress, a kill point per batch and cancellation; returns the number
 * of events. The file is complete (has its trailer) only when every batch was written.
 */
async function storeBatches(ctx: StageContext, path: string, batches: AsyncIterable<EventBatch>, total: number, each: (b: EventBatch) => void): Promise<number> {
  const writer = new EventWriter(path);
  let events = 0;
  let i = 0;
  try {
    for await (const b of batches) {
      writer.append(b);
      events += b.size;
      each(b);
      ctx.progress(events, Math.max(total, events), 'events');
      ctx.killPoint(`batch-${i++}`);
      if (ctx.signal.aborted) throw new HmlError('cancelled', 'cancelled', { exitCode: 130 });
    }
    writer.close();
  } catch (e) {
    writer.abort();
    throw e;
  }
  return events;
}

async function* rescale<T extends EventBatch>(it: AsyncIterable<T>, f: number): AsyncGenerator<T> {
  for await (const b of it) yield { ...b, weights: b.weights.map((w) => w * f) };
}

// ---------------------------------------------------------------------------------------------- reconstruct

/**
 * `reconstruct:<sample>`: the `reconstruction:` collections of the sample's events (`jets.hmlev`, batch for
 * batch beside the generate stage's `events.hmlev`), clustered once and shared by every dataset (a features set
 * and an image set of the same events no longer cluster them twice). Batches are clustered on `ctx.threads`
 * worker threads, in order, so the file is the same whatever the threads.
 */
const reconstructStage: StageExecutor = {
  kind: 'reconstruct',
  version: 1,
  async execute(ctx) {
    const sampleName = ctx.stage.name.slice('reconstruct:'.length);
    const { reconstruction } = ctx.stage.settings as { reconstruction: import('./reconstruction').Reconstruction };
    const inp = inputOf(ctx, `generate:${sampleName}`);
    const { reconstructBatches } = await import('./batchpool');
    const rec = readJson<SampleRecord>(join(inp.dir, 'sample.json'));
    let jets = 0;
    const deltas = reconstructBatches(readEventStore(join(inp.dir, 'events.hmlev')), reconstruction, ctx.threads);
    const events = await storeBatches(ctx, join(ctx.outDir, 'jets.hmlev'), deltas, rec.events, (b) => {
      for (const name of Object.keys(reconstruction)) jets += b.collections.get(name)?.px.length ?? 0;
    });
    return { events, jets };
  },
};

// -------------------------------------------------------------------------------------------------- dataset

export interface DatasetStageSummary {
  [key: string]: unknown;
  counts: Record<string, number>;
  cutflow: Record<string, { cut: string; events: number; weighted: number }[]>;
  contentHash: string;
  crossSections: Record<string, number | null>;
}

const datasetHere: StageExecutor = {
  kind: 'dataset',
  // 2: splits gained the `event` array (per-row event index); older cached files are rebuilt once
  version: 2,
  async execute(ctx) {
    const { loaded, versions } = shared(ctx);
    const a = loaded.analysis;
    const name = ctx.stage.name.slice('dataset:'.length);
    const spec = a.datasets[name];
    const { buildDataset } = await import('../datasets/build');
    const { stagePhysics } = await import('./physics');
    const phys = await stagePhysics(a.reconstruction ?? {}, a.preselection);
    const sampleNames = Object.keys(a.samples);
    const records = new Map<string, SampleRecord>();
    const samples = sampleNames.map((s) => {
      const inp = inputOf(ctx, `generate:${s}`);
      const rec = readJson<SampleRecord>(join(inp.dir, 'sample.json'));
      records.set(s, rec);
      // events come already reconstructed from reconstruct:<sample> when the analysis has `reconstruction:`
      const reco = ctx.inputs.get(`reconstruct:${s}`);
      return {
        name: s,
        label: (a.samples[s].label === 'signal' ? 1 : 0) as 0 | 1,
        batches: reco ? withReconstruction(join(inp.dir, 'events.hmlev'), join(reco.dir, 'jets.hmlev')) : readEventStore(join(inp.dir, 'events.hmlev')),
        description: `${rec.engine}: ${rec.process}`,
      };
    });
    const totalEvents = [...records.values()].reduce((s, r) => s + r.events, 0);
    const { split, weights, reweight, ...representation } = spec;
    const res = await buildDataset({
      name,
      settings: representation as never,
      samples,
      preselection: phys.preselection,
      split,
      seed: a.seed,
      outDir: ctx.outDir,
      fileName: 'dataset.h5',
      trainWeights: { weights, reweight },
      evaluator: phys.evaluator,
      describe: phys.describe,
      provenance: { samples: Object.fromEntries(records), reconstruction: a.reconstruction ?? {}, preselection: a.preselection },
      software: { name: 'hep-ml-lab', version: versions.engine ?? '0' },
      onProgress: (done, total, unit) => ctx.progress(done, total ?? totalEvents, unit),
      signal: ctx.signal,
    });
    const summary: DatasetStageSummary = {
      counts: res.counts,
      cutflow: res.cutflow as DatasetStageSummary['cutflow'],
      contentHash: res.contentHash,
      crossSections: Object.fromEntries([...records].map(([k, r]) => [k, r.crossSection])),
    };
    writeFileAtomic(join(ctx.outDir, 'summary.json'), JSON.stringify(summary, null, 1) + '\n');
    return summary;
  },
};

/** The stored events with their reconstructed collections added back, batch by batch. */
async function* withReconstruction(events: string, jets: string): AsyncGenerator<EventBatch> {
  const { mergeDelta } = await import('./reconstruction');
  const deltas = readEventStore(jets);
  for await (const b of readEventStore(events)) {
    const d = await deltas.next();
    if (d.done) throw new HmlError('reconstruct-mismatch', `${jets} has fewer events than ${events}; run \`hml clean\` on the analysis and run again`, { exitCode: 1 });
    yield mergeDelta(b, d.value, jets);
  }
  await deltas.return(undefined);
}

/**
 * The dataset stage on a worker thread when the runner may run several stages at once (`--jobs` > 1): datasets
 * of several representations are built side by side on several cores. Same code, same inputs, same file.
 */
const dataset: StageExecutor = {
  kind: 'dataset',
  version: datasetHere.version,
  async execute(ctx) {
    if ((ctx.jobs ?? 1) > 1) {
      const { runInStageWorker, stageWorkerEntry } = await import('./stage-thread');
      const entry = stageWorkerEntry();
      if (entry) return runInStageWorker(ctx, entry);
    }
    return datasetHere.execute(ctx);
  },
};

// ---------------------------------------------------------------------------------------------------- train

type MethodSpecLike = { type: MethodType; dataset: string } & Record<string, unknown>;

export interface TrainRecord {
  method: string;
  type: MethodType;
  dataset: string;
  backend: string;
  seconds: number;
  curves: TrainResult['curves'];
  importances?: Record<string, number>;
}

async function trainerFor(type: MethodType): Promise<(d: Dataset, s: Record<string, unknown>, c: TrainContext) => Promise<TrainResult>> {
  switch (type) {
    case 'gbdt':
      return (await import('../methods/gbdt/train')).trainGbdt;
    case 'cut-and-count':
      return (await import('../methods/cut-and-count')).trainCutAndCount;
    case 'mlp':
    case 'cnn':
    case 'pfn': {
      const { trainNetwork } = await import('../methods/nn/train');
      return (d, s, c) => trainNetwork(type, d, s, c);
    }
  }
}

/** Restores a trained model from its saved JSON. */
export async function loadSavedModel(saved: SavedModel): Promise<TrainedModel> {
  switch (saved.type) {
    case 'gbdt':
      return (await import('../methods/gbdt/model')).loadGbdtModel(saved);
    case 'cut-and-count':
      return (await import('../methods/cut-and-count')).loadCutAndCountModel(saved);
    case 'mlp':
    case 'cnn':
    case 'pfn':
      return (await import('../methods/nn/model')).loadNetwork(saved);
  }
}

const datasetCache = new Map<string, Promise<Dataset>>();
/** Datasets are read once per process (evaluate and export read the same files as train). */
async function loadDataset(dir: string): Promise<Dataset> {
  const path = join(dir, 'dataset.h5');
  let p = datasetCache.get(path);
  if (!p) {
    p = import('../datasets/read').then((m) => m.readDataset(path));
    datasetCache.set(path, p);
    p.catch(() => datasetCache.delete(path));
  }
  return p;
}

const train: StageExecutor = {
  kind: 'train',
  version: 1,
  async execute(ctx) {
    const { method } = ctx.stage.settings as { method: MethodSpecLike };
    const name = ctx.stage.name.slice('train:'.length);
    const ds = await loadDataset(inputOf(ctx, `dataset:${method.dataset}`).dir);
    const { type: _t, dataset: _d, ...settings } = method;
    const trainer = await trainerFor(method.type);
    const t0 = performance.now();
    const r = await trainer(ds, settings, {
      seed: ctx.seed,
      // checkpoints outlive a killed run, so `hml run` after a kill resumes training where it stopped
      checkpointDir: join(ctx.scratchDir, 'checkpoints'),
      onProgress: (done, total, unit) => {
        ctx.progress(done, total, unit);
        ctx.killPoint(`${unit}-${done}`);
      },
      onMetric: (n, v, e) => ctx.metric(n, v, e),
      signal: ctx.signal,
      threads: ctx.threads,
    });
    const seconds = (performance.now() - t0) / 1000;
    writeFileAtomic(join(ctx.outDir, 'model.json'), JSON.stringify(r.model.toJSON()) + '\n');
    const rec: TrainRecord = { method: name, type: method.type, dataset: method.dataset, backend: r.backend, seconds, curves: r.curves, importances: r.importances };
    writeFileAtomic(join(ctx.outDir, 'training.json'), JSON.stringify(rec, null, 1) + '\n');
    return { backend: r.backend, seconds };
  },
};

// ------------------------------------------------------------------------------------------------- evaluate

interface EvaluateSettings {
  evaluation: Analysis['evaluation'];
  methods: { name: string; type: MethodType; dataset: string }[];
}

/** Signal efficiencies asked for by `rejection@X` metrics (default 0.5 and 0.3). */
function requestedEfficiencies(metrics: readonly string[]): number[] {
  const effs = metrics.map((m) => /^rejection@([0-9.]+)$/.exec(m)?.[1]).filter((x): x is string => !!x).map(Number);
  return effs.length ? effs : [0.5, 0.3];
}

/** How many events per kind the event display can jump through. */
const EXTREME_COUNT = 10;

/**
 * The `n` highest-scoring background rows and the `n` lowest-scoring signal rows of a split, mapped back to
 * (sample, event number) through the dataset's `event` array; undefined for datasets built without it.
 * Non-finite scores are skipped; ties keep row order so results stay reproducible.
 */
export function extremeEvents(d: DatasetArrays, scores: ArrayLike<number>, sampleNames: readonly string[], n: number): MethodResult['extremes'] {
  const ev = d.event;
  if (!ev) return undefined;
  const pickRows = (label: number, sign: 1 | -1): ExtremeEvent[] => {
    const rows: number[] = [];
    for (let r = 0; r < d.n; r++) if (d.labels[r] === label && Number.isFinite(scores[r])) rows.push(r);
    rows.sort((a, b) => sign * (scores[b] - scores[a]) || a - b);
    return rows.slice(0, n).map((r) => ({ sample: sampleNames[d.sample[r]], event: ev[r], score: scores[r] }));
  };
  return { mostSignalLikeBackground: pickRows(0, 1), leastSignalLikeSignal: pickRows(1, -1) };
}

const evaluate: StageExecutor = {
  kind: 'evaluate',
  version: 1,
  async execute(ctx) {
    const { loaded, versions } = shared(ctx);
    const s = ctx.stage.settings as EvaluateSettings;
    const { buildMethodResult, scoredSplit } = await import('../metrics/result');
    const methods: MethodResult[] = [];
    let i = 0;
    const cutflow: SampleCutflow[] = [];
    const seenCutflow = new Set<string>();
    for (const m of s.methods) {
      const dsInput = inputOf(ctx, `dataset:${m.dataset}`);
      const ds = await loadDataset(dsInput.dir);
      const summary = readJson<DatasetStageSummary>(join(dsInput.dir, 'summary.json'));
      const trainDir = inputOf(ctx, `train:${m.name}`).dir;
      const model = await loadSavedModel(readJson<SavedModel>(join(trainDir, 'model.json')));
      const rec = readJson<TrainRecord>(join(trainDir, 'training.json'));
      const total = ds.train.n + (ds.validation?.n ?? 0) + ds.test.n;
      const effs = requestedEfficiencies(s.evaluation.metrics);
      const presel: Record<string, number> = {};
      for (const [sample, rows] of Object.entries(summary.cutflow)) if (rows.length && rows[0].events > 0) presel[sample] = rows[rows.length - 1].events / rows[0].events;
      const testScores = model.predict(ds.test);
      const result = buildMethodResult({
        name: m.name,
        type: m.type,
        dataset: m.dataset,
        sampleNames: ds.sampleNames,
        backend: rec.backend,
        train: scoredSplit(ds.train, model.predict(ds.train)),
        validation: ds.validation ? scoredSplit(ds.validation, model.predict(ds.validation)) : undefined,
        test: scoredSplit(ds.test, testScores),
        curves: rec.curves,
        cuts: 'describe' in model && typeof model.describe === 'function' ? (model.describe as () => MethodResult['cuts'])() : undefined,
        importances: rec.importances,
        trainSeconds: rec.seconds,
        options: {
          signalEfficiencies: effs,
          luminosity: s.evaluation.luminosity ?? 1,
          crossSections: summary.crossSections,
          preselectionEfficiencies: presel,
          backgroundUncertainty: s.evaluation.background_uncertainty,
          seed: ctx.seed,
        },
      });
      const extremes = extremeEvents(ds.test, testScores, ds.sampleNames, EXTREME_COUNT);
      methods.push(extremes ? { ...result, extremes } : result);
      ctx.progress(++i, s.methods.length, 'methods');
      if (!seenCutflow.has(m.dataset)) {
        seenCutflow.add(m.dataset);
        for (const [sample, steps] of Object.entries(summary.cutflow)) {
          if (cutflow.some((c) => c.sample === sample)) continue;
          cutflow.push({ sample, crossSection: summary.crossSections[sample] ?? null, steps: steps.map((x) => ({ cut: x.cut, events: x.events, weighted: x.weighted })) });
        }
      }
      void total;
    }
    const results: ResultsFile = {
      version: RESULTS_FORMAT_VERSION,
      analysis: loaded.path,
      name: loaded.name,
      methods,
      cutflow,
      provenance: {
        engineVersion: versions.engine ?? '0',
        seed: ctx.analysisSeed,
        started: new Date().toISOString(),
        finished: new Date().toISOString(),
        host: hostname(),
        stages: upstreamRecords(ctx),
      },
    };
    writeFileAtomic(join(ctx.outDir, 'results.json'), JSON.stringify(results, null, 1) + '\n');
    return { methods: methods.map((m) => ({ name: m.name, auc: m.metrics.find((x) => x.name === 'auc')?.value ?? null })) };
  },
};

/** Every upstream stage of this one (transitively) with the seconds it took when it ran, from its stage.json. */
function upstreamRecords(ctx: StageContext): ResultsFile['provenance']['stages'] {
  const out = new Map<string, ResultsFile['provenance']['stages'][number]>();
  const visit = (dir: string): void => {
    const rec = readStageRecord(dir);
    if (!rec || out.has(rec.stage)) return;
    out.set(rec.stage, { stage: rec.stage, key: rec.key, seconds: rec.seconds, cached: false });
    for (const i of rec.inputs) visit(join(dirname(dir), stageFolderName(i.stage, i.key)));
  };
  for (const x of ctx.inputs.values()) visit(x.dir);
  return [...out.values()].sort((a, b) => (a.stage < b.stage ? -1 : 1));
}

// --------------------------------------------------------------------------------------------------- export

interface ExportSettings {
  export: NonNullable<Analysis['export']>;
  methods: string[];
  name: string;
}

const exportStage: StageExecutor = {
  kind: 'export',
  version: 1,
  async execute(ctx) {
    const { loaded, versions } = shared(ctx);
    const s = ctx.stage.settings as ExportSettings;
    const a = loaded.analysis;
    const { writeBundle } = await import('./../export/bundle');
    const results = readJson<ResultsFile>(join(inputOf(ctx, 'evaluate').dir, 'results.json'));
    const reports: Record<string, unknown> = {};
    let i = 0;
    for (const name of s.methods) {
      const spec = a.methods![name];
      const dsDir = inputOf(ctx, `dataset:${spec.dataset}`).dir;
      const ds = await loadDataset(dsDir);
      const saved = readJson<SavedModel>(join(inputOf(ctx, `train:${name}`).dir, 'model.json'));
      const model = await loadSavedModel(saved);
      const summary = readJson<DatasetStageSummary>(join(dsDir, 'summary.json'));
      const sampleDocs = Object.entries(a.samples).map(([sn, smp]) => {
        const g = smp.generator;
        const steps = summary.cutflow[sn] ?? [];
        return {
          name: sn,
          label: smp.label,
          process: g.engine === 'builtin' ? g.process : g.engine === 'files' ? g.files.join(', ') : g.processes.join('; '),
          generator: g.engine === 'builtin' ? 'HEP ML Lab built-in generator' : g.engine === 'files' ? 'event files' : 'MadGraph5_aMC@NLO + Pythia8 + Delphes',
          crossSection: summary.crossSections[sn] ?? null,
          events: steps[0]?.events ?? 0,
          cuts: a.preselection,
        };
      });
      const cardPath = join(dsDir, 'dataset.dataset_card.json');
      const columns = existsSync(cardPath) ? (readJson<{ columns?: { name: string; unit: string; definition: string }[] }>(cardPath).columns ?? []) : [];
      const features = columns.map((c) => ({ name: c.name, expression: c.name, words: c.definition, unit: c.unit }));
      const out = join(ctx.outDir, name);
      mkdirSync(out, { recursive: true });
      const report = await writeBundle({
        outDir: out,
        analysisName: s.name,
        method: { name, type: spec.type, dataset: spec.dataset },
        saved,
        model,
        dataset: ds,
        result: results.methods.find((m) => m.name === name),
        samples: sampleDocs,
        features,
        versions: { ...versions },
        seed: a.seed,
      });
      reports[name] = { passed: report.passed, maxAbsDiff: report.maxAbsDiff, auc: report.auc.onnx };
      ctx.progress(++i, s.methods.length, 'bundles');
      ctx.killPoint(`bundle-${name}`);
    }
    if (s.export.dataset === 'hdf5') {
      for (const d of new Set(s.methods.map((n) => a.methods![n].dataset))) {
        const dir = inputOf(ctx, `dataset:${d}`).dir;
        const out = join(ctx.outDir, 'datasets', d);
        mkdirSync(out, { recursive: true });
        copyFileSync(join(dir, 'dataset.h5'), join(out, `${d}.h5`));
        if (existsSync(join(dir, 'dataset.dataset_card.json'))) copyFileSync(join(dir, 'dataset.dataset_card.json'), join(out, 'dataset_card.json'));
      }
    }
    return { bundles: reports };
  },
};

export const PIPELINE_EXECUTORS: ExecutorRegistry = { generate, reconstruct: reconstructStage, dataset, train, evaluate, export: exportStage };

/** The same executors, every one running on the calling thread (what a stage worker thread runs). */
export const IN_PROCESS_EXECUTORS: ExecutorRegistry = { ...PIPELINE_EXECUTORS, dataset: datasetHere };
