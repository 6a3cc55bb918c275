import type { Representation } from '../representations/types';
import type { BuildDatasetOptions, CutflowRow } from './build';
import { CONTENT_HASH_VERSION } from './h5';
import type { SplitName } from './split';
import type { SampleNormalisation } from './weights';

/**
 * dataset_card.json: the human- and machine-readable description shared beside the HDF5 file. It holds no
 * timestamps or host names, so equal datasets have equal cards.
 */
export interface DatasetCard {
  card_version: 1;
  name: string;
  kind: Representation['kind'];
  file: { name: string; format: 'HDF5'; bytes: number; sha256: string };
  checksums: { content_hash: string; content_hash_version: string; file_sha256: string };
  layout: {
    groups: string[];
    arrays: { name: string; dtype: string; shape: (number | string)[]; meaning: string }[];
  };
  columns: { name: string; unit: string; definition: string }[];
  representation: unknown;
  labels: { '1': 'signal'; '0': 'background' };
  samples: {
    name: string; label: 0 | 1; description: string; group: string;
    cross_section_pb: number; n_generated: number; n_kept: number; kept_fraction: number; weighted_kept_pb: number;
  }[];
  preselection: string[];
  cutflow: Record<string, CutflowRow[]>;
  weights: { physics: string; training: unknown };
  split: { fractions: { train: number; validation: number; test: number }; counts: Record<SplitName, number>; seed: string; method: string };
  seed: string;
  generation: Record<string, unknown>;
  software: { name: string; version: string };
  licence: string;
  how_to_read: string;
}

export function makeCard(a: {
  options: BuildDatasetOptions;
  rep: Representation;
  norms: SampleNormalisation[];
  cutflow: Record<string, CutflowRow[]>;
  splitCounts: Record<SplitName, number>;
  present: readonly SplitName[];
  contentHash: string;
  file: { name: string; bytes: number; sha256: string };
  formatVersion: number;
}): DatasetCard {
  const o = a.options;
  const main = a.rep.kind === 'set' ? 'features' : a.rep.kind === 'image' ? 'images' : 'cloud';
  const arrays: DatasetCard['layout']['arrays'] = [
    { name: main, dtype: 'float32', shape: ['N', ...a.rep.rowShape], meaning: a.rep.kind === 'image' ? 'images (N, H, W, C), channels last' : a.rep.kind === 'cloud' ? 'constituents (N, P, F), zero-padded' : 'observables (N, F), NaN where an object is missing' },
    ...(a.rep.kind === 'cloud' ? [{ name: 'mask', dtype: 'uint8', shape: ['N', a.rep.rowShape[0]], meaning: '1 for a real particle, 0 for padding' }] : []),
    { name: 'labels', dtype: 'int8', shape: ['N'], meaning: '1 = signal, 0 = background' },
    { name: 'weights', dtype: 'float64', shape: ['N'], meaning: 'physics weight, pb' },
    { name: 'train_weights', dtype: 'float64', shape: ['N'], meaning: 'training weight (see weights.training), mean 1 per split' },
    { name: 'sample', dtype: 'int16', shape: ['N'], meaning: 'index into samples' },
  ];
  const splitOf = (c: CutflowRow[]) => c[c.length - 1];
  return {
    card_version: 1,
    name: o.name,
    kind: a.rep.kind,
    file: { name: a.file.name, format: 'HDF5', bytes: a.file.bytes, sha256: a.file.sha256 },
    checksums: { content_hash: a.contentHash, content_hash_version: CONTENT_HASH_VERSION, file_sha256: a.file.sha256 },
    layout: { groups: [...a.present], arrays },
    columns: a.rep.features.map((f) => ({ name: f.name, unit: f.unit, definition: f.definition })),
    representation: o.settings,
    labels: { '1': 'signal', '0': 'background' },
    samples: o.samples.map((s, i) => {
      const last = splitOf(a.cutflow[s.name]);
      return {
        name: s.name, label: s.label, description: s.description ?? '', group: s.group ?? s.name,
        cross_section_pb: a.norms[i].crossSection, n_generated: a.norms[i].nGenerated, n_kept: last.events,
        kept_fraction: a.norms[i].nGenerated > 0 ? last.events / a.norms[i].nGenerated : 0, weighted_kept_pb: last.weighted,
      };
    }),
    preselection: [...(o.preselection?.cuts ?? [])],
    cutflow: a.cutflow,
    weights: {
      physics: 'per event, pb; per sample the sum over generated events equals the cross section (sum over kept events = sigma x kept fraction); sliced samples carry sigma_i / N_i',
      training: o.trainWeights ?? { weights: 'unit' },
    },
    split: {
      fractions: { train: o.split.train, validation: o.split.validation ?? 0, test: o.split.test },
      counts: a.splitCounts,
      seed: String(o.seed),
      method: 'stratified per sample (hence per label), seeded; rows of each split in seeded random order',
    },
    seed: String(o.seed),
    generation: o.provenance ?? {},
    software: { name: o.software?.name ?? 'hep-ml-lab', version: o.software?.version ?? '0.1.0' },
    licence: o.licence ?? 'UNSPECIFIED: choose a licence (e.g. CC-BY-4.0) before sharing this dataset',
    how_to_read: `import h5py; f = h5py.File("${a.file.name}"); x = f["train/${main}"][:]; y = f["train/labels"][:]; w = f["train/weights"][:]  (format version ${a.formatVersion})`,
  };
}
