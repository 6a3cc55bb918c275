import { createHash, type Hash } from 'node:crypto';
import type { Dataset as H5Dataset, File as H5File, Group as H5Group } from 'h5wasm';
import { HmlError } from '../util/errors';

/**
 * The thin layer over h5wasm used by dataset writing and reading.
 *
 * h5wasm is ESM-only and loads its wasm on import, so it is imported lazily (and kept external by the bundler).
 *
 * Determinism. HDF5 stores creation/modification times in object headers and h5wasm cannot switch that off
 * (no `track_times` / `H5Pset_obj_track_times`; checked against h5wasm 0.10.3, see recipes/hdf5-h5wasm.md). Two
 * measures, both used:
 *  1. every h5wasm call that writes runs with `Date.now` pinned (`withFixedClock`): Emscripten reads the clock
 *     through `Date.now`, so the stamps become a constant and the same inputs give byte-identical files;
 *  2. a content hash over data and attributes (`CONTENT_HASH_VERSION`, defined in `ContentHasher`) is stored as
 *     the root attribute `content_hash` and in dataset_card.json; comparisons of datasets use it, so they hold
 *     even for a file re-written by another tool with other chunking, compression or timestamps.
 */
export type H5Module = typeof import('h5wasm');

let loaded: Promise<H5Module> | undefined;

export async function loadH5(): Promise<H5Module> {
  loaded ??= (async () => {
    const mod = (await import('h5wasm/node')) as unknown as { default?: H5Module } & H5Module;
    const h5 = mod.default ?? mod;
    await h5.ready;
    return h5;
  })();
  return loaded;
}

/** The instant written into HDF5 object headers: 2024-01-01T00:00:00Z (ms since the epoch). */
export const FIXED_TIME_MS = Date.UTC(2024, 0, 1);

/**
 * Runs `fn` (synchronous h5wasm calls only) with `Date.now` pinned. The pin is process-global, so it is never held
 * across an `await`.
 */
export function withFixedClock<T>(fn: () => T): T {
  const real = Date.now;
  Date.now = () => FIXED_TIME_MS;
  try {
    return fn();
  } finally {
    Date.now = real;
  }
}

/** Numeric element types used in dataset files, with their h5wasm (struct-style) and numpy codes. */
export type ElementType = 'f32' | 'f64' | 'i8' | 'u8' | 'i16' | 'i32';
export const H5_DTYPE: Record<ElementType, string> = { f32: '<f', f64: '<d', i8: '<b', u8: '<B', i16: '<h', i32: '<i' };
export const NUMPY_DTYPE: Record<ElementType, string> = { f32: '<f4', f64: '<f8', i8: '|i1', u8: '|u1', i16: '<i2', i32: '<i4' };

export type NumericArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Int32Array;

export function elementTypeOf(a: NumericArray): ElementType {
  if (a instanceof Float32Array) return 'f32';
  if (a instanceof Float64Array) return 'f64';
  if (a instanceof Int8Array) return 'i8';
  if (a instanceof Uint8Array) return 'u8';
  if (a instanceof Int16Array) return 'i16';
  return 'i32';
}

export function allocate(type: ElementType, n: number): NumericArray {
  switch (type) {
    case 'f32': return new Float32Array(n);
    case 'f64': return new Float64Array(n);
    case 'i8': return new Int8Array(n);
    case 'u8': return new Uint8Array(n);
    case 'i16': return new Int16Array(n);
    case 'i32': return new Int32Array(n);
  }
}

/** Attribute values written to dataset files: strings, string lists, or typed numeric arrays. */
export type AttributeValue = string | readonly string[] | NumericArray;

function bytesOf(a: NumericArray): Uint8Array {
  // The engine runs on little-endian hosts only (x86-64, arm64); HDF5 stores these types little-endian too.
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/**
 * Content hash, version 1 ("hml-content-v1"). For every object (root group, groups, datasets), sorted by path:
 *
 *   record = path "\n" kind "\n"
 *            for each attribute sorted by name:  name "\t" type "\t" sha256(payload) "\n"
 *            for a dataset:                      "data\t" numpy dtype "\t" JSON shape "\t" sha256(raw LE bytes) "\n"
 *
 * with kind `group` or `dataset`; attribute type `str` (payload: UTF-8), `str[]` (payload: JSON array, UTF-8,
 * no spaces) or numpy dtype + JSON shape such as `<f8[3]` (payload: raw little-endian bytes). The hash is
 * sha256 over the concatenated records; the root attribute `content_hash` itself is left out. Independent of
 * chunking, compression and timestamps; test/datasets re-computes it with h5py.
 */
export const CONTENT_HASH_VERSION = 'hml-content-v1';

export class ContentHasher {
  private objects = new Map<string, { kind: 'group' | 'dataset'; attrs: Map<string, string>; data?: { dtype: string; shape: number[]; hash: Hash } }>();

  object(path: string, kind: 'group' | 'dataset'): void {
    if (!this.objects.has(path)) this.objects.set(path, { kind, attrs: new Map() });
  }

  attribute(path: string, name: string, value: AttributeValue): void {
    const o = this.objects.get(path);
    if (!o) throw new Error(`internal: attribute on unknown object ${path}`);
    let type: string, payload: Uint8Array;
    if (typeof value === 'string') { type = 'str'; payload = Buffer.from(value, 'utf8'); }
    else if (Array.isArray(value)) { type = 'str[]'; payload = Buffer.from(JSON.stringify(value), 'utf8'); }
    else { const a = value as NumericArray; type = `${NUMPY_DTYPE[elementTypeOf(a)]}[${a.length}]`; payload = bytesOf(a); }
    o.attrs.set(name, `${name}\t${type}\t${createHash('sha256').update(payload).digest('hex')}\n`);
  }

  data(path: string, type: ElementType, shape: number[]): void {
    const o = this.objects.get(path);
    if (!o) throw new Error(`internal: data on unknown object ${path}`);
    o.data = { dtype: NUMPY_DTYPE[type], shape, hash: createHash('sha256') };
  }

  /** Appends the next rows of a dataset's data, in file order. */
  update(path: string, chunk: NumericArray): void {
    this.objects.get(path)!.data!.hash.update(bytesOf(chunk));
  }

  /** Fixes the final shape (datasets written by appending). */
  shape(path: string, shape: number[]): void {
    this.objects.get(path)!.data!.shape = shape;
  }

  digest(): string {
    const h = createHash('sha256');
    for (const path of [...this.objects.keys()].sort()) {
      const o = this.objects.get(path)!;
      h.update(`${path}\n${o.kind}\n`);
      for (const name of [...o.attrs.keys()].sort()) if (!(path === '/' && name === 'content_hash')) h.update(o.attrs.get(name)!);
      if (o.data) h.update(`data\t${o.data.dtype}\t${JSON.stringify(o.data.shape)}\t${o.data.hash.digest('hex')}\n`);
    }
    return h.digest('hex');
  }
}

/** Chunk rows so that one chunk is at most ~1 MiB (HDF5's default chunk cache; recipes/hdf5-h5wasm.md pitfall 8). */
export function chunkRows(rowBytes: number, nRows: number): number {
  const byBytes = Math.max(1, Math.floor((1 << 20) / Math.max(1, rowBytes)));
  return Math.max(1, Math.min(byBytes, 65536, Math.max(1, nRows)));
}

/**
 * A file being written: every object and attribute goes through here so the content hash sees exactly what the
 * file holds. All calls are synchronous and clock-pinned.
 */
export class H5Writer {
  readonly hasher = new ContentHasher();
  private constructor(private readonly file: H5File, readonly path: string, private readonly gzip: number) {
    this.hasher.object('/', 'group');
  }

  static async create(path: string, gzipLevel: number): Promise<H5Writer> {
    const h5 = await loadH5();
    try {
      const f = withFixedClock(() => new h5.File(path, 'w'));
      return new H5Writer(f, path, gzipLevel);
    } catch (err) {
      throw new HmlError('dataset-write-failed', `could not create ${path}: ${describe(err)}; check that the directory is writable`, { exitCode: 1, cause: err });
    }
  }

  group(path: string): void {
    withFixedClock(() => this.file.create_group(path.replace(/^\//, '')));
    this.hasher.object(path, 'group');
  }

  attribute(path: string, name: string, value: AttributeValue): void {
    // h5wasm stores an empty string list as a numeric array, which would read back (and hash) differently; an
    // empty list is written as the JSON text "[]" instead.
    if (Array.isArray(value) && value.length === 0) value = '[]';
    const target = path === '/' ? this.file : (this.file.get(path.replace(/^\//, '')) as H5Group | H5Dataset);
    withFixedClock(() => {
      if (typeof value === 'string' || Array.isArray(value)) target.create_attribute(name, value as string | string[]);
      else { const a = value as NumericArray; target.create_attribute(name, a, [a.length], H5_DTYPE[elementTypeOf(a)]); }
    });
    this.hasher.attribute(path, name, value);
  }

  /** Creates an extensible (0, ...rowShape) dataset, chunked and gzip-compressed, to be filled with `append`. */
  dataset(path: string, type: ElementType, rowShape: readonly number[], expectedRows: number): AppendableDataset {
    const rowSize = rowShape.reduce((a, b) => a * b, 1);
    const rows = chunkRows(rowSize * allocate(type, 1).BYTES_PER_ELEMENT, expectedRows);
    const slash = path.lastIndexOf('/');
    const parent = path.slice(0, slash) || '/';
    const name = path.slice(slash + 1);
    const g = parent === '/' ? this.file : (this.file.get(parent.replace(/^\//, '')) as H5Group);
    const ds = withFixedClock(() => g.create_dataset({
      name,
      data: allocate(type, 0),
      shape: [0, ...rowShape],
      maxshape: [null, ...rowShape],
      dtype: H5_DTYPE[type],
      chunks: [rows, ...rowShape],
      ...(this.gzip > 0 ? { compression: 'gzip' as const, compression_opts: this.gzip } : {}),
    }));
    this.hasher.object(path, 'dataset');
    this.hasher.data(path, type, [0, ...rowShape]);
    return new AppendableDataset(ds, path, rowShape, rowSize, this.hasher);
  }

  close(): void {
    withFixedClock(() => this.file.close());
  }
}

export class AppendableDataset {
  private n = 0;
  constructor(private readonly ds: H5Dataset, readonly path: string, private readonly rowShape: readonly number[], private readonly rowSize: number, private readonly hasher: ContentHasher) {}

  /** Appends whole rows (row-major). Keep each call well under 1 GB (wasm heap, recipe pitfall 5). */
  append(rows: NumericArray): void {
    const m = rows.length / this.rowSize;
    if (m === 0) return;
    withFixedClock(() => {
      this.ds.resize([this.n + m, ...this.rowShape]);
      this.ds.write_slice([[this.n, this.n + m]], rows);
    });
    this.hasher.update(this.path, rows);
    this.n += m;
    this.hasher.shape(this.path, [this.n, ...this.rowShape]);
  }

  get rows(): number {
    return this.n;
  }
}

export function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
