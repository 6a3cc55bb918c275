/**
 * Fast columnar output for the built-in generator: growable typed-array collection builders (no per-row objects),
 * and concatenation / slicing of `EventBatch`es so that fixed-size generation chunks can be regrouped into
 * batches of any size without changing the events.
 */
import type { Collection, EventBatch } from '../../physics/events';

export class ColBuilder {
  rows = 0;
  private cap: number;
  px: Float64Array;
  py: Float64Array;
  pz: Float64Array;
  e: Float64Array;
  readonly f: Float64Array[];
  private offsets: number[] = [0];

  constructor(readonly name: string, readonly fieldNames: readonly string[] = [], capacity = 1024) {
    this.cap = capacity;
    this.px = new Float64Array(capacity);
    this.py = new Float64Array(capacity);
    this.pz = new Float64Array(capacity);
    this.e = new Float64Array(capacity);
    this.f = fieldNames.map(() => new Float64Array(capacity));
  }

  private grow(): void {
    this.cap *= 2;
    const g = (a: Float64Array): Float64Array => {
      const b = new Float64Array(this.cap);
      b.set(a);
      return b;
    };
    this.px = g(this.px);
    this.py = g(this.py);
    this.pz = g(this.pz);
    this.e = g(this.e);
    for (let k = 0; k < this.f.length; k++) this.f[k] = g(this.f[k]);
  }

  /** Adds a row (GeV) and returns its index; set its fields through `f[k][row]`. */
  add(px: number, py: number, pz: number, e: number): number {
    if (this.rows === this.cap) this.grow();
    const r = this.rows++;
    this.px[r] = px;
    this.py[r] = py;
    this.pz[r] = pz;
    this.e[r] = e;
    return r;
  }

  endEvent(): void {
    this.offsets.push(this.rows);
  }

  finish(): Collection {
    const fields: Record<string, Float64Array> = {};
    this.fieldNames.forEach((name, k) => (fields[name] = this.f[k].slice(0, this.rows)));
    return {
      name: this.name,
      offsets: Uint32Array.from(this.offsets),
      px: this.px.slice(0, this.rows),
      py: this.py.slice(0, this.rows),
      pz: this.pz.slice(0, this.rows),
      e: this.e.slice(0, this.rows),
      fields,
    };
  }
}

/** Concatenates batches (same collections, no constituent references) in order. */
export function concatBatches(batches: readonly EventBatch[], firstEvent: number): EventBatch {
  if (batches.length === 1 && batches[0].firstEvent === firstEvent) return batches[0];
  let size = 0;
  for (const b of batches) size += b.size;
  const weights = new Float64Array(size);
  let o = 0;
  for (const b of batches) {
    weights.set(b.weights, o);
    o += b.size;
  }
  const collections = new Map<string, Collection>();
  for (const name of batches[0].collections.keys()) {
    const parts = batches.map((b) => b.collections.get(name) as Collection);
    let rows = 0;
    for (const c of parts) rows += c.px.length;
    const offsets = new Uint32Array(size + 1);
    const cat = (get: (c: Collection) => Float64Array): Float64Array => {
      const out = new Float64Array(rows);
      let r = 0;
      for (const c of parts) {
        out.set(get(c), r);
        r += c.px.length;
      }
      return out;
    };
    let ev = 0, base = 0;
    for (const c of parts) {
      const n = c.offsets.length - 1;
      for (let i = 1; i <= n; i++) offsets[ev + i] = base + c.offsets[i];
      ev += n;
      base += c.px.length;
    }
    const fields: Record<string, Float64Array> = {};
    for (const f of Object.keys(parts[0].fields)) fields[f] = cat((c) => c.fields[f]);
    collections.set(name, { name, offsets, px: cat((c) => c.px), py: cat((c) => c.py), pz: cat((c) => c.pz), e: cat((c) => c.e), fields });
  }
  return { size, firstEvent, weights, collections };
}

/** Events [from, to) of a batch as a new batch (copies). */
export function sliceBatch(b: EventBatch, from: number, to: number): EventBatch {
  const collections = new Map<string, Collection>();
  for (const [name, c] of b.collections) {
    const r0 = c.offsets[from], r1 = c.offsets[to];
    const offsets = new Uint32Array(to - from + 1);
    for (let i = 0; i <= to - from; i++) offsets[i] = c.offsets[from + i] - r0;
    const fields: Record<string, Float64Array> = {};
    for (const [f, col] of Object.entries(c.fields)) fields[f] = col.slice(r0, r1);
    collections.set(name, { name, offsets, px: c.px.slice(r0, r1), py: c.py.slice(r0, r1), pz: c.pz.slice(r0, r1), e: c.e.slice(r0, r1), fields });
  }
  return { size: to - from, firstEvent: b.firstEvent + from, weights: b.weights.slice(from, to), collections };
}

/** The ArrayBuffers of a batch, for a zero-copy postMessage transfer. */
export function batchBuffers(b: EventBatch): ArrayBuffer[] {
  const out = new Set<ArrayBuffer>();
  const push = (a: { buffer: ArrayBufferLike }): void => {
    if (a.buffer instanceof ArrayBuffer) out.add(a.buffer);
  };
  push(b.weights);
  for (const c of b.collections.values()) {
    push(c.offsets);
    push(c.px);
    push(c.py);
    push(c.pz);
    push(c.e);
    for (const f of Object.values(c.fields)) push(f);
  }
  return [...out];
}
