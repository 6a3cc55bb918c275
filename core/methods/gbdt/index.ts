export { trainGbdt } from './train';
export { boost, type BoostInput, type BoostOutput, type BoostCurvePoint } from './booster';
export { GbdtModel, loadGbdtModel, type GbdtTree, type GbdtSavedModel, type TreeEnsembleExport } from './model';
export { resolveGbdtSettings, GBDT_DEFAULTS, type GbdtSettings } from './settings';
export { MISSING_BIN, binOf, binMatrix, binTraining, computeCuts } from './binning';
