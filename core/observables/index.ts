/**
 * Observables and cuts on event batches: the public entry points of the evaluator (see evaluate.ts for the
 * semantics) plus the jet reconstruction and per-jet substructure it builds on.
 */
export { evaluateObservable, evaluateCut, evaluateCuts, type Column, type ScalarColumn, type RaggedColumn, type EvaluateOptions, type CutResult, type CutflowEntry } from './evaluate';
export { reconstruct, addReconstruction, concatCollections, jetSubstructure, type JetReconstruction } from '../jets/reconstruct';
