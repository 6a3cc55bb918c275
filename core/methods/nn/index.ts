/**
 * Neural-network methods (mlp, cnn, pfn) on the tfjs API. See train.ts for the training loop, model.ts for the
 * saved format (what the ONNX exporter reads), architecture.ts for layer semantics and weight layouts, backend.ts
 * for the backend choice (tfjs-node, else wasm + our SIMD kernels, else cpu).
 */
export { trainNetwork, trainMlp, trainCnn, trainPfn } from './train';
export { loadNetwork, NetworkModel, type SavedNetwork } from './model';
export { initNnBackend, nnBackend, type NnBackend, type BackendPreference } from './backend';
export type { Architecture, LayerSpec, Activation } from './architecture';
export type { Preprocessing } from './preprocess';
export type { NetworkType, NetworkSettings, MlpSettings, CnnSettings, PfnSettings } from './settings';
