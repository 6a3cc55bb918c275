/**
 * Editor services over one expression, so the language server only adapts them to LSP: semantic tokens, hover
 * markdown and completion candidates. Offsets are those of the parsed tree (pass the string's file offset as
 * `baseOffset` when parsing).
 */
import type { ExprNode, ObjectRefNode, TextRange } from './ast';
import { walkExpression } from './ast';
import {
  FUNCTIONS,
  KEYWORDS,
  OBJECT_KINDS,
  lookupChildKind,
  lookupFunction,
  lookupObjectKind,
  lookupObservable,
  observablesFor,
  type ObjectKindName,
  type ObservableSpec,
} from './catalog';
import { lex } from './lexer';

export type ExprTokenType = 'object' | 'index' | 'observable' | 'function' | 'keyword' | 'number' | 'operator';

export interface ExprToken {
  range: TextRange;
  type: ExprTokenType;
  /** Set for names the catalog does not know (semantic-token modifier, e.g. to underline). */
  unknown?: boolean;
}

function refTokens(ref: ObjectRefNode, out: ExprToken[], known: (r: ObjectRefNode) => boolean): void {
  out.push({ range: ref.nameRange, type: 'object', unknown: !known(ref) || undefined });
  const selEnd = ref.child ? ref.child.range.start - 1 : ref.range.end;
  if (selEnd > ref.nameRange.end) out.push({ range: { start: ref.nameRange.end, end: selEnd }, type: 'index' });
  if (ref.child) refTokens(ref.child, out, () => lookupChildKind(ref.child!.name) !== undefined);
}

/**
 * Semantic tokens of a parsed expression, sorted by position. `text` is the expression source and `baseOffset`
 * the offset it was parsed with (operators and keywords come from the lexer).
 */
export function expressionTokens(ast: ExprNode, text: string, baseOffset = 0, collections: Iterable<string> = []): ExprToken[] {
  const custom = new Set([...collections].map((c) => c.toLowerCase()));
  const out: ExprToken[] = [];
  walkExpression(ast, (n) => {
    if (n.kind === 'observable') {
      for (const o of n.objects) refTokens(o, out, (r) => lookupObjectKind(r.name) !== undefined || custom.has(r.name));
      if (n.nameRange) out.push({ range: n.nameRange, type: 'observable', unknown: !lookupObservable(n.name ?? '') || undefined });
    } else if (n.kind === 'call') out.push({ range: n.nameRange, type: 'function', unknown: !lookupFunction(n.name) || undefined });
    else if (n.kind === 'number') out.push({ range: n.range, type: 'number' });
  });
  for (const t of lex(text, baseOffset).tokens) {
    if (t.kind === 'op') out.push({ range: { start: t.start, end: t.end }, type: 'operator' });
    else if (t.kind === 'ident' && t.text.toLowerCase() in KEYWORDS) out.push({ range: { start: t.start, end: t.end }, type: 'keyword' });
  }
  out.sort((a, b) => a.range.start - b.range.start);
  return out;
}

export interface ExprHover {
  range: TextRange;
  /** Markdown. */
  contents: string;
}

function observableMarkdown(o: ObservableSpec): string {
  const accepts = o.accepts === 'any' ? 'any object' : o.accepts.join(', ');
  return `**${o.name}** — ${o.title}${o.unit && o.unit !== '1' ? ` [${o.unit}]` : ''}\n\n${o.doc}\n\n*Applies to:* ${accepts}${o.aliases.length ? `  \n*Also written:* ${o.aliases.join(', ')}` : ''}`;
}

/** Hover text for the name under `offset` (object, sub-collection, observable, function or keyword). */
export function expressionHover(ast: ExprNode, text: string, baseOffset: number, offset: number, collections: Iterable<string> = []): ExprHover | undefined {
  const custom = new Set([...collections].map((c) => c.toLowerCase()));
  const tokens = expressionTokens(ast, text, baseOffset, custom);
  const tok = tokens.find((t) => offset >= t.range.start && offset < t.range.end) ?? tokens.find((t) => offset === t.range.end);
  if (!tok) return undefined;
  const word = text.slice(tok.range.start - baseOffset, tok.range.end - baseOffset).toLowerCase();
  switch (tok.type) {
    case 'observable': {
      const o = lookupObservable(word);
      return o ? { range: tok.range, contents: observableMarkdown(o) } : undefined;
    }
    case 'object': {
      const k = lookupObjectKind(word) ?? lookupChildKind(word);
      if (k) return { range: tok.range, contents: `**${k.name}**${k.delphes ? ` (Delphes \`${k.delphes}\`)` : ''}\n\n${k.doc}\n\nIndex from 0: \`${k.name}0\` is the leading one; \`${k.name}\` all of them; \`${k.name}:3\` the first three; \`${k.name}1:\` all but the leading one.` };
      if (custom.has(word)) return { range: tok.range, contents: `**${word}** — jets built under \`reconstruction:\` (ordered by decreasing pT).` };
      return undefined;
    }
    case 'function': {
      const f = lookupFunction(word);
      return f ? { range: tok.range, contents: `**${f.signature}**\n\n${f.doc}` } : undefined;
    }
    case 'keyword':
      return { range: tok.range, contents: `**${word}**\n\n${KEYWORDS[word as keyof typeof KEYWORDS]}` };
    case 'index':
      return { range: tok.range, contents: 'Object index (from 0) or slice `start:end` (end exclusive).' };
    default:
      return undefined;
  }
}

export interface ExprCompletion {
  label: string;
  kind: 'object' | 'child' | 'observable' | 'function' | 'keyword';
  detail: string;
  /** Markdown. */
  documentation: string;
  /** Text to insert (a snippet for functions: `abs($1)`). */
  insertText: string;
  snippet?: boolean;
}

/**
 * Completion candidates at position `at` (0-based, inside `text`, the expression source). After `object.` it
 * offers the observables accepting that object and its sub-collections; elsewhere objects, functions and keywords.
 * Works on incomplete text (it only looks left of the cursor).
 */
export function expressionCompletions(text: string, at: number, collections: Iterable<string> = []): ExprCompletion[] {
  const left = text.slice(0, at);
  const custom = [...collections].map((c) => c.toLowerCase());
  // `fatjet0.constituents.` / `jet0,jet1.` / `jet:3.` + partial word
  const m = /([A-Za-z_][\w]*?)(\d*)(?::\d*)?((?:\.[A-Za-z_]+\d*(?::\d*)?)*)\.(\w*)$/.exec(left);
  if (m) {
    let kind: ObjectKindName | undefined = custom.includes(m[1].toLowerCase() + m[2]) || custom.includes(m[1].toLowerCase()) ? 'jet' : lookupObjectKind(m[1])?.name;
    const pair = /,\s*[A-Za-z_]\w*(?::\d*)?\.\w*$/.test(left);
    for (const c of m[3].split('.').filter(Boolean)) {
      const child = lookupChildKind(c.replace(/\d*(?::\d*)?$/, ''));
      kind = child?.name;
    }
    if (!kind) return [];
    const spec = OBJECT_KINDS.find((k) => k.name === kind);
    const out: ExprCompletion[] = [];
    for (const c of spec?.children ?? []) {
      const cs = lookupChildKind(c)!;
      out.push({ label: c, kind: 'child', detail: 'sub-collection', documentation: cs.doc, insertText: c });
    }
    for (const o of observablesFor(kind)) {
      if (o.arity === 'pair' && !pair && !(o.relativeToParent && (kind === 'constituents' || kind === 'subjets'))) continue;
      if (pair && o.arity !== 'pair' && o.arity !== 'combined') continue;
      out.push({ label: o.name, kind: 'observable', detail: `${o.title}${o.unit && o.unit !== '1' ? ` [${o.unit}]` : ''}`, documentation: observableMarkdown(o), insertText: o.name });
    }
    return out;
  }
  const out: ExprCompletion[] = [];
  for (const k of OBJECT_KINDS) if (k.level === 'top') out.push({ label: k.name, kind: 'object', detail: k.delphes ? `Delphes ${k.delphes}` : 'object', documentation: k.doc, insertText: k.name });
  for (const c of custom) if (!out.some((o) => o.label === c)) out.push({ label: c, kind: 'object', detail: 'reconstructed jets', documentation: 'Jets built under `reconstruction:`.', insertText: c });
  for (const f of FUNCTIONS) out.push({ label: f.name, kind: 'function', detail: f.signature, documentation: f.doc, insertText: `${f.name}($1)`, snippet: true });
  for (const [k, doc] of Object.entries(KEYWORDS)) out.push({ label: k, kind: 'keyword', detail: 'keyword', documentation: doc, insertText: k });
  return out;
}
