/**
 * The generate stage's event store (`events.hmlev`): a compact columnar binary file, written chunk by chunk as
 * the generator yields batches and re-read batch by batch by the dataset stage (never all in memory).
 *
 * Layout (all little-endian):
 *   "HMLEV\x00\x01\n"                         8-byte magic (format version 1)
 *   chunk*: u32 headerBytes, header (UTF-8 JSON), payload
 *     header = { size, firstEvent, payloadBytes, sha256 (of the payload), columns: [{ c, f, t, n }] , collections }
 *     payload = the columns back to back, each padded to 8 bytes, in header order
 *   "HMLEND\x00\x00" + u64 events             8 + 8-byte trailer: a file without it is incomplete
 *
 * Every chunk's payload is checksummed (sha256) and verified on read, so a damaged file is reported with the
 * chunk and event number instead of feeding wrong physics to a dataset.
 */
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync, fstatSync, writeSync, writevSync } from 'node:fs';
import type { Collection, EventBatch } from '../physics/events';
import { simulateDiskFull } from '../util/atomic';
import { HmlError } from '../util/errors';

const MAGIC = Buffer.from('HMLEV\x00\x01\n', 'latin1');
const END = Buffer.from('HMLEND\x00\x00', 'latin1');

type Dtype = 'f64' | 'u32';
interface ColumnHeader {
  /** collection name, or '' for event-level columns */
  c: string;
  /** column: px, py, pz, e, offsets, field:<name>, cons-offsets, cons-index, weights */
  f: string;
  t: Dtype;
  n: number;
}
interface ChunkHeader {
  size: number;
  firstEvent: number;
  payloadBytes: number;
  sha256: string;
  columns: ColumnHeader[];
  collections: { name: string; radius?: number; constituentSource?: string }[];
}

const ZERO_SHA = '0'.repeat(64);

function chunkSha(blankHeader: string, payload: readonly Uint8Array[]): string {
  // incremental: concatenating header and payload first copied every chunk once more just to hash it
  const h = createHash('sha256').update(blankHeader, 'utf8');
  for (const p of payload) h.update(p);
  return h.digest('hex');
}

function bytesOf(a: Float64Array | Uint32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export class EventWriter {
  private fd: number;
  private events = 0;
  private closed = false;

  constructor(readonly path: string) {
    simulateDiskFull(path);
    this.fd = openSync(path, 'w');
    this.write(MAGIC);
  }

  private write(b: Uint8Array): void {
    simulateDiskFull(this.path);
    let off = 0;
    while (off < b.length) off += writeSync(this.fd, b, off, b.length - off);
  }

  private writev(parts: Uint8Array[]): void {
    simulateDiskFull(this.path);
    let rest = parts.filter((p) => p.byteLength > 0);
    while (rest.length > 0) {
      // at most 1024 buffers per call (IOV_MAX); a short write continues from the first unwritten byte
      let n = writevSync(this.fd, rest.slice(0, 1024));
      while (rest.length > 0 && n >= rest[0].byteLength) {
        n -= rest[0].byteLength;
        rest = rest.slice(1);
      }
      if (n > 0) rest = [rest[0].subarray(n), ...rest.slice(1)];
    }
  }

  append(batch: EventBatch): void {
    const columns: ColumnHeader[] = [];
    const parts: Uint8Array[] = [];
    const push = (c: string, f: string, a: Float64Array | Uint32Array): void => {
      columns.push({ c, f, t: a instanceof Float64Array ? 'f64' : 'u32', n: a.length });
      parts.push(bytesOf(a));
      const pad = (8 - (a.byteLength % 8)) % 8;
      if (pad) parts.push(new Uint8Array(pad));
    };
    push('', 'weights', batch.weights);
    const collections: ChunkHeader['collections'] = [];
    for (const [name, col] of [...batch.collections].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      collections.push({ name, radius: col.radius, constituentSource: col.constituents?.source });
      push(name, 'offsets', col.offsets);
      push(name, 'px', col.px);
      push(name, 'py', col.py);
      push(name, 'pz', col.pz);
      push(name, 'e', col.e);
      for (const f of Object.keys(col.fields).sort()) push(name, `field:${f}`, col.fields[f]);
      if (col.constituents) {
        push(name, 'cons-offsets', col.constituents.offsets);
        push(name, 'cons-index', col.constituents.index);
      }
    }
    const payloadBytes = parts.reduce((n, p) => n + p.byteLength, 0);
    // the checksum covers the header too (with its own sha field zeroed), so a damaged count or name is caught
    const header: ChunkHeader = { size: batch.size, firstEvent: this.events, payloadBytes, sha256: ZERO_SHA, columns, collections };
    const blank = JSON.stringify(header);
    const hb = Buffer.from(blank.replace(ZERO_SHA, chunkSha(blank, parts)), 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(hb.length, 0);
    // the columns are written from where they are (gathered write), never copied into one payload buffer
    this.writev([len, hb, ...parts]);
    this.events += batch.size;
  }

  /** Writes the trailer and closes; only a closed file is complete. */
  close(): number {
    if (this.closed) return this.events;
    const t = Buffer.alloc(16);
    END.copy(t, 0);
    t.writeBigUInt64LE(BigInt(this.events), 8);
    this.write(t);
    closeSync(this.fd);
    this.closed = true;
    return this.events;
  }

  /** Closes without a trailer (after an error); the temporary stage folder is discarded anyway. */
  abort(): void {
    if (!this.closed) closeSync(this.fd);
    this.closed = true;
  }
}

function readInto(fd: number, b: Uint8Array, pos: number, path: string): void {
  let got = 0;
  while (got < b.length) {
    const r = readSync(fd, b, got, b.length - got, pos + got);
    if (r === 0) throw new HmlError('event-store-truncated', `${path} ends early (at byte ${pos + got}); delete the stage with \`hml clean\` and run again`, { exitCode: 1 });
    got += r;
  }
}

function readExactly(fd: number, n: number, pos: number, path: string): Buffer {
  const b = Buffer.alloc(n);
  readInto(fd, b, pos, path);
  return b;
}

/** Number of events in a complete event store (reads only the trailer). */
export function eventStoreCount(path: string): number {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const t = readExactly(fd, 16, size - 16, path);
    if (!t.subarray(0, 8).equals(END)) throw new HmlError('event-store-incomplete', `${path} has no end marker: it was not completely written`, { exitCode: 1 });
    return Number(t.readBigUInt64LE(8));
  } finally {
    closeSync(fd);
  }
}

/** Streams the batches of an event store, verifying every chunk's checksum. */
export async function* readEventStore(path: string): AsyncGenerator<EventBatch> {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size < MAGIC.length + 16 || !readExactly(fd, 8, 0, path).equals(MAGIC)) throw new HmlError('event-store-format', `${path} is not an HML event store (bad magic)`, { exitCode: 1 });
    const end = size - 16;
    if (!readExactly(fd, 8, end, path).equals(END)) throw new HmlError('event-store-incomplete', `${path} has no end marker: it was not completely written`, { exitCode: 1 });
    let pos = MAGIC.length;
    let chunk = 0;
    while (pos < end) {
      const hlen = readExactly(fd, 4, pos, path).readUInt32LE(0);
      let header: ChunkHeader;
      let raw: string;
      try {
        if (hlen > end - pos) throw new Error('length');
        raw = readExactly(fd, hlen, pos + 4, path).toString('utf8');
        header = JSON.parse(raw) as ChunkHeader;
        if (!(header.payloadBytes >= 0 && header.payloadBytes <= end - pos)) throw new Error('length');
      } catch {
        throw new HmlError('event-store-corrupt', `${path}: chunk ${chunk} has a damaged header; delete the stage with \`hml clean\` and run again`, { exitCode: 1 });
      }
      // read straight into a fresh ArrayBuffer (offset 0, so 8-byte aligned): the columns are views on it, no copy
      const payload = new Uint8Array(new ArrayBuffer(header.payloadBytes));
      readInto(fd, payload, pos + 4 + hlen, path);
      if (typeof header.sha256 !== 'string' || chunkSha(raw.replace(header.sha256, ZERO_SHA), [payload]) !== header.sha256) {
        throw new HmlError('event-store-corrupt', `${path}: chunk ${chunk} fails its checksum; delete the stage with \`hml clean\` and run again`, { exitCode: 1, location: { file: path, event: header.firstEvent } });
      }
      pos += 4 + hlen + header.payloadBytes;
      chunk++;
      yield decodeChunk(header, payload);
    }
  } finally {
    closeSync(fd);
  }
}

function decodeChunk(h: ChunkHeader, payload: Uint8Array): EventBatch {
  const buf = payload.buffer as ArrayBuffer;
  let off = 0;
  const cols = new Map<string, Float64Array | Uint32Array>();
  for (const c of h.columns) {
    const a = c.t === 'f64' ? new Float64Array(buf, off, c.n) : new Uint32Array(buf, off, c.n);
    off += a.byteLength + ((8 - (a.byteLength % 8)) % 8);
    cols.set(`${c.c}\u0000${c.f}`, a);
  }
  const get = <T extends Float64Array | Uint32Array>(c: string, f: string): T => cols.get(`${c}\u0000${f}`) as T;
  const collections = new Map<string, Collection>();
  for (const meta of h.collections) {
    const fields: Record<string, Float64Array> = {};
    for (const c of h.columns) if (c.c === meta.name && c.f.startsWith('field:')) fields[c.f.slice(6)] = get(meta.name, c.f);
    collections.set(meta.name, {
      name: meta.name,
      offsets: get(meta.name, 'offsets'),
      px: get(meta.name, 'px'),
      py: get(meta.name, 'py'),
      pz: get(meta.name, 'pz'),
      e: get(meta.name, 'e'),
      fields,
      constituents: meta.constituentSource !== undefined ? { source: meta.constituentSource, offsets: get(meta.name, 'cons-offsets'), index: get(meta.name, 'cons-index') } : undefined,
      radius: meta.radius ?? undefined,
    });
  }
  return { size: h.size, firstEvent: h.firstEvent, weights: get('', 'weights'), collections };
}
