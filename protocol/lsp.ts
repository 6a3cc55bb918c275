/**
 * Custom LSP messages and command ids shared by the language server (server/) and the VS Code extension
 * (extension/), in the style of rust-analyzer's lsp_ext.ts: one typed place, imported by both sides.
 * Plain types and string constants only, so any client (Neovim, Emacs) can implement them from this file.
 */

/** Name the server reports in `serverInfo`. */
export const SERVER_NAME = 'hml-language-server';

/** Language id of analysis files (`*.hml.yaml`). */
export const LANGUAGE_ID = 'hml';

/**
 * Debounce of diagnostics after a change, in milliseconds: re-validation waits this long after the last
 * keystroke of a burst (the work itself is measured separately by bench/lsp.ts).
 */
export const DIAGNOSTICS_DEBOUNCE_MS = 50;

/** Client commands the server's code lenses invoke. The extension registers them. */
export const Commands = {
  /** Runs one stage (`generate:wjets`, `dataset:features`, `train:bdt`) or, without a stage, the whole analysis. */
  runStage: 'hml.runStage',
  /** Opens the last results of a stage (the results view). */
  showResults: 'hml.showResults',
} as const;

/** Arguments of `hml.runStage` and `hml.showResults`: the analysis file URI and optionally the stage name. */
export type RunStageArgs = [uri: string, stage?: string];

/** Notification server → client: what the server knows of an analysis after each validation. */
export const AnalysisStateNotification = 'hml/analysisState';

export interface AnalysisStateParams {
  uri: string;
  /** Document version validated. */
  version: number;
  errors: number;
  warnings: number;
  /** Names of samples, datasets and methods (for tree views and pickers). */
  samples: string[];
  datasets: string[];
  methods: string[];
  /** Stage names a run of this file has (`generate:<sample>`, `dataset:<name>`, `train:<method>`). */
  stages: string[];
  /** Milliseconds the validation took (parse + checks), for diagnostics of the server itself. */
  validationMs: number;
}

/** Request client → server: the stage names of an analysis (same as in `hml/analysisState`). */
export const StagesRequest = 'hml/stages';

export interface StagesParams {
  uri: string;
}

export interface StagesResult {
  stages: string[];
}

/** Notification client → server: the run directory changed (a run finished), refresh lenses and hints. */
export const RunDirectoryChangedNotification = 'hml/runDirectoryChanged';

export interface RunDirectoryChangedParams {
  uri: string;
}
