/**
 * Columnar event batches: the one in-memory form of events between sources, reconstruction, observables and
 * datasets. No object per particle: every collection is a set of typed arrays with per-event offsets.
 *
 * Units: GeV for px, py, pz, e (and every momentum-like field); radians for angles.
 *
 * Collection names are the lower-case Delphes names (CONTRACTS.md "Event model"): `particle`, `jet`, `fatjet`,
 * `electron`, `muon`, `photon`, `missinget`, `eflowtrack`, `eflowphoton`, `eflowneutralhadron`, `track`, `tower`,
 * `genjet`. Objects of event `i` occupy rows `offsets[i] .. offsets[i+1]-1` of the collection's arrays.
 */
export interface Collection {
  /** Collection name (lower case), e.g. `fatjet`. */
  readonly name: string;
  /** Length `nEvents + 1`; `offsets[0] = 0`, `offsets[nEvents]` = number of rows. */
  readonly offsets: Uint32Array;
  /** Four-momentum columns in GeV, one row per object. */
  readonly px: Float64Array;
  readonly py: Float64Array;
  readonly pz: Float64Array;
  readonly e: Float64Array;
  /**
   * Extra per-object columns, lower-case names. Conventional ones: `pdg_id`, `charge`, `status` (particles);
   * `b_tag`, `tau_tag` (jets, 0/1 or a Delphes bit field); `tau1`…`tau5` (N-subjettiness stored by a file);
   * `sd_px`, `sd_py`, `sd_pz`, `sd_e` (soft-dropped four-vector stored by a file); `met`, `phi` for missinget.
   */
  readonly fields: Record<string, Float64Array>;
  /**
   * Constituents of each object: rows `constituents.offsets[j] .. offsets[j+1]-1` of `constituents.index` hold
   * row numbers (in the whole batch, not per event) of collection `constituents.source`.
   */
  readonly constituents?: ConstituentRefs;
  /** Jet radius (for jet-like collections built by reconstruction or read from a file), radians in y–φ. */
  readonly radius?: number;
}

export interface ConstituentRefs {
  readonly source: string;
  /** Length `nObjects + 1`. */
  readonly offsets: Uint32Array;
  readonly index: Uint32Array;
}

export interface EventBatch {
  /** Number of events in this batch. */
  readonly size: number;
  /** Index of this batch's first event in its sample (0-based), for messages and provenance. */
  readonly firstEvent: number;
  /** Physics weight per event, normalised as CONTRACTS.md "Event weights" says (Σw = σ[pb] × kept fraction). */
  readonly weights: Float64Array;
  /** Collections by lower-case name. */
  readonly collections: Map<string, Collection>;
}

/** Number of objects of collection `c` in event `i`. */
export function countIn(c: Collection, event: number): number {
  return c.offsets[event + 1] - c.offsets[event];
}

/**
 * Builds a collection row by row. Used by readers and reconstruction; `finish` returns compact typed arrays.
 */
export class CollectionBuilder {
  private px: number[] = [];
  private py: number[] = [];
  private pz: number[] = [];
  private e: number[] = [];
  private fieldValues = new Map<string, number[]>();
  private offsets: number[] = [0];
  private consOffsets: number[] = [0];
  private consIndex: number[] = [];

  constructor(readonly name: string, readonly fieldNames: readonly string[] = [], readonly constituentSource?: string, readonly radius?: number) {
    for (const f of fieldNames) this.fieldValues.set(f, []);
  }

  /** Adds one object to the current event. `fields` must hold every name given to the constructor. */
  add(px: number, py: number, pz: number, e: number, fields?: Record<string, number>, constituents?: ArrayLike<number>): void {
    this.px.push(px);
    this.py.push(py);
    this.pz.push(pz);
    this.e.push(e);
    for (const [name, col] of this.fieldValues) col.push(fields?.[name] ?? NaN);
    if (this.constituentSource !== undefined) {
      if (constituents) for (let i = 0; i < constituents.length; i++) this.consIndex.push(constituents[i]);
      this.consOffsets.push(this.consIndex.length);
    }
  }

  /** Closes the current event. */
  endEvent(): void {
    this.offsets.push(this.px.length);
  }

  get rows(): number {
    return this.px.length;
  }

  finish(): Collection {
    const fields: Record<string, Float64Array> = {};
    for (const [name, col] of this.fieldValues) fields[name] = Float64Array.from(col);
    return {
      name: this.name,
      offsets: Uint32Array.from(this.offsets),
      px: Float64Array.from(this.px),
      py: Float64Array.from(this.py),
      pz: Float64Array.from(this.pz),
      e: Float64Array.from(this.e),
      fields,
      constituents:
        this.constituentSource === undefined
          ? undefined
          : { source: this.constituentSource, offsets: Uint32Array.from(this.consOffsets), index: Uint32Array.from(this.consIndex) },
      radius: this.radius,
    };
  }
}

/** An empty collection for `nEvents` events (CONTRACTS: missing collections are empty, not errors). */
export function emptyCollection(name: string, nEvents: number): Collection {
  return {
    name,
    offsets: new Uint32Array(nEvents + 1),
    px: new Float64Array(0),
    py: new Float64Array(0),
    pz: new Float64Array(0),
    e: new Float64Array(0),
    fields: {},
  };
}
