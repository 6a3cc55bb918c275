export { trainCutAndCount } from './train';
export { CutAndCountModel, loadCutAndCountModel, describeCut, passes, formatNumber, type Cut, type CutAndCountSavedModel } from './model';
export { resolveCutAndCountSettings, CUT_AND_COUNT_DEFAULTS, type CutAndCountSettings, type CutShape } from './settings';
