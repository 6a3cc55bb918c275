/**
 * The syntax tree of the expression language used in analysis files: observables (`fatjet0.tau21`,
 * `jet0,jet1.delta_r`, `sum(jet.pt)`), cuts (`60 < fatjet0.mass < 120 and veto any electron.pt > 10`) and object
 * selections (`fatjet0.constituents`).
 *
 * STABILITY: the evaluator (core/observables) and the language server walk these nodes. Changes are additive only:
 * new optional fields or new node kinds; existing fields keep their meaning.
 *
 * Every node carries `range`: offsets (UTF-16 code units, end exclusive) into the analysis file when the parser
 * was given the string's `baseOffset`, else into the expression text itself.
 *
 * Semantics (CONTRACTS.md "Expression language"):
 * - indices are 0-based; object and observable names are case-insensitive (the tree holds canonical lower-case
 *   names, aliases already resolved where the catalog knows them);
 * - a missing object gives NaN; every comparison with NaN is false;
 * - ragged values (one per object of a collection) broadcast against scalars and combine element by element with
 *   ragged values of the same domain; a boolean that is still ragged where a cut needs one value per event is
 *   reduced with `all` (default) or `any` (prefix); `all` of an empty list is true, `any` of an empty list is
 *   false; `veto` negates after the reduction.
 */

/** Half-open offset range `[start, end)` in UTF-16 code units. */
export interface TextRange {
  start: number;
  end: number;
}

/**
 * Which objects of a collection a reference picks.
 * - `all`: every object (`jet`)
 * - `index`: one object (`jet0`); missing when the event has fewer objects (values NaN)
 * - `slice`: objects `start .. end-1` (`jet:3` = first three, `jet1:` = all but the leading one, `jet1:3`);
 *   `start` defaults to 0, `end` to the collection's length; a slice shorter in an event simply has fewer objects.
 */
export type Selection =
  | { kind: 'all' }
  | { kind: 'index'; index: number }
  | { kind: 'slice'; start: number; end?: number };

/**
 * A reference to physics objects: `jet0`, `jet`, `jet:3`, `jet1:`, `fatjet0.constituents`,
 * `jet:3.constituents1:3`.
 */
export interface ObjectRefNode {
  kind: 'object';
  /**
   * Canonical lower-case name: a collection (`jet`, `fatjet`, `electron`, … or a name defined under
   * `reconstruction:`), or for `child` nodes a sub-collection (`constituents`, `subjets`). Aliases are resolved
   * (`jets` → `jet`, `ljet` … see catalog OBJECT_KINDS).
   */
  name: string;
  /** The name as written in the file (for messages and hover). */
  text: string;
  /** Range of the name only (without index or slice). */
  nameRange: TextRange;
  selection: Selection;
  /**
   * A sub-collection of each selected object, e.g. `constituents` in `fatjet0.constituents`. Selecting a
   * sub-collection of several objects (`jet:3.constituents`) concatenates them, event by event.
   */
  child?: ObjectRefNode;
  /** Whole reference including child. */
  range: TextRange;
}

/**
 * An observable of one or more objects: `fatjet0.tau21`, `jet.pt`, `jet0,jet1.delta_r`, `jet.size`.
 * When `name` is undefined the node is a bare object selection (`fatjet0.constituents`), legal only where an
 * object is expected (`object:` of a cloud dataset, image `translate:`); `checkExpression` reports it elsewhere.
 */
export interface ObservableNode {
  kind: 'observable';
  /** One entry per comma-separated object (`jet0,jet1` → two). */
  objects: ObjectRefNode[];
  /**
   * Canonical observable name (lower case, catalog alias resolved, e.g. `m` → `mass`, `tau21` stays `tau21`).
   * Unknown names are kept lower-cased; `checkExpression` reports them.
   */
  name?: string;
  /** The observable as written. */
  nameText?: string;
  nameRange?: TextRange;
  range: TextRange;
}

export interface NumberNode {
  kind: 'number';
  value: number;
  range: TextRange;
}

export type ArithmeticOp = '+' | '-' | '*' | '/';

export interface UnaryNode {
  kind: 'unary';
  op: '-' | '+';
  operand: ExprNode;
  range: TextRange;
}

export interface BinaryNode {
  kind: 'binary';
  op: ArithmeticOp;
  left: ExprNode;
  right: ExprNode;
  opRange: TextRange;
  range: TextRange;
}

export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

/**
 * A comparison chain: `a < b` has 2 operands and 1 op; `60 < fatjet0.mass < 120` has 3 operands and 2 ops and
 * means `60 < m and m < 120` with `m` evaluated once.
 */
export interface CompareNode {
  kind: 'compare';
  operands: ExprNode[];
  ops: CompareOp[];
  opRanges: TextRange[];
  range: TextRange;
}

export interface LogicalNode {
  kind: 'logical';
  op: 'and' | 'or';
  left: ExprNode;
  right: ExprNode;
  opRange: TextRange;
  range: TextRange;
}

export interface NotNode {
  kind: 'not';
  operand: ExprNode;
  opRange: TextRange;
  range: TextRange;
}

/** Built-in functions. abs/log/sqrt are element-wise; min/max/sum see FUNCTIONS in catalog.ts. */
export type FunctionName = 'abs' | 'min' | 'max' | 'sum' | 'log' | 'sqrt';

export interface CallNode {
  kind: 'call';
  /** Canonical lower-case name; unknown names are kept and reported by `checkExpression`. */
  name: string;
  nameRange: TextRange;
  args: ExprNode[];
  range: TextRange;
}

/**
 * A reduction prefix: `any jet.pt > 50`, `veto electron.pt > 10`, `veto any muon.pt > 10`, `all jet.pt > 30`.
 * The operand (a boolean, possibly ragged) is reduced to one value per event with `mode` (`all` when only `veto`
 * is written), then negated when `veto` is true.
 */
export interface ReduceNode {
  kind: 'reduce';
  mode: 'all' | 'any';
  veto: boolean;
  /** Range of the prefix words (`veto any`). */
  prefixRange: TextRange;
  operand: ExprNode;
  range: TextRange;
}

/** Placeholder produced by error recovery; a tree with errors has diagnostics and is never evaluated. */
export interface ErrorNode {
  kind: 'error';
  range: TextRange;
}

export type ExprNode =
  | NumberNode
  | ObservableNode
  | UnaryNode
  | BinaryNode
  | CompareNode
  | LogicalNode
  | NotNode
  | CallNode
  | ReduceNode
  | ErrorNode;

export type ExprKind = ExprNode['kind'];

/** A quick fix: text edits that repair a problem (offset ranges, as the node ranges). */
export interface ExprFix {
  title: string;
  edits: { range: TextRange; newText: string }[];
}

export type ExprSeverity = 'error' | 'warning' | 'info';

/** A problem found in an expression, with a stable code and, where possible, a fix. */
export interface ExprDiagnostic {
  code: string;
  severity: ExprSeverity;
  message: string;
  range: TextRange;
  fixes?: ExprFix[];
}

export interface ParseResult {
  /** Undefined only for empty input. */
  ast?: ExprNode;
  diagnostics: ExprDiagnostic[];
}

/** Depth-first visit of every node (parents before children). */
export function walkExpression(node: ExprNode, visit: (n: ExprNode, parent?: ExprNode) => void, parent?: ExprNode): void {
  visit(node, parent);
  switch (node.kind) {
    case 'unary':
    case 'not':
    case 'reduce':
      walkExpression(node.operand, visit, node);
      break;
    case 'binary':
    case 'logical':
      walkExpression(node.left, visit, node);
      walkExpression(node.right, visit, node);
      break;
    case 'compare':
      for (const o of node.operands) walkExpression(o, visit, node);
      break;
    case 'call':
      for (const a of node.args) walkExpression(a, visit, node);
      break;
    default:
      break;
  }
}
