/**
 * Datasets: building (streaming, preselection, weights, splits), storing (HDF5 via h5wasm + dataset_card.json),
 * reading (whole splits, seeded batches, verification) and summaries for the inspector.
 */
export type * from './types';
export { buildDataset, DATASET_FORMAT_VERSION, type BuildDatasetOptions, type BuildDatasetResult, type SampleInput, type Preselection, type CutflowRow } from './build';
export { readDataset, datasetInfo, verifyDataset, DatasetFile, concatArrays, takeRows, type DatasetInfo } from './read';
export { summarizeDataset, type DatasetSummary, type FeatureHistogram } from './summary';
export { assignSplits, checkSplit, SPLIT_NAMES, type SplitFractions, type SplitName } from './split';
export { sampleNormalisation, trainingWeights, type TrainWeightSettings, type SampleNormalisation } from './weights';
export { CONTENT_HASH_VERSION, FIXED_TIME_MS } from './h5';
export type { DatasetCard } from './card';
export { datasetSettingsFromAnalysis } from './analysis';
