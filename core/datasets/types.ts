/**
 * The in-memory form of a dataset split, shared by dataset building (core/datasets), the methods
 * (core/methods) and the metrics. It mirrors the HDF5 layout of CONTRACTS.md "Datasets" one to one.
 */
export type DatasetKind = 'set' | 'image' | 'cloud';

export interface DatasetArrays {
  /** Number of rows (events). */
  readonly n: number;
  /** 1 = signal, 0 = background. */
  readonly labels: Int8Array;
  /** Physics weights (CONTRACTS: Σw = σ[pb] × kept fraction per sample; negative weights allowed). */
  readonly weights: Float64Array;
  /** Training weights (class balance, optional pT reweighting); absent means all 1. */
  readonly trainWeights?: Float64Array;
  /** Index into `Dataset.sampleNames` per row. */
  readonly sample: Int16Array;
  /** 0-based index of each row's event within its sample's event stream (`hml events --from`); absent in older files. */
  readonly event?: Int32Array;
  /** `set`: row-major (n, F); NaN where an object is missing. */
  readonly features?: Float32Array;
  /** `image`: row-major (n, H, W, C), channels last as tfjs. */
  readonly images?: Float32Array;
  /** `cloud`: row-major (n, P, F) with `mask` (n, P), 1 for a real particle. */
  readonly cloud?: Float32Array;
  readonly mask?: Uint8Array;
}

export interface Dataset {
  readonly name: string;
  readonly kind: DatasetKind;
  /** Feature names in order: observable expressions for `set`, channel names for `image`, cloud features for `cloud`. */
  readonly featureNames: readonly string[];
  /** Unit per feature (GeV, rad, 1 …), same order as `featureNames`. */
  readonly featureUnits: readonly string[];
  /** Shape of one row without the leading n: [F] for set, [H, W, C] for image, [P, F] for cloud. */
  readonly rowShape: readonly number[];
  readonly sampleNames: readonly string[];
  readonly train: DatasetArrays;
  readonly validation?: DatasetArrays;
  readonly test: DatasetArrays;
}
