/** Weighted classification and physics metrics (see each module for the exact definitions). */
export { argsortDescending } from './sort';
export { rocCurve, rocAuc, aucFromOrder, type RocCurveData, type RocOptions } from './roc';
export { rejectionAt, rejectionFromOrder, accuracy, type Rejection } from './efficiency';
export {
  yieldWeights,
  simpleSignificance,
  asimovSignificance,
  significance,
  scanYields,
  yieldsAt,
  bestThreshold,
  significanceUncertainty,
  type YieldSettings,
  type YieldMode,
  type YieldScan,
  type SignificanceDefinition,
} from './significance';
export { bootstrapUncertainties, type BootstrapResult } from './bootstrap';
export { scoreHistograms, decimateRoc } from './curves';
export { buildMethodResult, scoredSplit, type ScoredSplit, type MetricOptions, type MethodResultInput } from './result';
