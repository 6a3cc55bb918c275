/**
 * The typed analysis model: what `parseAnalysisText` returns once a file validates. Derived from the schema
 * (schema.ts), so it cannot drift from what the validator accepts. Keys with defaults are always present.
 *
 * Units: GeV (energies, momenta, masses), pb (cross sections), fb^-1 (luminosity), radians for angles except
 * `ImageDataset.rotate.orientation` (degrees).
 */
import type { Infer } from './dsl';
import type { ANALYSIS_SCHEMA } from './schema';

export type Analysis = Infer<typeof ANALYSIS_SCHEMA>;
export type Sample = Analysis['samples'][string];
export type Generator = Sample['generator'];
export type BuiltinGenerator = Extract<Generator, { engine: 'builtin' }>;
export type MadGraph5Generator = Extract<Generator, { engine: 'madgraph5' }>;
export type FilesGenerator = Extract<Generator, { engine: 'files' }>;
export type BuiltinProcess = BuiltinGenerator['process'];
export type JetDefinition = NonNullable<Analysis['reconstruction']>[string];
export type DatasetSpec = Analysis['datasets'][string];
export type SetDataset = Extract<DatasetSpec, { type: 'set' }>;
export type ImageDataset = Extract<DatasetSpec, { type: 'image' }>;
export type CloudDataset = Extract<DatasetSpec, { type: 'cloud' }>;
export type Split = DatasetSpec['split'];
export type MethodSpec = NonNullable<Analysis['methods']>[string];
export type CutAndCountMethod = Extract<MethodSpec, { type: 'cut-and-count' }>;
export type GbdtMethod = Extract<MethodSpec, { type: 'gbdt' }>;
export type MlpMethod = Extract<MethodSpec, { type: 'mlp' }>;
export type CnnMethod = Extract<MethodSpec, { type: 'cnn' }>;
export type PfnMethod = Extract<MethodSpec, { type: 'pfn' }>;
export type Evaluation = Analysis['evaluation'];
export type ExportSettings = NonNullable<Analysis['export']>;
