import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import type { Dataset as H5Dataset, File as H5File, Group as H5Group } from 'h5wasm';
import { HmlError } from '../util/errors';
import { Rng, deriveSeed } from '../util/random';
import { allocate, ContentHasher, describe, loadH5, type AttributeValue, type ElementType, type NumericArray } from './h5';
import type { SplitName } from './split';
import type { Dataset, DatasetArrays, DatasetKind } from './types';

/**
 * Reading dataset files written by `buildDataset` (or any file with the CONTRACTS.md "Datasets" layout): whole
 * splits into a `Dataset` for training, row ranges, seeded shuffled batches that never load the whole file,
 * and a content-hash check that detects damaged files.
 */
export interface DatasetInfo extends Pick<Dataset, 'name' | 'kind' | 'featureNames' | 'featureUnits' | 'rowShape' | 'sampleNames'> {
  readonly path: string;
  readonly featureDefinitions: readonly string[];
  /** Rows per split present in the file. */
  readonly splits: Partial<Record<SplitName, number>>;
  readonly contentHash?: string;
  /** Every root attribute, decoded (JSON strings stay strings). */
  readonly attributes: Record<string, unknown>;
}

const MAIN: Record<DatasetKind, string> = { set: 'features', image: 'images', cloud: 'cloud' };
/** Most bytes moved through the wasm heap per read call (recipes/hdf5-h5wasm.md pitfall 5: 2 GiB heap). */
const MAX_READ_BYTES = 256 << 20;

/** An open dataset file. Close it when done (`close()`), or use the one-shot functions below. */
export class DatasetFile {
  private constructor(private readonly file: H5File, readonly info: DatasetInfo) {}

  static async open(path: string): Promise<DatasetFile> {
    if (!existsSync(path)) throw new HmlError('dataset-missing', `dataset file ${path} does not exist; build it first (hml run)`, { location: { file: path }, exitCode: 2 });
    checkSignature(path);
    const h5 = await loadH5();
    let f: H5File;
    try {
      f = new h5.File(path, 'r');
      // h5wasm reports some open failures only when the file is used.
      f.keys();
    } catch (err) {
      throw corrupt(path, err);
    }
    try {
      return new DatasetFile(f, readInfo(f, path));
    } catch (err) {
      try { f.close(); } catch { /* already unusable */ }
      if (err instanceof HmlError) throw err;
      throw corrupt(path, err);
    }
  }

  close(): void {
    this.file.close();
  }

  private array(split: SplitName, name: string): H5Dataset | undefined {
    const d = this.file.get(`${split}/${name}`);
    return d && (d as H5Dataset).type === 'Dataset' ? (d as H5Dataset) : undefined;
  }

  /** Rows [start, end) of a split. */
  rows(split: SplitName, start: number, end: number): DatasetArrays {
    try {
      return this.rowsUnchecked(split, start, end);
    } catch (err) {
      if (err instanceof HmlError) throw err;
      throw corrupt(this.info.path, err, split);
    }
  }

  private rowsUnchecked(split: SplitName, start: number, end: number): DatasetArrays {
    const total = this.info.splits[split];
    if (total === undefined) throw new HmlError('no-split', `dataset ${this.info.name} has no '${split}' split (it has: ${Object.keys(this.info.splits).join(', ')})`, { location: { file: this.info.path }, exitCode: 2 });
    start = Math.max(0, start);
    end = Math.min(total, end);
    const n = Math.max(0, end - start);
    const rowSize = this.info.rowShape.reduce((a, b) => a * b, 1);
    const read = (name: string, type: ElementType, size: number): NumericArray | undefined => {
      const ds = this.array(split, name);
      if (!ds) return undefined;
      const out = allocate(type, n * size);
      const step = Math.max(1, Math.floor(MAX_READ_BYTES / Math.max(1, size * out.BYTES_PER_ELEMENT)));
      try {
        for (let a = 0; a < n; a += step) {
          const b = Math.min(n, a + step);
          out.set(ds.slice([[start + a, start + b]]) as NumericArray, a * size);
        }
      } catch (err) {
        throw corrupt(this.info.path, err, `${split}/${name}`);
      }
      return out;
    };
    const labels = read('labels', 'i8', 1) as Int8Array | undefined;
    const weights = read('weights', 'f64', 1) as Float64Array | undefined;
    const sample = read('sample', 'i16', 1) as Int16Array | undefined;
    if (!labels || !weights || !sample) throw new HmlError('dataset-layout', `${this.info.path}: split '${split}' lacks labels, weights or sample; this is not an HML dataset file (CONTRACTS.md "Datasets")`, { location: { file: this.info.path }, exitCode: 2 });
    const main = read(MAIN[this.info.kind], 'f32', rowSize) as Float32Array | undefined;
    if (!main) throw new HmlError('dataset-layout', `${this.info.path}: split '${split}' lacks '${MAIN[this.info.kind]}'`, { location: { file: this.info.path }, exitCode: 2 });
    return {
      n,
      labels,
      weights,
      sample,
      event: read('event', 'i32', 1) as Int32Array | undefined,
      trainWeights: read('train_weights', 'f64', 1) as Float64Array | undefined,
      ...(this.info.kind === 'set' ? { features: main } : this.info.kind === 'image' ? { images: main } : { cloud: main, mask: read('mask', 'u8', this.info.rowShape[0]) as Uint8Array }),
    };
  }

  /** The whole split (use `batches` for data that should not be loaded at once). */
  split(split: SplitName): DatasetArrays {
    return this.rows(split, 0, this.info.splits[split] ?? 0);
  }

  /** Chunk rows of the main array of a split (reads aligned to them are cheapest). */
  chunkRows(split: SplitName): number {
    const ds = this.array(split, MAIN[this.info.kind]);
    const chunks = ds?.metadata.chunks;
    return chunks && chunks.length > 0 ? chunks[0] : 1024;
  }

  /**
   * Seeded shuffled batches of `batchSize` rows. Chunk-aligned blocks are read in a seeded random order and rows are
   * shuffled inside a window of `windowBlocks` blocks, so memory stays at about windowBlocks × chunk size while the
   * order is well mixed. Same (seed, epoch) → same batches. `shuffle: false` reads in file order.
   */
  *batches(split: SplitName, o: { batchSize: number; seed?: string | number | bigint; epoch?: number; shuffle?: boolean; windowBlocks?: number }): Generator<DatasetArrays> {
    const total = this.info.splits[split] ?? 0;
    const block = this.chunkRows(split);
    const nBlocks = Math.ceil(total / block);
    const order = Uint32Array.from({ length: nBlocks }, (_, i) => i);
    const shuffle = o.shuffle ?? true;
    const rng = new Rng(deriveSeed(String(o.seed ?? 0), 'dataset-batches', this.info.name, split, o.epoch ?? 0));
    if (shuffle) rng.shuffle(order);
    const window = Math.max(1, o.windowBlocks ?? Math.max(1, Math.ceil(4096 / block)));
    let pending: DatasetArrays | undefined;
    for (let w = 0; w < nBlocks; w += window) {
      const parts = Array.from(order.subarray(w, Math.min(nBlocks, w + window))).map((b) => this.rows(split, b * block, (b + 1) * block));
      let merged = concatArrays(parts);
      if (shuffle) {
        const perm = Uint32Array.from({ length: merged.n }, (_, i) => i);
        rng.shuffle(perm);
        merged = takeRows(merged, perm);
      }
      pending = pending ? concatArrays([pending, merged]) : merged;
      while (pending.n >= o.batchSize) {
        yield takeRange(pending, 0, o.batchSize);
        pending = takeRange(pending, o.batchSize, pending.n);
      }
    }
    if (pending && pending.n > 0) yield pending;
  }

  /**
   * Recomputes the content hash from the file (every object, attribute and byte of data) and compares it with
   * the stored `content_hash`. Returns the recomputed hash; throws `dataset-corrupt` on a mismatch.
   */
  verify(): string {
    try {
      return this.verifyUnchecked();
    } catch (err) {
      if (err instanceof HmlError) throw err;
      throw corrupt(this.info.path, err);
    }
  }

  private verifyUnchecked(): string {
    const h = new ContentHasher();
    const visit = (g: H5Group, path: string): void => {
      h.object(path, 'group');
      for (const [name, attr] of Object.entries(g.attrs)) h.attribute(path, name, attributeValue(attr.value));
      for (const key of g.keys()) {
        const child = g.get(key);
        const cpath = path === '/' ? `/${key}` : `${path}/${key}`;
        if (!child) continue;
        if ((child as H5Group).type === 'Group') visit(child as H5Group, cpath);
        else if ((child as H5Dataset).type === 'Dataset') {
          const ds = child as H5Dataset;
          h.object(cpath, 'dataset');
          for (const [name, attr] of Object.entries(ds.attrs)) h.attribute(cpath, name, attributeValue(attr.value));
          const shape = ds.shape ?? [];
          const type = elementTypeOfDtype(ds.dtype as string);
          h.data(cpath, type, shape);
          const rows = shape[0] ?? 0;
          const rowSize = shape.slice(1).reduce((a, b) => a * b, 1);
          const step = Math.max(1, Math.floor(MAX_READ_BYTES / Math.max(1, rowSize * 8)));
          try {
            for (let a = 0; a < rows; a += step) h.update(cpath, ds.slice([[a, Math.min(rows, a + step)]]) as NumericArray);
          } catch (err) {
            throw corrupt(this.info.path, err, cpath);
          }
        }
      }
    };
    visit(this.file, '/');
    const got = h.digest();
    if (this.info.contentHash !== undefined && got !== this.info.contentHash) {
      throw new HmlError('dataset-corrupt', `${this.info.path}: content hash ${got.slice(0, 12)}… does not match the stored ${this.info.contentHash.slice(0, 12)}…; the file was modified or damaged — rebuild the dataset`, { location: { file: this.info.path }, exitCode: 1 });
    }
    return got;
  }
}

/** Reads the whole dataset (every split) into memory for training. */
export async function readDataset(path: string, o: { verify?: boolean } = {}): Promise<Dataset> {
  const f = await DatasetFile.open(path);
  try {
    if (o.verify) f.verify();
    const i = f.info;
    return {
      name: i.name,
      kind: i.kind,
      featureNames: i.featureNames,
      featureUnits: i.featureUnits,
      rowShape: i.rowShape,
      sampleNames: i.sampleNames,
      train: f.split('train'),
      validation: i.splits.validation !== undefined ? f.split('validation') : undefined,
      test: f.split('test'),
    };
  } finally {
    f.close();
  }
}

/** Opens, reads the description and closes. */
export async function datasetInfo(path: string): Promise<DatasetInfo> {
  const f = await DatasetFile.open(path);
  try { return f.info; } finally { f.close(); }
}

/** Recomputes and checks the content hash (throws `dataset-corrupt`); returns it. */
export async function verifyDataset(path: string): Promise<string> {
  const f = await DatasetFile.open(path);
  try { return f.verify(); } finally { f.close(); }
}

function checkSignature(path: string): void {
  const fd = openSync(path, 'r');
  const sig = Buffer.alloc(8);
  let n: number;
  try { n = readSync(fd, sig, 0, 8, 0); } finally { closeSync(fd); }
  // HDF5 files written here start with the signature at offset 0 (no user block).
  if (n < 8 || sig.toString('latin1') !== '\x89HDF\r\n\x1a\n') {
    throw new HmlError('dataset-corrupt', `${path} is not an HDF5 file (no HDF5 signature${n < 8 ? `; only ${n} bytes` : ''}); rebuild the dataset`, { location: { file: path }, exitCode: 1 });
  }
}

function corrupt(path: string, err: unknown, where?: string): HmlError {
  return new HmlError('dataset-corrupt', `${path}${where ? ` (${where})` : ''} cannot be read: it is truncated or damaged (${describe(err).split('\n')[0]}); delete it and rebuild the dataset`, { location: { file: path }, exitCode: 1, cause: err });
}

function attributeValue(v: unknown): AttributeValue {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.map(String);
  if (ArrayBuffer.isView(v)) return v as NumericArray;
  if (typeof v === 'number') return new Float64Array([v]);
  return String(v);
}

function elementTypeOfDtype(d: string): ElementType {
  const map: Record<string, ElementType> = { '<f': 'f32', '<d': 'f64', '<b': 'i8', '<B': 'u8', '<h': 'i16', '<i': 'i32', '|b': 'i8', '|B': 'u8' };
  const t = map[d];
  if (!t) throw new HmlError('dataset-layout', `unsupported element type '${d}' in dataset file`, { exitCode: 2 });
  return t;
}

function readInfo(f: H5File, path: string): DatasetInfo {
  const attrs: Record<string, unknown> = {};
  for (const [k, a] of Object.entries(f.attrs)) attrs[k] = a.value;
  const strs = (k: string): string[] => {
    const v = attrs[k];
    return Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : [];
  };
  const kind = attrs.kind as DatasetKind | undefined;
  if (kind !== 'set' && kind !== 'image' && kind !== 'cloud') {
    throw new HmlError('dataset-layout', `${path} has no valid 'kind' attribute (set, image or cloud); it was not written by HEP ML Lab`, { location: { file: path }, exitCode: 2 });
  }
  const splits: Partial<Record<SplitName, number>> = {};
  const keys = f.keys();
  for (const s of ['train', 'validation', 'test'] as const) {
    if (!keys.includes(s)) continue;
    const ds = f.get(`${s}/labels`) as H5Dataset | null;
    splits[s] = ds?.shape?.[0] ?? 0;
  }
  const rowShape = attrs.row_shape ? Array.from(attrs.row_shape as Int32Array) : [];
  return {
    path,
    name: String(attrs.name ?? ''),
    kind,
    featureNames: strs('feature_names'),
    featureUnits: strs('feature_units'),
    featureDefinitions: strs('feature_definitions'),
    rowShape,
    sampleNames: strs('sample_names'),
    splits,
    contentHash: typeof attrs.content_hash === 'string' ? attrs.content_hash : undefined,
    attributes: attrs,
  };
}

/** Concatenates row blocks (same layout). */
export function concatArrays(parts: readonly DatasetArrays[]): DatasetArrays {
  if (parts.length === 1) return parts[0];
  const n = parts.reduce((a, p) => a + p.n, 0);
  const cat = <T extends NumericArray>(get: (p: DatasetArrays) => T | undefined, make: (k: number) => T): T | undefined => {
    if (!get(parts[0])) return undefined;
    const out = make(parts.reduce((a, p) => a + get(p)!.length, 0));
    let o = 0;
    for (const p of parts) { out.set(get(p)! as never, o); o += get(p)!.length; }
    return out;
  };
  return {
    n,
    labels: cat((p) => p.labels, (k) => new Int8Array(k))!,
    weights: cat((p) => p.weights, (k) => new Float64Array(k))!,
    sample: cat((p) => p.sample, (k) => new Int16Array(k))!,
    event: cat((p) => p.event, (k) => new Int32Array(k)),
    trainWeights: cat((p) => p.trainWeights, (k) => new Float64Array(k)),
    features: cat((p) => p.features, (k) => new Float32Array(k)),
    images: cat((p) => p.images, (k) => new Float32Array(k)),
    cloud: cat((p) => p.cloud, (k) => new Float32Array(k)),
    mask: cat((p) => p.mask, (k) => new Uint8Array(k)),
  };
}

/** Rows in the given order. */
export function takeRows(d: DatasetArrays, rows: ArrayLike<number>): DatasetArrays {
  const n = rows.length;
  const take = <T extends NumericArray>(a: T | undefined, make: (k: number) => T): T | undefined => {
    if (!a) return undefined;
    const size = a.length / Math.max(1, d.n);
    const out = make(n * size);
    // Element loops for short rows (labels, weights, feature rows): subarray views per row cost more than the copy.
    if (size <= 64) {
      for (let k = 0; k < n; k++) {
        const from = rows[k] * size, to = k * size;
        for (let j = 0; j < size; j++) out[to + j] = a[from + j];
      }
    } else {
      for (let k = 0; k < n; k++) out.set(a.subarray(rows[k] * size, (rows[k] + 1) * size) as never, k * size);
    }
    return out;
  };
  return {
    n,
    labels: take(d.labels, (k) => new Int8Array(k))!,
    weights: take(d.weights, (k) => new Float64Array(k))!,
    sample: take(d.sample, (k) => new Int16Array(k))!,
    event: take(d.event, (k) => new Int32Array(k)),
    trainWeights: take(d.trainWeights, (k) => new Float64Array(k)),
    features: take(d.features, (k) => new Float32Array(k)),
    images: take(d.images, (k) => new Float32Array(k)),
    cloud: take(d.cloud, (k) => new Float32Array(k)),
    mask: take(d.mask, (k) => new Uint8Array(k)),
  };
}

function takeRange(d: DatasetArrays, a: number, b: number): DatasetArrays {
  const sub = <T extends NumericArray>(x: T | undefined): T | undefined => {
    if (!x) return undefined;
    const size = x.length / Math.max(1, d.n);
    return x.subarray(a * size, b * size) as T;
  };
  return { n: b - a, labels: sub(d.labels)!, weights: sub(d.weights)!, sample: sub(d.sample)!, event: sub(d.event), trainWeights: sub(d.trainWeights), features: sub(d.features), images: sub(d.images), cloud: sub(d.cloud), mask: sub(d.mask) };
}
