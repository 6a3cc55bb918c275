/**
 * The `files:` engine: a sample made of event files the user already has (LHE, HepMC3, Delphes ROOT, mixed
 * formats allowed), read one after the other as one stream of batches with continuous event numbers.
 *
 * Weights: each file is normalised on its own (Σw = σ_file), then scaled by 1 / (number of files), so that the
 * sample's Σw is the mean cross section of its files: the right thing for several statistically independent runs
 * of the same process (MG5 multi_run, split jobs). A `crossSection` given by the caller replaces every file's σ.
 */
import { isAbsolute, resolve, dirname } from 'node:path';
import { HmlError } from '../util/errors';
import { openEventFile } from './open';
import type { CrossSection, EventFile, ReadOptions, SourceEventBatch } from './types';

export interface FilesSourceSettings {
  /** Paths; relative ones are resolved against `baseFile`'s folder (the analysis file) or the working directory. */
  files: readonly string[];
  /** The analysis file, for relative paths and messages. */
  baseFile?: string;
}

export interface FilesSource {
  files: EventFile[];
  /** Σ events over the files where every file knows its count. */
  nEvents?: number;
  /** Mean σ of the files (pb) with the error of the mean, where every file has one. */
  crossSection?: CrossSection;
  batches(): AsyncIterable<SourceEventBatch>;
}

export async function openFilesSource(settings: FilesSourceSettings, opts: ReadOptions = {}): Promise<FilesSource> {
  if (settings.files.length === 0) {
    throw new HmlError('files-empty', 'a `files:` sample needs at least one event file (LHE, HepMC3 or Delphes ROOT)', { location: { file: settings.baseFile } });
  }
  const base = settings.baseFile ? dirname(settings.baseFile) : process.cwd();
  const files: EventFile[] = [];
  for (const f of settings.files) files.push(await openEventFile(isAbsolute(f) ? f : resolve(base, f), opts));
  const nEvents = files.every((f) => f.nEvents !== undefined) ? files.reduce((s, f) => s + (f.nEvents ?? 0), 0) : undefined;
  let crossSection: CrossSection | undefined;
  if (files.every((f) => f.crossSection)) {
    const v = files.reduce((s, f) => s + f.crossSection!.value, 0) / files.length;
    const e2 = files.reduce((s, f) => s + (f.crossSection!.error ?? 0) ** 2, 0);
    crossSection = { value: v, error: Math.sqrt(e2) / files.length };
  }
  const share = 1 / files.length;
  return {
    files,
    nEvents,
    crossSection,
    async *batches() {
      let offset = 0;
      let left = opts.maxEvents ?? Infinity;
      for (const f of files) {
        if (left <= 0) break;
        for await (const b of f.batches()) {
          const size = Math.min(b.size, left);
          const weights = b.weights.map((w) => w * share);
          const out: SourceEventBatch = size === b.size ? { ...b, firstEvent: offset, weights } : sliceBatch({ ...b, firstEvent: offset, weights }, size);
          offset += out.size;
          left -= out.size;
          yield out;
          if (left <= 0) break;
        }
      }
    },
  };
}

/** The first `n` events of a batch (used when `maxEvents` ends inside a batch). */
export function sliceBatch(b: SourceEventBatch, n: number): SourceEventBatch {
  const collections = new Map<string, import('../physics/events').Collection>();
  for (const [name, c] of b.collections) {
    const rows = c.offsets[n];
    let constituents = c.constituents;
    if (constituents) constituents = { source: constituents.source, offsets: constituents.offsets.slice(0, rows + 1), index: constituents.index.slice(0, constituents.offsets[rows]) };
    const fields: Record<string, Float64Array> = {};
    for (const [k, v] of Object.entries(c.fields)) fields[k] = v.slice(0, rows);
    collections.set(name, { ...c, offsets: c.offsets.slice(0, n + 1), px: c.px.slice(0, rows), py: c.py.slice(0, rows), pz: c.pz.slice(0, rows), e: c.e.slice(0, rows), fields, constituents });
  }
  let namedWeights: Map<string, Float64Array> | undefined;
  if (b.namedWeights) namedWeights = new Map([...b.namedWeights].map(([k, v]) => [k, v.slice(0, n)]));
  return { size: n, firstEvent: b.firstEvent, weights: b.weights.slice(0, n), collections, namedWeights };
}
