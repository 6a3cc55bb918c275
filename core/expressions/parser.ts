/**
 * Recursive-descent parser of the expression language, with ranges on every node and error recovery: it never
 * throws and always returns a tree (with `error` nodes where the text could not be read) plus diagnostics.
 *
 * Precedence, loosest first:
 *   or (`or`, `||`, `|`)  <  and (`and`, `&&`, `&`)  <  not / prefixes (`not`, `!`, `veto`, `any`, `all`)
 *   <  comparison chains (`<`, `<=`, `>`, `>=`, `==`, `!=`)  <  `+ -`  <  `* /`  <  unary `-`  <  atoms
 * Atoms: numbers, `( … )`, calls `abs(x)`, and object references with an optional observable
 * (`jet0,jet1.delta_r`, `fatjet0.constituents.pt`, `jet:3.size`).
 */
import type {
  ArithmeticOp,
  CompareOp,
  ExprDiagnostic,
  ExprFix,
  ExprNode,
  ObjectRefNode,
  ObservableNode,
  ParseResult,
  Selection,
  TextRange,
} from './ast';
import { lookupChildKind, lookupObjectKind, lookupObservable } from './catalog';
import { lex, type Token } from './lexer';

export interface ParseOptions {
  /**
   * Collection names defined by the analysis (`reconstruction:` keys). A name in this set is never split into
   * name + index, so a collection called `ak8` stays `ak8` (and `ak80` is `ak8` index 0).
   */
  collections?: Iterable<string>;
}

const MAX_DEPTH = 200;
const KEYWORDS = new Set(['and', 'or', 'not', 'veto', 'any', 'all']);
const COMPARE_OPS = new Set<string>(['<', '<=', '>', '>=', '==', '!=']);

class Parser {
  private pos = 0;
  private depth = 0;
  readonly diagnostics: ExprDiagnostic[] = [];
  private readonly collections: Set<string>;

  constructor(
    private readonly tokens: Token[],
    options: ParseOptions,
  ) {
    this.collections = new Set([...(options.collections ?? [])].map((c) => c.toLowerCase()));
  }

  private peek(k = 0): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)];
  }

  private next(): Token {
    const t = this.tokens[this.pos];
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }

  private isWord(t: Token, ...words: string[]): boolean {
    return t.kind === 'ident' && words.includes(t.text.toLowerCase());
  }

  private isOp(t: Token, ...ops: string[]): boolean {
    return t.kind === 'op' && ops.includes(t.text);
  }

  error(code: string, message: string, range: TextRange, fixes?: ExprFix[]): void {
    // One error per position is enough; recovery can otherwise repeat the same complaint.
    if (this.diagnostics.some((d) => d.range.start === range.start && d.severity === 'error')) return;
    this.diagnostics.push({ code, severity: 'error', message, range, fixes });
  }

  atEnd(): boolean {
    return this.peek().kind === 'eof';
  }

  parseTop(): ExprNode {
    let node = this.parseOr();
    // Recovery: report what is left and keep parsing it, so later errors are found too.
    while (!this.atEnd()) {
      const t = this.next();
      if (t.kind === ')') {
        this.error('expr-unbalanced', "Unmatched ')': remove it or add a '(' before.", { start: t.start, end: t.end }, [
          { title: "Remove ')'", edits: [{ range: { start: t.start, end: t.end }, newText: '' }] },
        ]);
        continue;
      }
      this.error('expr-unexpected', `Unexpected '${t.text}'${this.hint(t)}.`, { start: t.start, end: t.end });
      if (!this.atEnd()) {
        const rest = this.parseOr();
        node = { kind: 'error', range: { start: node.range.start, end: rest.range.end } };
      }
    }
    return node;
  }

  private hint(t: Token): string {
    if (t.kind === 'ident') return '; join conditions with `and` / `or`, or put an operator between values';
    if (t.kind === 'number') return '; a number here needs an operator before it';
    return '';
  }

  private guardDepth<T extends ExprNode>(at: Token, f: () => T): ExprNode {
    if (this.depth >= MAX_DEPTH) {
      this.error('expr-too-deep', `Expression nested more than ${MAX_DEPTH} levels deep; simplify it.`, { start: at.start, end: at.end });
      // Skip everything: a document this deep is not an expression anyone means.
      const start = at.start;
      while (!this.atEnd()) this.next();
      return { kind: 'error', range: { start, end: this.peek().start } };
    }
    this.depth++;
    try {
      return f();
    } finally {
      this.depth--;
    }
  }

  private parseOr(): ExprNode {
    return this.parseLogical('or', ['||', '|'], () => this.parseAnd());
  }

  private parseAnd(): ExprNode {
    return this.parseLogical('and', ['&&', '&'], () => this.parseNot());
  }

  /** A left-associative chain of `and` or `or` (the word or its symbols). */
  private parseLogical(op: 'and' | 'or', symbols: string[], operand: () => ExprNode): ExprNode {
    let left = operand();
    while (this.isWord(this.peek(), op) || this.isOp(this.peek(), ...symbols)) {
      const t = this.next();
      const right = operand();
      left = { kind: 'logical', op, left, right, opRange: { start: t.start, end: t.end }, range: { start: left.range.start, end: right.range.end } };
    }
    return left;
  }

  private parseNot(): ExprNode {
    const t = this.peek();
    if (this.isWord(t, 'not') || (this.isOp(t, '!') && !(this.peek(1).kind === 'op' && this.peek(1).text === '='))) {
      return this.guardDepth(t, () => {
        this.next();
        const operand = this.parseNot();
        return { kind: 'not', operand, opRange: { start: t.start, end: t.end }, range: { start: t.start, end: operand.range.end } };
      });
    }
    if (this.isWord(t, 'veto', 'any', 'all')) {
      return this.guardDepth(t, () => {
        let veto = false;
        let mode: 'all' | 'any' = 'all';
        let end = t.end;
        if (this.isWord(this.peek(), 'veto')) {
          veto = true;
          end = this.next().end;
        }
        if (this.isWord(this.peek(), 'any', 'all')) {
          const m = this.next();
          mode = m.text.toLowerCase() as 'all' | 'any';
          end = m.end;
        }
        if (this.isWord(this.peek(), 'veto', 'any', 'all')) {
          const extra = this.peek();
          this.error('expr-prefix-order', `Prefixes go in the order \`veto any\` / \`veto all\`; '${extra.text}' cannot follow here.`, { start: extra.start, end: extra.end });
          this.next();
        }
        const operand = this.parseNot();
        return { kind: 'reduce', mode, veto, prefixRange: { start: t.start, end }, operand, range: { start: t.start, end: operand.range.end } };
      });
    }
    return this.parseCompare();
  }

  private parseCompare(): ExprNode {
    const first = this.parseAdditive();
    const operands: ExprNode[] = [first];
    const ops: CompareOp[] = [];
    const opRanges: TextRange[] = [];
    for (;;) {
      const t = this.peek();
      if (t.kind === 'op' && COMPARE_OPS.has(t.text)) {
        this.next();
        ops.push(t.text as CompareOp);
        opRanges.push({ start: t.start, end: t.end });
      } else if (this.isOp(t, '=')) {
        this.next();
        this.error('expr-single-equals', "Use '==' to compare for equality ('=' is not an operator here).", { start: t.start, end: t.end }, [
          { title: "Replace '=' with '=='", edits: [{ range: { start: t.start, end: t.end }, newText: '==' }] },
        ]);
        ops.push('==');
        opRanges.push({ start: t.start, end: t.end });
      } else break;
      operands.push(this.parseAdditive());
    }
    if (ops.length === 0) return first;
    return { kind: 'compare', operands, ops, opRanges, range: { start: first.range.start, end: operands[operands.length - 1].range.end } };
  }

  private parseAdditive(): ExprNode {
    let left = this.parseMultiplicative();
    while (this.isOp(this.peek(), '+', '-')) {
      const op = this.next();
      const right = this.parseMultiplicative();
      left = { kind: 'binary', op: op.text as ArithmeticOp, left, right, opRange: { start: op.start, end: op.end }, range: { start: left.range.start, end: right.range.end } };
    }
    return left;
  }

  private parseMultiplicative(): ExprNode {
    let left = this.parseUnary();
    while (this.isOp(this.peek(), '*', '/')) {
      const op = this.next();
      const right = this.parseUnary();
      left = { kind: 'binary', op: op.text as ArithmeticOp, left, right, opRange: { start: op.start, end: op.end }, range: { start: left.range.start, end: right.range.end } };
    }
    return left;
  }

  private parseUnary(): ExprNode {
    const t = this.peek();
    if (this.isOp(t, '-', '+')) {
      return this.guardDepth(t, () => {
        this.next();
        const operand = this.parseUnary();
        return { kind: 'unary', op: t.text as '-' | '+', operand, range: { start: t.start, end: operand.range.end } };
      });
    }
    return this.parsePrimary();
  }

  private missing(t: Token, what: string): ExprNode {
    const found = t.kind === 'eof' ? 'the end of the expression' : `'${t.text}'`;
    this.error('expr-expected', `Expected ${what} but found ${found}.`, { start: t.start, end: Math.max(t.end, t.start) });
    return { kind: 'error', range: { start: t.start, end: t.end } };
  }

  private parsePrimary(): ExprNode {
    const t = this.peek();
    switch (t.kind) {
      case 'number':
        this.next();
        return { kind: 'number', value: t.value ?? NaN, range: { start: t.start, end: t.end } };
      case '(':
        return this.guardDepth(t, () => {
          this.next();
          const inner = this.parseOr();
          this.expectClose(t);
          return inner;
        });
      case 'ident': {
        const lower = t.text.toLowerCase();
        if (KEYWORDS.has(lower)) {
          this.next();
          return this.missing(t, 'a value (a number, an observable such as `jet0.pt`, or `( … )`)');
        }
        if (this.peek(1).kind === '(') return this.parseCall();
        return this.parseObservable();
      }
      default:
        // Do not consume closing tokens: the caller that owns them reports the imbalance.
        if (t.kind !== 'eof' && t.kind !== ')' && t.kind !== ',') this.next();
        return this.missing(t, 'a value (a number, an observable such as `jet0.pt`, or `( … )`)');
    }
  }

  private expectClose(open: Token): number {
    const t = this.peek();
    if (t.kind === ')') {
      this.next();
      return t.end;
    }
    this.error('expr-unbalanced', "Missing ')' to close the '(' here.", { start: open.start, end: open.end }, [
      { title: "Insert ')'", edits: [{ range: { start: t.start, end: t.start }, newText: ')' }] },
    ]);
    return t.start;
  }

  private parseCall(): ExprNode {
    const nameTok = this.next();
    const open = this.next();
    return this.guardDepth(nameTok, () => {
      const args: ExprNode[] = [];
      if (this.peek().kind !== ')') {
        for (;;) {
          args.push(this.parseOr());
          if (this.peek().kind === ',') {
            this.next();
            continue;
          }
          break;
        }
      }
      const end = this.expectClose(open);
      return { kind: 'call', name: nameTok.text.toLowerCase(), nameRange: { start: nameTok.start, end: nameTok.end }, args, range: { start: nameTok.start, end } };
    });
  }

  /** `name`, `name3`, `name:3`, `name1:`, `name1:3`, with the lower-case name resolved through the catalog. */
  private parseObjectRef(child: boolean): ObjectRefNode {
    const t = this.next();
    let base = t.text;
    let digits = '';
    const lower = t.text.toLowerCase();
    const known = child ? lookupChildKind(lower) : lookupObjectKind(lower) ?? (this.collections.has(lower) ? lower : undefined);
    // A collection whose own name ends in digits (`ak8`) takes the longest match: `ak80` is `ak8` index 0.
    const custom = known || child ? undefined : [...this.collections].filter((c) => lower.startsWith(c) && /^\d+$/.test(lower.slice(c.length))).sort((a, b) => b.length - a.length)[0];
    if (custom) {
      base = t.text.slice(0, custom.length);
      digits = t.text.slice(custom.length);
    } else if (!known) {
      const m = /^(.*?[A-Za-z_])(\d+)$/.exec(t.text);
      if (m) {
        base = m[1];
        digits = m[2];
      }
    }
    const nameEnd = t.start + base.length;
    const baseLower = base.toLowerCase();
    const spec = child ? lookupChildKind(baseLower) : lookupObjectKind(baseLower);
    const name = spec ? spec.name : baseLower;
    let selection: Selection = digits ? { kind: 'index', index: Number(digits) } : { kind: 'all' };
    let end = t.end;
    // A slice colon must touch the name (`jet:3`), so `a : b` elsewhere is not read as a slice.
    if (this.peek().kind === ':' && this.peek().start === t.end) {
      const colon = this.next();
      end = colon.end;
      const start = digits ? Number(digits) : 0;
      let stop: number | undefined;
      const nt = this.peek();
      if (nt.kind === 'number' && nt.start === colon.end) {
        this.next();
        end = nt.end;
        if (!Number.isInteger(nt.value) || /[.eE]/.test(nt.text)) {
          this.error('expr-bad-slice', `A slice bound must be a whole number (objects are counted from 0), not '${nt.text}'.`, { start: nt.start, end: nt.end });
        } else stop = nt.value;
      }
      if (stop !== undefined && stop <= start) {
        this.diagnostics.push({
          code: 'expr-empty-slice',
          severity: 'warning',
          message: `The slice ${start}:${stop} selects no objects (the end is exclusive: ${base}${start}:${start + 1} selects one).`,
          range: { start: t.start, end },
        });
      }
      selection = { kind: 'slice', start, end: stop };
    }
    const node: ObjectRefNode = { kind: 'object', name, text: base, nameRange: { start: t.start, end: nameEnd }, selection, range: { start: t.start, end } };
    return node;
  }

  private parseObservable(): ExprNode {
    const objects: ObjectRefNode[] = [];
    let obsName: string | undefined;
    let nameText: string | undefined;
    let nameRange: TextRange | undefined;
    const start = this.peek().start;
    let end: number;
    for (;;) {
      let ref = this.parseObjectRef(false);
      objects.push(ref);
      end = ref.range.end;
      // Children and the observable, separated by dots.
      let last = ref;
      while (this.peek().kind === '.') {
        const dot = this.next();
        const nt = this.peek();
        if (nt.kind !== 'ident') {
          this.error('expr-expected', `Expected an observable or 'constituents' after '.', e.g. '${ref.text}.pt'.`, { start: dot.start, end: nt.kind === 'eof' ? dot.end : nt.end });
          end = dot.end;
          break;
        }
        const lower = nt.text.toLowerCase();
        const childBase = lower.replace(/\d+$/, '');
        const isChild = lookupChildKind(lower) !== undefined || (lookupChildKind(childBase) !== undefined && lookupObservable(lower) === undefined);
        if (isChild && obsName === undefined) {
          const c = this.parseObjectRef(true);
          last.child = c;
          last = c;
          // Extend the ranges of the whole chain up to this child.
          ref = objects[objects.length - 1];
          extendChain(ref, c.range.end);
          end = c.range.end;
          continue;
        }
        this.next();
        const spec = lookupObservable(lower);
        obsName = spec ? spec.name : lower;
        nameText = nt.text;
        nameRange = { start: nt.start, end: nt.end };
        end = nt.end;
        break;
      }
      if (obsName !== undefined) break;
      // `jet0,jet1.delta_r`: a comma continues the object list only before the observable is named and when a
      // name follows; inside a call, `max(jet0.pt, 3)` already has its observable, so the comma ends the list.
      if (this.peek().kind === ',' && this.peek(1).kind === 'ident' && !KEYWORDS.has(this.peek(1).text.toLowerCase()) && this.peek(2).kind !== '(') {
        this.next();
        continue;
      }
      break;
    }
    const node: ObservableNode = { kind: 'observable', objects, range: { start, end } };
    if (obsName !== undefined) {
      node.name = obsName;
      node.nameText = nameText;
      node.nameRange = nameRange;
    }
    return node;
  }
}

function extendChain(ref: ObjectRefNode, end: number): void {
  let r: ObjectRefNode | undefined = ref;
  while (r) {
    r.range = { start: r.range.start, end: Math.max(r.range.end, end) };
    r = r.child;
  }
}

function run(text: string, baseOffset: number, options: ParseOptions, top: (p: Parser) => ExprNode): ParseResult {
  const { tokens, diagnostics } = lex(text, baseOffset);
  if (tokens.length === 1) {
    return {
      diagnostics: [
        ...diagnostics,
        { code: 'expr-empty', severity: 'error', message: 'Empty expression: write an observable (e.g. `fatjet0.mass`) or a cut (e.g. `jet.size > 1`).', range: { start: baseOffset, end: baseOffset + text.length } },
      ],
    };
  }
  const p = new Parser(tokens, options);
  let ast: ExprNode;
  try {
    ast = top(p);
  } catch (err) {
    // Stack exhaustion on pathological input must still give a diagnostic, not an exception.
    if (!(err instanceof RangeError)) throw err;
    p.error('expr-too-deep', 'Expression too deeply nested to read; simplify it.', { start: baseOffset, end: baseOffset + text.length });
    ast = { kind: 'error', range: { start: baseOffset, end: baseOffset + text.length } };
  }
  return { ast, diagnostics: [...diagnostics, ...p.diagnostics] };
}

/**
 * Parses an observable expression (`fatjet0.tau21`, `jet0,jet1.delta_r`, `abs(jet0.eta)`,
 * `fatjet0.mass / fatjet0.pt`). Offsets in the result are shifted by `baseOffset` (the string's offset in the file).
 * Never throws. Use `checkExpression` for names, object kinds and shapes.
 */
export function parseExpression(text: string, baseOffset = 0, options: ParseOptions = {}): ParseResult {
  return run(text, baseOffset, options, (p) => p.parseTop());
}

/**
 * Parses a cut (`60 < fatjet0.mass < 120 and veto any electron.pt > 10`). Same grammar as `parseExpression`;
 * kept separate so callers say what they expect (the checker then requires a boolean).
 */
export function parseCut(text: string, baseOffset = 0, options: ParseOptions = {}): ParseResult {
  return run(text, baseOffset, options, (p) => p.parseTop());
}

/**
 * Parses an object selection without observable (`fatjet0.constituents`, `subjet0`, `jet:3`), for keys such as a
 * cloud dataset's `object:` or an image's `translate:`.
 */
export function parseObjectSelection(text: string, baseOffset = 0, options: ParseOptions = {}): ParseResult {
  const r = parseExpression(text, baseOffset, options);
  if (r.ast && r.ast.kind !== 'error' && !(r.ast.kind === 'observable' && r.ast.name === undefined)) {
    r.diagnostics.push({
      code: 'expr-not-object',
      severity: 'error',
      message: `Expected an object such as 'fatjet0.constituents' or 'subjet0' here, not an observable or a cut.`,
      range: r.ast.range,
    });
  }
  return r;
}
