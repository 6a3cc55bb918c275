import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { EventBatch } from '../physics/events';
import { createRepresentation } from '../representations';
import { evaluateSimpleObservable } from '../representations/objects';
import type { FeatureInfo, ObservableEvaluator, Representation, RepresentationSettings } from '../representations/types';
import { writeFileAtomic, temporaryPathFor, simulateDiskFull } from '../util/atomic';
import { HmlError } from '../util/errors';
import { sha256Hex } from '../util/hash';
import { makeCard, type DatasetCard } from './card';
import { CONTENT_HASH_VERSION, H5Writer, describe, type ElementType, type NumericArray } from './h5';
import { assignSplits, checkSplit, SPLIT_NAMES, type SplitFractions, type SplitName } from './split';
import { sampleNormalisation, trainingWeights, type SampleNormalisation, type TrainWeightSettings } from './weights';

/** Version of the dataset file layout written here (attribute `format_version`). */
export const DATASET_FORMAT_VERSION = 1;

/** One input sample of a dataset. */
export interface SampleInput {
  readonly name: string;
  /** 1 = signal, 0 = background. */
  readonly label: 0 | 1;
  /** Event batches in a fixed order (the builder never holds more than one batch per sample). */
  readonly batches: AsyncIterable<EventBatch>;
  /** Cross section in pb; when given, event weights are rescaled so that Σw over generated events = σ. */
  readonly crossSection?: number;
  /** Generated events the weights refer to (default: the events streamed); σ_i / N_i stitching uses it. */
  readonly nGenerated?: number;
  readonly description?: string;
  /** Physics process this sample is a slice of (pT/HT-sliced samples share a group), for the record. */
  readonly group?: string;
}

/** Preselection: one pass/fail mask per cut (not cumulative), in the order of `cuts`. */
export interface Preselection {
  readonly cuts: readonly string[];
  evaluate(batch: EventBatch): readonly Uint8Array[];
}

export interface CutflowRow {
  /** `all` for the events read, then each cut expression, cumulative. */
  readonly cut: string;
  readonly events: number;
  /** Σ physics weights of the events passing (pb, after the sample normalisation). */
  readonly weighted: number;
}

export interface BuildDatasetOptions {
  /** Dataset name (file `<name>.h5` unless `fileName`). */
  readonly name: string;
  readonly settings: RepresentationSettings;
  readonly samples: readonly SampleInput[];
  readonly preselection?: Preselection;
  readonly split: SplitFractions;
  /** Analysis seed; split and order streams derive from (seed, dataset name, sample / split). */
  readonly seed: string | number | bigint;
  readonly outDir: string;
  readonly fileName?: string;
  readonly trainWeights?: TrainWeightSettings;
  /** General observable evaluator (core/observables) for `set` columns and the reweighting observable. */
  readonly evaluator?: ObservableEvaluator;
  /** Unit and definition of an observable, for attributes and the card. */
  readonly describe?: (expression: string) => FeatureInfo | undefined;
  /** gzip level 0–9 (0 = uncompressed, still chunked); default 4. */
  readonly compression?: number;
  /** How the events were made (generator settings, seeds, source files): recorded in the file and the card. No timestamps or host names. */
  readonly provenance?: Record<string, unknown>;
  readonly software?: { readonly name: string; readonly version: string };
  /** Licence for the card; default a placeholder to fill in before sharing. */
  readonly licence?: string;
  readonly onProgress?: (done: number, total: number | undefined, unit: string) => void;
  readonly signal?: AbortSignal;
}

export interface BuildDatasetResult {
  readonly path: string;
  readonly cardPath: string;
  readonly card: DatasetCard;
  readonly cutflow: Record<string, CutflowRow[]>;
  readonly contentHash: string;
  /** Rows per split. */
  readonly counts: Record<SplitName, number>;
}

const MAIN_ARRAY: Record<Representation['kind'], string> = { set: 'features', image: 'images', cloud: 'cloud' };

/** Growable float64 column (per-row bookkeeping stays in memory: ~20 bytes per kept event). */
class GrowF64 {
  a = new Float64Array(1024);
  n = 0;
  push(v: number): void {
    if (this.n === this.a.length) { const b = new Float64Array(this.a.length * 2); b.set(this.a); this.a = b; }
    this.a[this.n++] = v;
  }
  get view(): Float64Array { return this.a.subarray(0, this.n); }
}

/** What one sample leaves behind after streaming: its rows on disk, its bookkeeping in memory. */
class SampleStage {
  n = 0;
  nStreamed = 0;
  rawSum = 0;
  readonly weights = new GrowF64();
  readonly spectrum = new GrowF64();
  /** Index within the sample's event stream of each kept row (what `hml events --from` counts). */
  readonly events = new GrowF64();
  readonly cutEvents: number[];
  readonly cutRaw: number[];
  private dataFd: number;
  private maskFd: number | undefined;
  constructor(readonly dataPath: string, readonly maskPath: string | undefined, nCuts: number) {
    this.dataFd = openSync(dataPath, 'w');
    this.maskFd = maskPath ? openSync(maskPath, 'w') : undefined;
    this.cutEvents = new Array(nCuts + 1).fill(0);
    this.cutRaw = new Array(nCuts + 1).fill(0);
  }
  append(data: Float32Array, mask: Uint8Array | undefined): void {
    simulateDiskFull(this.dataPath);
    writeAll(this.dataFd, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    if (this.maskFd !== undefined && mask) writeAll(this.maskFd, mask);
  }
  private closed = false;
  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.dataFd);
    if (this.maskFd !== undefined) closeSync(this.maskFd);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
}

/**
 * Builds one dataset file (HDF5, CONTRACTS.md "Datasets") and its dataset_card.json from event streams.
 *
 * Streaming: each sample's batches are consumed once (samples concurrently), the selected rows go to a staging
 * file per sample, and only per-row bookkeeping (weight, label, reweighting observable) stays in memory. Then the
 * splits are assigned (stratified, seeded), rows are gathered from the staging files in each split's seeded
 * order and written in blocks. The result depends only on the inputs and the seed — not on how many jobs
 * produced the batches or in which order samples finished.
 *
 * Atomic: the HDF5 file is written to a temporary name and renamed; the card is written after it, atomically.
 */
export async function buildDataset(o: BuildDatasetOptions): Promise<BuildDatasetResult> {
  checkSplit(o.split);
  if (o.samples.length === 0) throw new HmlError('no-samples', `dataset '${o.name}' has no samples; list at least one signal and one background sample`, { exitCode: 2 });
  if (o.samples.length > 32767) throw new HmlError('too-many-samples', 'a dataset holds at most 32767 samples (int16 sample index)', { exitCode: 2 });
  const names = new Set<string>();
  for (const s of o.samples) {
    if (names.has(s.name)) throw new HmlError('duplicate-sample', `sample '${s.name}' appears twice in dataset '${o.name}'`, { exitCode: 2 });
    names.add(s.name);
    if (s.label !== 0 && s.label !== 1) throw new HmlError('bad-label', `sample '${s.name}': label must be 1 (signal) or 0 (background)`, { exitCode: 2 });
  }
  const gzip = o.compression ?? 4;
  if (!Number.isInteger(gzip) || gzip < 0 || gzip > 9) throw new HmlError('bad-compression', `compression must be a gzip level 0-9, got ${gzip}`, { exitCode: 2 });
  const rep = createRepresentation(o.settings, { evaluator: o.evaluator, describe: o.describe });
  const cuts = o.preselection?.cuts ?? [];
  mkdirSync(o.outDir, { recursive: true });
  const finalPath = join(o.outDir, o.fileName ?? `${o.name}.h5`);
  const stagingDir = temporaryPathFor(finalPath);
  mkdirSync(stagingDir, { recursive: true });
  const stages = o.samples.map((_, s) => new SampleStage(join(stagingDir, `s${s}.f32`), rep.kind === 'cloud' ? join(stagingDir, `s${s}.mask`) : undefined, cuts.length));
  try {
    let streamed = 0;
    const totalGenerated = o.samples.every((s) => s.nGenerated !== undefined) ? o.samples.reduce((a, s) => a + (s.nGenerated ?? 0), 0) : undefined;
    await Promise.all(o.samples.map(async (sample, s) => {
      const st = stages[s];
      for await (const batch of sample.batches) {
        if (o.signal?.aborted) throw new HmlError('cancelled', 'dataset building was cancelled', { exitCode: 130 });
        streamBatch(batch, st, rep, o, cuts.length);
        streamed += batch.size;
        o.onProgress?.(streamed, totalGenerated, 'events');
      }
      st.close();
    }));

    // Normalisation per sample, then the global per-row arrays (samples in order).
    const norms: SampleNormalisation[] = o.samples.map((s, i) => sampleNormalisation(s.name, { sum: stages[i].rawSum, n: stages[i].nStreamed }, s.crossSection, s.nGenerated));
    const counts = stages.map((st) => st.n);
    const N = counts.reduce((a, b) => a + b, 0);
    const labels = new Int8Array(N), weights = new Float64Array(N), sampleIdx = new Int16Array(N), eventIdx = new Int32Array(N);
    const spectrum = o.trainWeights?.reweight ? new Float64Array(N) : undefined;
    let off = 0;
    stages.forEach((st, s) => {
      const w = st.weights.view;
      for (let k = 0; k < st.n; k++) {
        labels[off + k] = o.samples[s].label;
        weights[off + k] = w[k] * norms[s].scale;
        sampleIdx[off + k] = s;
      }
      eventIdx.set(st.events.view, off);
      if (spectrum) spectrum.set(st.spectrum.view, off);
      off += st.n;
    });
    const cutflow: Record<string, CutflowRow[]> = {};
    o.samples.forEach((s, i) => {
      cutflow[s.name] = ['all', ...cuts].map((cut, k) => ({ cut, events: stages[i].cutEvents[k], weighted: stages[i].cutRaw[k] * norms[i].scale }));
    });

    const splits = assignSplits(counts, o.split, o.seed, o.name, o.samples.map((s) => s.name));
    const present = SPLIT_NAMES.filter((n) => n !== 'validation' || (o.split.validation ?? 0) > 0);
    const splitCounts = { train: splits.train.length, validation: splits.validation.length, test: splits.test.length };

    // Staged rows: in memory when small (fast gather), else read row by row from the staging files.
    const rowSize = rep.rowShape.reduce((a, b) => a * b, 1);
    const P = rep.kind === 'cloud' ? rep.rowShape[0] : 0;
    const gatherer = makeGatherer(stages, counts, rowSize, P);

    const tmpFile = temporaryPathFor(finalPath);
    let contentHash = '';
    try {
      const w = await H5Writer.create(tmpFile, gzip);
      try {
        writeRootAttributes(w, o, rep, norms, cutflow, splitCounts, stages);
        let written = 0;
        for (const split of present) {
          const rows = splits[split];
          const n = rows.length;
          w.group(`/${split}`);
          const main = w.dataset(`/${split}/${MAIN_ARRAY[rep.kind]}`, 'f32', rep.rowShape, n);
          const mask = rep.kind === 'cloud' ? w.dataset(`/${split}/mask`, 'u8', [P], n) : undefined;
          const block = Math.max(1, Math.floor((32 << 20) / (rowSize * 4)));
          for (let a = 0; a < n; a += block) {
            const b = Math.min(n, a + block);
            const { data, mask: m } = gatherer.gather(rows.subarray(a, b));
            main.append(data);
            if (mask && m) mask.append(m);
            written += b - a;
            o.onProgress?.(written, N, 'rows written');
            if (o.signal?.aborted) throw new HmlError('cancelled', 'dataset building was cancelled', { exitCode: 130 });
            // Let progress events and cancellation through between blocks (no clock pin is held here).
            await new Promise<void>((r) => setImmediate(r));
          }
          const pick = <T extends NumericArray>(src: T, make: (n: number) => T): T => { const a = make(n); for (let k = 0; k < n; k++) a[k] = src[rows[k]]; return a; };
          const small: [string, ElementType, NumericArray][] = [
            ['labels', 'i8', pick(labels, (k) => new Int8Array(k))],
            ['weights', 'f64', pick(weights, (k) => new Float64Array(k))],
            ['train_weights', 'f64', trainingWeights(rows, labels, weights, o.trainWeights, spectrum)],
            ['sample', 'i16', pick(sampleIdx, (k) => new Int16Array(k))],
            ['event', 'i32', pick(eventIdx, (k) => new Int32Array(k))],
          ];
          for (const [name, type, data] of small) w.dataset(`/${split}/${name}`, type, [], n).append(data);
          writeSplitAttributes(w, split, rep, rows, labels, weights, o.samples.map((x) => x.name), sampleIdx);
        }
        contentHash = w.hasher.digest();
        w.attribute('/', 'content_hash', contentHash);
      } finally {
        w.close();
        gatherer.close();
      }
      const fd = openSync(tmpFile, 'r+');
      try { fsyncSync(fd); } finally { closeSync(fd); }
      renameSync(tmpFile, finalPath);
    } catch (err) {
      rmSync(tmpFile, { force: true });
      if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw new HmlError('disk-full', `no space left while writing ${finalPath}; free some space and run again`, { exitCode: 1, cause: err });
      if (err instanceof HmlError) throw err;
      throw new HmlError('dataset-write-failed', `writing ${finalPath} failed: ${describe(err)}`, { exitCode: 1, cause: err });
    }

    const fileBytes = readFileSync(finalPath);
    const card = makeCard({
      options: o, rep, norms, cutflow, splitCounts, present, contentHash,
      file: { name: finalPath.split(/[\\/]/).pop()!, bytes: fileBytes.length, sha256: sha256Hex(fileBytes) },
      formatVersion: DATASET_FORMAT_VERSION,
    });
    const cardPath = join(o.outDir, o.fileName ? `${o.fileName.replace(/\.h5$/, '')}.dataset_card.json` : 'dataset_card.json');
    writeFileAtomic(cardPath, JSON.stringify(card, null, 2) + '\n');
    return { path: finalPath, cardPath, card, cutflow, contentHash, counts: splitCounts };
  } finally {
    for (const st of stages) st.close();
    rmSync(stagingDir, { recursive: true, force: true });
  }
}

function streamBatch(batch: EventBatch, st: SampleStage, rep: Representation, o: BuildDatasetOptions, nCuts: number): void {
  const n = batch.size;
  const first = st.nStreamed;
  st.nStreamed += n;
  let sel: Uint8Array | undefined;
  const w = batch.weights;
  // Sums run event by event into the sample's accumulators, so they do not depend on how events were batched.
  for (let i = 0; i < n; i++) st.rawSum += w[i];
  st.cutEvents[0] += n;
  st.cutRaw[0] = st.rawSum;
  if (o.preselection && nCuts > 0) {
    const masks = o.preselection.evaluate(batch);
    if (masks.length !== nCuts) throw new HmlError('internal', `preselection gave ${masks.length} masks for ${nCuts} cuts`, { exitCode: 1 });
    sel = new Uint8Array(n).fill(1);
    masks.forEach((m, k) => {
      for (let i = 0; i < n; i++) if (!m[i]) sel![i] = 0;
      for (let i = 0; i < n; i++) if (sel![i]) { st.cutEvents[k + 1]++; st.cutRaw[k + 1] += w[i]; }
    });
  }
  const rows = rep.evaluate(batch, sel);
  st.append(rows.data, rows.mask);
  st.n += rows.n;
  for (let i = 0; i < n; i++) if (!sel || sel[i]) { st.weights.push(w[i]); st.events.push(first + i); }
  const rw = o.trainWeights?.reweight;
  if (rw) {
    const col = o.evaluator ? o.evaluator(batch, rw.observable) : evaluateSimpleObservable(batch, rw.observable);
    if (!(col instanceof Float64Array)) throw new HmlError('bad-reweight-observable', `reweighting observable '${rw.observable}' must give one value per event (e.g. fatjet0.pt)`, { exitCode: 2 });
    for (let i = 0; i < n; i++) if (!sel || sel[i]) st.spectrum.push(col[i]);
  }
}

/** Staged rows up to this size are gathered in memory; larger ones are read row by row (page cache). */
const IN_MEMORY_LIMIT = 256 << 20;

interface Gatherer {
  gather(rows: Uint32Array): { data: Float32Array; mask?: Uint8Array };
  close(): void;
}

function makeGatherer(stages: SampleStage[], counts: number[], rowSize: number, P: number): Gatherer {
  const starts: number[] = [];
  let acc = 0;
  for (const c of counts) { starts.push(acc); acc += c; }
  const locate = (g: number): [number, number] => {
    let lo = 0, hi = starts.length - 1;
    while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (starts[mid] <= g) lo = mid; else hi = mid - 1; }
    return [lo, g - starts[lo]];
  };
  const total = acc * (rowSize * 4 + P);
  const rowBytes = rowSize * 4;
  if (total <= IN_MEMORY_LIMIT) {
    const data = stages.map((st) => readFileSync(st.dataPath));
    const masks = P > 0 ? stages.map((st) => readFileSync(st.maskPath!)) : undefined;
    return { close: () => undefined, gather: (rows) => {
      const out = new Uint8Array(rows.length * rowBytes);
      const mask = P > 0 ? new Uint8Array(rows.length * P) : undefined;
      for (let k = 0; k < rows.length; k++) {
        const [s, r] = locate(rows[k]);
        out.set(data[s].subarray(r * rowBytes, (r + 1) * rowBytes), k * rowBytes);
        if (mask) mask.set(masks![s].subarray(r * P, (r + 1) * P), k * P);
      }
      return { data: new Float32Array(out.buffer), mask };
    } };
  }
  const fds = stages.map((st) => openSync(st.dataPath, 'r'));
  const mfds = P > 0 ? stages.map((st) => openSync(st.maskPath!, 'r')) : undefined;
  return {
    close: () => { for (const fd of [...fds, ...(mfds ?? [])]) closeSync(fd); },
    gather: (rows) => {
      const out = new Uint8Array(rows.length * rowBytes);
      const mask = P > 0 ? new Uint8Array(rows.length * P) : undefined;
      for (let k = 0; k < rows.length; k++) {
        const [s, r] = locate(rows[k]);
        readSync(fds[s], out, k * rowBytes, rowBytes, r * rowBytes);
        if (mask) readSync(mfds![s], mask, k * P, P, r * P);
      }
      return { data: new Float32Array(out.buffer), mask };
    },
  };
}

function writeRootAttributes(w: H5Writer, o: BuildDatasetOptions, rep: Representation, norms: SampleNormalisation[], cutflow: Record<string, CutflowRow[]>, splitCounts: Record<SplitName, number>, stages: SampleStage[]): void {
  const a = (name: string, v: Parameters<H5Writer['attribute']>[2]) => w.attribute('/', name, v);
  a('format', 'hml-dataset');
  a('format_version', new Int32Array([DATASET_FORMAT_VERSION]));
  a('name', o.name);
  a('kind', rep.kind);
  a('main_array', MAIN_ARRAY[rep.kind]);
  a('row_shape', Int32Array.from(rep.rowShape));
  a('feature_names', rep.features.map((f) => f.name));
  a('feature_units', rep.features.map((f) => f.unit));
  a('feature_definitions', rep.features.map((f) => f.definition));
  a('representation', JSON.stringify(o.settings));
  a('labels_meaning', '1 = signal, 0 = background');
  a('sample_names', o.samples.map((s) => s.name));
  a('sample_labels', Int8Array.from(o.samples.map((s) => s.label)));
  a('sample_descriptions', o.samples.map((s) => s.description ?? ''));
  a('cross_sections_pb', Float64Array.from(norms.map((n) => n.crossSection)));
  a('samples', JSON.stringify(o.samples.map((s, i) => ({
    name: s.name, label: s.label, description: s.description ?? '', group: s.group ?? s.name,
    cross_section_pb: norms[i].crossSection, cross_section_stated: s.crossSection !== undefined,
    n_generated: norms[i].nGenerated, n_streamed: norms[i].nStreamed, n_kept: stages[i].n,
    raw_weight_sum: norms[i].rawWeightSum, weight_scale: norms[i].scale,
  }))));
  a('weights_definition', 'weights: physics weights in pb per event; per sample, sum over generated events = cross section, so sum over kept events = cross section x kept fraction (CONTRACTS.md); pT/HT slices carry sigma_i/N_i each. train_weights: for training only (unit, balanced, physics or physics-balanced, optionally times a spectrum reweighting), per split, mean 1');
  a('train_weights_settings', JSON.stringify(o.trainWeights ?? { weights: 'unit' }));
  a('split_names', SPLIT_NAMES.filter((n) => n !== 'validation' || (o.split.validation ?? 0) > 0));
  a('split_fractions', new Float64Array([o.split.train, o.split.validation ?? 0, o.split.test]));
  a('split_counts', new Int32Array([splitCounts.train, splitCounts.validation, splitCounts.test]));
  a('split_method', 'stratified per sample (hence per label), seeded shuffle per sample then per split; streams derived from (seed, dataset name, sample or split name)');
  a('seed', String(o.seed));
  a('preselection', [...(o.preselection?.cuts ?? [])]);
  a('cutflow', JSON.stringify(cutflow));
  a('software', o.software?.name ?? 'hep-ml-lab');
  a('software_version', o.software?.version ?? '0.1.0');
  a('provenance', JSON.stringify(o.provenance ?? {}));
  a('content_hash_version', CONTENT_HASH_VERSION);
  a('timestamps', `HDF5 object times are pinned to 2024-01-01T00:00:00Z so identical inputs give identical bytes; compare datasets by content_hash (${CONTENT_HASH_VERSION})`);
}

function writeSplitAttributes(w: H5Writer, split: SplitName, rep: Representation, rows: Uint32Array, labels: Int8Array, weights: Float64Array, sampleNames: readonly string[], sampleIdx: Int16Array): void {
  const counts = new Int32Array(2), sums = new Float64Array(2), perSample = new Int32Array(sampleNames.length);
  for (let k = 0; k < rows.length; k++) {
    const g = rows[k];
    counts[labels[g]]++;
    sums[labels[g]] += weights[g];
    perSample[sampleIdx[g]]++;
  }
  w.attribute(`/${split}`, 'n', new Int32Array([rows.length]));
  w.attribute(`/${split}`, 'class_counts', counts);
  w.attribute(`/${split}`, 'class_weight_sums_pb', sums);
  w.attribute(`/${split}`, 'sample_counts', perSample);
  const main = `/${split}/${MAIN_ARRAY[rep.kind]}`;
  w.attribute(main, 'names', rep.features.map((f) => f.name));
  w.attribute(main, 'units', rep.features.map((f) => f.unit));
  if (rep.kind === 'image') w.attribute(main, 'axes', ['height', 'width', 'channel']);
  if (rep.kind === 'cloud') w.attribute(main, 'axes', ['event', 'particle', 'feature']);
  w.attribute(`/${split}/labels`, 'meaning', '1 = signal, 0 = background');
  w.attribute(`/${split}/weights`, 'units', 'pb');
  w.attribute(`/${split}/sample`, 'meaning', 'index into sample_names (this attribute and the root one)');
  w.attribute(`/${split}/sample`, 'sample_names', sampleNames);
  w.attribute(`/${split}/event`, 'meaning', '0-based index of the row\'s event within its sample\'s event stream (hml events --sample S --from N)');
}

