/**
 * Static checking of expressions: names (objects, observables, functions), which objects an observable accepts,
 * value types (number / boolean) and shapes (one value per event, or one per object of a collection), so the
 * analysis validator can reject an observable that does not give one value per event, or a cut that compares
 * values of two different collections element by element.
 */
import type { ExprDiagnostic, ExprFix, ExprNode, ObjectRefNode, ObservableNode, TextRange } from './ast';
import {
  allObjectNames,
  allObservableNames,
  closest,
  lookupChildKind,
  lookupFunction,
  lookupObjectKind,
  lookupObservable,
  observableAccepts,
  OBJECT_KINDS,
  type ObjectKindName,
  type ObservableSpec,
} from './catalog';

/**
 * Shape of a value: `scalar` (one per event) or `ragged` (one per object, or per pair, of the collection named by
 * `domain`, e.g. `jet`, `jet[1:]`, `fatjet[0].constituents`, `pairs(jet[0];jet)`). Ragged values combine only
 * with scalars (broadcast) or with ragged values of the same domain.
 */
export type Shape = { kind: 'scalar' } | { kind: 'ragged'; domain: string };

export type ExprContext =
  /** A `set` feature: a number, one per event. */
  | 'observable'
  /** A number, one per event or one per object (image axes and channels, cloud features). */
  | 'per-object'
  /** A cut: a boolean; a ragged boolean is reduced with `all` unless prefixed. */
  | 'cut'
  /** An object selection without observable (`object:`, `translate:`). */
  | 'object';

export interface CheckOptions {
  context: ExprContext;
  /** Collections defined in the analysis (`reconstruction:` keys); they behave as jets. */
  collections?: Iterable<string>;
  /** Whether `subjet` may appear (inside an image dataset). */
  allowSubjet?: boolean;
}

export interface CheckResult {
  /** `scalar` or `ragged` (see Shape); for a cut, the shape before the implicit `all`. */
  shape: 'scalar' | 'ragged';
  /** Domain of a ragged result. */
  domain?: string;
  type: 'number' | 'boolean' | 'object';
  /** Unit of a numeric result where it is known (`GeV`, `rad`, `1`). */
  unit?: string;
  /** Kind of the innermost object of an `object` result (`constituents`, `subjet` …). */
  objectKind?: ObjectKindName;
  diagnostics: ExprDiagnostic[];
}

interface Val {
  shape: Shape;
  type: 'number' | 'boolean' | 'object' | 'error';
  unit?: string;
  objectKind?: ObjectKindName;
}

const SCALAR: Shape = { kind: 'scalar' };

function selText(ref: ObjectRefNode): string {
  const s = ref.selection;
  if (s.kind === 'all') return '';
  if (s.kind === 'index') return `[${s.index}]`;
  return `[${s.start}:${s.end ?? ''}]`;
}

/** Canonical text of an object reference, used as a ragged domain (`fatjet[0].constituents`). */
export function objectDomain(ref: ObjectRefNode): string {
  let s = ref.name + selText(ref);
  if (ref.child) s += '.' + objectDomain(ref.child);
  return s;
}

/** Whether a reference selects possibly several objects (any level not a single index). */
export function isCollective(ref: ObjectRefNode): boolean {
  let r: ObjectRefNode | undefined = ref;
  while (r) {
    if (r.selection.kind !== 'index') return true;
    r = r.child;
  }
  return false;
}

function innermost(ref: ObjectRefNode): ObjectRefNode {
  let r = ref;
  while (r.child) r = r.child;
  return r;
}

function describe(shape: Shape): string {
  if (shape.kind === 'scalar') return 'one value per event';
  if (shape.domain.startsWith('pairs(')) return `one value per pair of ${shape.domain.slice(6, -1).replace(';', ' and ')}`;
  return `one value per object of ${shape.domain}`;
}

class Checker {
  readonly diagnostics: ExprDiagnostic[] = [];
  private readonly collections: Set<string>;

  constructor(private readonly options: CheckOptions) {
    this.collections = new Set([...(options.collections ?? [])].map((c) => c.toLowerCase()));
  }

  private report(code: string, severity: ExprDiagnostic['severity'], message: string, range: TextRange, fixes?: ExprFix[]): void {
    this.diagnostics.push({ code, severity, message, range, fixes });
  }

  private combine(a: Val, b: Val, at: TextRange, what: string): Shape {
    if (a.type === 'error' || b.type === 'error') return a.shape.kind === 'ragged' ? a.shape : b.shape;
    if (a.shape.kind === 'scalar') return b.shape;
    if (b.shape.kind === 'scalar') return a.shape;
    if (a.shape.domain === b.shape.domain) return a.shape;
    this.report(
      'expr-shape-mismatch',
      'error',
      `Cannot ${what} ${describe(a.shape)} with ${describe(b.shape)} element by element. Pick single objects (e.g. \`jet0\`), reduce one side (\`max(…)\`, \`sum(…)\`, \`any …\`), or write separate cuts.`,
      at,
    );
    return a.shape;
  }

  /** Kind of a top-level reference name, or undefined after reporting it. */
  private topKind(ref: ObjectRefNode): ObjectKindName | undefined {
    if (this.collections.has(ref.name)) return 'jet';
    const spec = lookupObjectKind(ref.name);
    if (spec) {
      if (spec.name === 'subjet' && !this.options.allowSubjet) {
        this.report('expr-subjet-context', 'error', '`subjet` objects exist only inside an image dataset (translate / rotate); elsewhere use `fatjet0.subjets`.', ref.nameRange);
        return undefined;
      }
      return spec.name;
    }
    const candidates = [...allObjectNames(), ...this.collections];
    const guess = closest(ref.name, candidates);
    const fixes: ExprFix[] | undefined = guess ? [{ title: `Change to '${guess}'`, edits: [{ range: ref.nameRange, newText: guess }] }] : undefined;
    this.report(
      'expr-unknown-object',
      'error',
      `Unknown object '${ref.text}'.${guess ? ` Did you mean '${guess}'?` : ''} Objects are collections such as jet, fatjet, electron, muon, photon, missinget, particle, or a name defined under \`reconstruction:\`.`,
      ref.nameRange,
      fixes,
    );
    return undefined;
  }

  /** Kind of the innermost object of a reference, checking each child against its parent. */
  private refKind(ref: ObjectRefNode): ObjectKindName | undefined {
    let kind = this.topKind(ref);
    let r = ref;
    while (kind && r.child) {
      const c = r.child;
      const childSpec = lookupChildKind(c.name);
      const parentSpec = OBJECT_KINDS.find((k) => k.name === kind);
      if (!childSpec || !parentSpec || !(parentSpec.children as readonly string[]).includes(childSpec.name)) {
        this.report(
          'expr-bad-child',
          'error',
          `'${r.text}' has no '${c.text}'. ${parentSpec && parentSpec.children.length > 0 ? `It has: ${parentSpec.children.join(', ')}.` : 'Only jets have constituents and subjets.'}`,
          c.nameRange,
        );
        return undefined;
      }
      kind = childSpec.name;
      r = c;
    }
    return kind;
  }

  private observable(node: ObservableNode): Val {
    const kinds: (ObjectKindName | undefined)[] = node.objects.map((o) => this.refKind(o));
    if (node.name === undefined) {
      if (this.options.context === 'object') {
        if (node.objects.length > 1) {
          this.report('expr-one-object', 'error', 'Give one object here (e.g. `fatjet0.constituents`), not a list.', node.range);
        }
        const ref = node.objects[0];
        return { shape: isCollective(ref) ? { kind: 'ragged', domain: objectDomain(ref) } : SCALAR, type: 'object', objectKind: kinds[0] };
      }
      const first = node.objects[0];
      this.report(
        'expr-missing-observable',
        'error',
        `'${node.objects.map((o) => o.text).join(',')}' names objects but no observable; add one, e.g. '${first.text}${first.selection.kind === 'index' ? first.selection.index : ''}.pt' or '${first.text}.size'.`,
        node.range,
      );
      return { shape: SCALAR, type: 'error' };
    }
    if (this.options.context === 'object') {
      this.report('expr-not-object', 'error', `Expected an object here (e.g. 'fatjet0.constituents'), not the observable '${node.nameText}'.`, node.nameRange ?? node.range);
    }
    const spec = lookupObservable(node.name);
    const nameRange = node.nameRange ?? node.range;
    if (!spec) {
      const guess = closest(node.name, allObservableNames());
      this.report(
        'expr-unknown-observable',
        'error',
        `Unknown observable '${node.nameText}'.${guess ? ` Did you mean '${guess}'?` : ''} See the observable catalog (hover any observable) for pt, eta, phi, mass, tau21, d2, delta_r, size …`,
        nameRange,
        guess ? [{ title: `Change to '${guess}'`, edits: [{ range: nameRange, newText: guess }] }] : undefined,
      );
      return { shape: SCALAR, type: 'error' };
    }
    for (let i = 0; i < node.objects.length; i++) {
      const k = kinds[i];
      if (k && !observableAccepts(spec, k)) {
        const accepted = spec.accepts === 'any' ? 'any object' : spec.accepts.join(', ');
        this.report('expr-observable-object', 'error', `'${spec.name}' does not apply to ${k} objects ('${node.objects[i].text}'); it accepts ${accepted}.`, node.objects[i].range);
      }
    }
    if (kinds.some((k) => k === undefined)) return { shape: SCALAR, type: 'error' };
    return this.arity(node, spec);
  }

  private arity(node: ObservableNode, spec: ObservableSpec): Val {
    const refs = node.objects;
    const unit = spec.unit;
    const nameRange = node.nameRange ?? node.range;
    switch (spec.arity) {
      case 'each':
      case 'count':
        if (refs.length !== 1) {
          this.report('expr-observable-arity', 'error', `'${spec.name}' takes one object; write '${refs[0].text}${selText(refs[0]).replace(/^\[(\d+)\]$/, '$1')}.${spec.name}' for each object separately (a list such as 'jet0,jet1' is for delta_r, delta_phi, delta_eta and inv_mass).`, node.range);
          return { shape: SCALAR, type: 'error' };
        }
        if (spec.arity === 'count' || !isCollective(refs[0])) return { shape: SCALAR, type: 'number', unit };
        return { shape: { kind: 'ragged', domain: objectDomain(refs[0]) }, type: 'number', unit };
      case 'combined':
        return { shape: SCALAR, type: 'number', unit };
      case 'pair': {
        if (refs.length === 1 && spec.relativeToParent && refs[0].child) {
          return isCollective(refs[0]) ? { shape: { kind: 'ragged', domain: objectDomain(refs[0]) }, type: 'number', unit } : { shape: SCALAR, type: 'number', unit };
        }
        if (refs.length !== 2) {
          this.report(
            'expr-observable-arity',
            'error',
            `'${spec.name}' needs two objects, e.g. 'jet0,jet1.${spec.name}'${spec.relativeToParent ? ` (or constituents alone, 'fatjet0.constituents.${spec.name}', relative to their jet)` : ''}.`,
            refs.length === 1 ? nameRange : node.range,
          );
          return { shape: SCALAR, type: 'error' };
        }
        if (!isCollective(refs[0]) && !isCollective(refs[1])) return { shape: SCALAR, type: 'number', unit };
        return { shape: { kind: 'ragged', domain: `pairs(${objectDomain(refs[0])};${objectDomain(refs[1])})` }, type: 'number', unit };
      }
    }
  }

  private needNumber(v: Val, node: ExprNode, what: string): void {
    if (v.type === 'boolean') this.report('expr-type', 'error', `${what} needs a number, but this is a condition (true/false).`, node.range);
    else if (v.type === 'object') this.report('expr-type', 'error', `${what} needs a number; add an observable to the object (e.g. '.pt').`, node.range);
  }

  private needBoolean(v: Val, node: ExprNode, what: string): void {
    if (v.type === 'number') this.report('expr-type', 'error', `${what} needs a condition such as 'jet.size > 1', not a number.`, node.range);
  }

  visit(node: ExprNode): Val {
    switch (node.kind) {
      case 'error':
        return { shape: SCALAR, type: 'error' };
      case 'number':
        return { shape: SCALAR, type: 'number', unit: undefined };
      case 'observable':
        return this.observable(node);
      case 'unary': {
        const v = this.visit(node.operand);
        this.needNumber(v, node.operand, `'${node.op}'`);
        return { shape: v.shape, type: v.type === 'error' ? 'error' : 'number', unit: v.unit };
      }
      case 'binary': {
        const a = this.visit(node.left);
        const b = this.visit(node.right);
        this.needNumber(a, node.left, `'${node.op}'`);
        this.needNumber(b, node.right, `'${node.op}'`);
        const shape = this.combine(a, b, node.range, node.op === '+' || node.op === '-' ? 'add' : node.op === '*' ? 'multiply' : 'divide');
        const unit = node.op === '+' || node.op === '-' ? (a.unit === b.unit ? a.unit : a.unit ?? b.unit) : undefined;
        return { shape, type: a.type === 'error' || b.type === 'error' ? 'error' : 'number', unit };
      }
      case 'compare': {
        const vals = node.operands.map((o) => this.visit(o));
        let shape: Shape = SCALAR;
        vals.forEach((v, i) => {
          this.needNumber(v, node.operands[i], 'A comparison');
          shape = this.combine({ shape, type: 'number' }, v, node.range, 'compare');
        });
        return { shape, type: vals.some((v) => v.type === 'error') ? 'error' : 'boolean' };
      }
      case 'logical': {
        const a = this.visit(node.left);
        const b = this.visit(node.right);
        this.needBoolean(a, node.left, `'${node.op}'`);
        this.needBoolean(b, node.right, `'${node.op}'`);
        const shape = this.combine(a, b, node.range, `combine ('${node.op}')`);
        return { shape, type: a.type === 'error' || b.type === 'error' ? 'error' : 'boolean' };
      }
      case 'not': {
        const v = this.visit(node.operand);
        this.needBoolean(v, node.operand, "'not'");
        return { shape: v.shape, type: v.type === 'error' ? 'error' : 'boolean' };
      }
      case 'reduce': {
        const v = this.visit(node.operand);
        this.needBoolean(v, node.operand, `'${node.veto ? 'veto' : node.mode}'`);
        if (v.type === 'boolean' && v.shape.kind === 'ragged' && node.veto && node.mode === 'all') {
          this.report(
            'expr-veto-all',
            'warning',
            "`veto` alone reduces with `all`: it rejects events where EVERY object passes, including events with none. To reject events where ANY object passes, write `veto any`.",
            node.prefixRange,
            [{ title: "Change to 'veto any'", edits: [{ range: { start: node.prefixRange.end, end: node.prefixRange.end }, newText: ' any' }] }],
          );
        } else if (v.type === 'boolean' && v.shape.kind === 'scalar' && !node.veto) {
          this.report('expr-prefix-no-effect', 'info', `'${node.mode}' has no effect on a condition that is already one value per event.`, node.prefixRange);
        }
        return { shape: SCALAR, type: v.type === 'error' ? 'error' : 'boolean' };
      }
      case 'call':
        return this.call(node);
    }
  }

  private call(node: Extract<ExprNode, { kind: 'call' }>): Val {
    const spec = lookupFunction(node.name);
    const vals = node.args.map((a) => this.visit(a));
    if (!spec) {
      const guess = closest(node.name, ['abs', 'min', 'max', 'sum', 'log', 'sqrt']);
      this.report('expr-unknown-function', 'error', `Unknown function '${node.name}'.${guess ? ` Did you mean '${guess}'?` : ''} Functions: abs, min, max, sum, log, sqrt.`, node.nameRange,
        guess ? [{ title: `Change to '${guess}'`, edits: [{ range: node.nameRange, newText: guess }] }] : undefined);
      return { shape: SCALAR, type: 'error' };
    }
    if (node.args.length < spec.minArgs || node.args.length > spec.maxArgs) {
      this.report('expr-arguments', 'error', `'${spec.name}' takes ${spec.minArgs === spec.maxArgs ? spec.minArgs : `${spec.minArgs} to ${spec.maxArgs}`} argument${spec.maxArgs > 1 ? 's' : ''}: ${spec.signature}.`, node.range);
      return { shape: SCALAR, type: 'error' };
    }
    vals.forEach((v, i) => this.needNumber(v, node.args[i], `'${spec.name}'`));
    const err = vals.some((v) => v.type !== 'number');
    if (spec.name === 'abs' || spec.name === 'log' || spec.name === 'sqrt') {
      return { shape: vals[0].shape, type: err ? 'error' : 'number', unit: spec.name === 'abs' ? vals[0].unit : undefined };
    }
    if (vals.length === 1) return { shape: SCALAR, type: err ? 'error' : 'number', unit: vals[0].unit };
    let shape: Shape = SCALAR;
    for (const v of vals) shape = this.combine({ shape, type: 'number' }, v, node.range, `take '${spec.name}' of`);
    return { shape, type: err ? 'error' : 'number', unit: vals.every((v) => v.unit === vals[0].unit) ? vals[0].unit : undefined };
  }
}

/**
 * Checks a parsed expression in a context. Returns the result's type and shape and the diagnostics (names,
 * object kinds, argument counts, shape mismatches, and the context's own requirement: a `set` feature must be
 * one number per event, a cut must be a condition).
 */
export function checkExpression(ast: ExprNode, options: CheckOptions): CheckResult {
  const c = new Checker(options);
  let v: Val;
  try {
    v = c.visit(ast);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    c.diagnostics.push({ code: 'expr-too-deep', severity: 'error', message: 'Expression too deeply nested to check; simplify it.', range: ast.range });
    v = { shape: SCALAR, type: 'error' };
  }
  const ctx = options.context;
  if (v.type !== 'error') {
    if (ctx === 'observable' || ctx === 'per-object') {
      if (v.type === 'boolean') {
        c.diagnostics.push({ code: 'expr-not-number', severity: 'error', message: 'A feature must be a number, not a condition; conditions belong in `preselection:`.', range: ast.range });
      }
      if (ctx === 'observable' && v.shape.kind === 'ragged') {
        c.diagnostics.push({
          code: 'expr-not-per-event',
          severity: 'error',
          message: `This gives ${describe(v.shape)}, but a feature needs one value per event. Pick one object (e.g. 'jet0' instead of 'jet') or reduce with max(…), min(…) or sum(…).`,
          range: ast.range,
          fixes: [{ title: 'Wrap in max(…)', edits: [{ range: { start: ast.range.start, end: ast.range.start }, newText: 'max(' }, { range: { start: ast.range.end, end: ast.range.end }, newText: ')' }] }],
        });
      }
    } else if (ctx === 'cut' && v.type === 'number') {
      c.diagnostics.push({ code: 'expr-not-boolean', severity: 'error', message: "A cut must be a condition, e.g. 'fatjet.size > 0' or '60 < fatjet0.mass < 120'.", range: ast.range });
    }
  }
  return {
    shape: v.shape.kind,
    domain: v.shape.kind === 'ragged' ? v.shape.domain : undefined,
    type: v.type === 'error' ? (ctx === 'cut' ? 'boolean' : ctx === 'object' ? 'object' : 'number') : v.type,
    unit: v.unit,
    objectKind: v.objectKind,
    diagnostics: c.diagnostics,
  };
}

export { innermost as innermostObject };
