/**
 * Diagnostics of analysis files, shaped like LSP `Diagnostic` so the language server passes them through and
 * `hml validate --format json` prints them as they are. Every one has a stable `code` (see DIAGNOSTIC_CODES) and,
 * where a mechanical repair exists, `data.fixes` for code actions.
 */
import type { Range } from './text';

/** LSP DiagnosticSeverity: 1 error, 2 warning, 3 information, 4 hint. */
export type Severity = 1 | 2 | 3 | 4;

export const SEVERITY_NAME: Record<Severity, 'error' | 'warning' | 'info' | 'hint'> = { 1: 'error', 2: 'warning', 3: 'info', 4: 'hint' };

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The fix a code action should offer first. */
  isPreferred?: boolean;
}

export interface HmlDiagnostic {
  range: Range;
  severity: Severity;
  /** Stable code, e.g. `unknown-key`, `split-sum`, `expr-unknown-observable`. */
  code: string;
  source: 'hml';
  message: string;
  data?: {
    fixes?: Fix[];
    /** Path of the YAML node the diagnostic is about (`['methods', 'bdt', 'dataset']`). */
    path?: (string | number)[];
  };
}

/** Codes and what they mean (for docs and tests). Expression codes (`expr-*`) come from core/expressions. */
export const DIAGNOSTIC_CODES: Record<string, string> = {
  'yaml-syntax': 'The text is not valid YAML.',
  'internal-error': 'A bug in the checker (reported instead of crashing the editor).',
  'yaml-warning': 'YAML that parses but is probably not what was meant.',
  'duplicate-key': 'The same key twice in one mapping (the later one would silently win).',
  'file-too-large': 'The file is too large to be an analysis file.',
  'too-deep': 'Nesting too deep to be an analysis file.',
  'not-a-mapping': 'The file (or a section) is not a key: value mapping.',
  'unknown-key': 'A key the schema does not know (with did-you-mean).',
  'unknown-setting': 'A MadGraph5 run-card key that is not among the documented ones.',
  'missing-key': 'A required key is absent.',
  'wrong-type': 'A value of the wrong type (text where a number is needed …).',
  'bad-enum': 'A value not among the allowed ones.',
  'bad-label': 'A sample label other than signal or background.',
  'bad-version': 'An `hml:` format version this engine does not read.',
  'out-of-range': 'A number outside its allowed range.',
  'bad-length': 'A list with too few or too many entries.',
  'bad-name': 'A sample, dataset, method or collection name with characters that are not allowed.',
  'bad-window': 'A [min, max] pair with min ≥ max.',
  'bad-metric': 'An unknown metric or a working point outside (0, 1).',
  'unknown-dataset': 'A method names a dataset that does not exist.',
  'unknown-method': 'The export names a method that does not exist.',
  'method-dataset-type': 'A method on a dataset of the wrong representation (a cnn on a set …).',
  'split-sum': 'Split fractions that do not add up to 1 within 1e-9.',
  'image-axes': 'Image height, width and channel that are not values of the same objects.',
  'image-object': 'An image translate / rotate object that is not a single object.',
  'cloud-object': 'A cloud object that is not a collection of particles.',
  'cloud-feature': 'A cloud feature that is unknown or does not apply to the cloud\'s particles.',
  'collection-clash': 'A reconstructed collection replaces one the events already have without `replace: true`.',
  'collection-not-produced': 'An expression uses a collection that no sample provides.',
  'genkt-needs-p': 'A genkt jet definition without its exponent p.',
  'unused-key': 'A key that has no effect with the other settings.',
  'delphes-needs-shower': 'Delphes needs showered events.',
  'no-background': 'No sample is labelled background.',
  'no-signal': 'No sample is labelled signal.',
  'few-events': 'So few events that metrics will be dominated by statistical noise.',
  'duplicate-observable': 'The same observable twice in one dataset.',
};

/**
 * One line per diagnostic as CONTRACTS.md "Command line" fixes it: `file:line:col: severity: message [code]`,
 * 1-based line and column (UTF-16 code units). Problem-matcher friendly.
 */
export function formatDiagnostic(file: string, d: HmlDiagnostic): string {
  return `${file}:${d.range.start.line + 1}:${d.range.start.character + 1}: ${SEVERITY_NAME[d.severity]}: ${d.message.replace(/\s*\n\s*/g, ' ')} [${d.code}]`;
}

/** LSP diagnostic plus `file` (and `code`, already part of it), as `--format json` prints it. */
export function diagnosticJson(file: string, d: HmlDiagnostic): HmlDiagnostic & { file: string } {
  return { file, ...d };
}
