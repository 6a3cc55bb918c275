/**
 * Editor decorations over one parsed document: semantic tokens for the expression language inside strings,
 * quick fixes, code lenses (`Run` and the last result), document links, folding ranges and inlay hints.
 */
import { isMap, isPair, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import type { CodeAction, CodeLens, Diagnostic, DocumentLink, FoldingRange, InlayHint, Range } from 'vscode-languageserver-types';
import { expressionTokens, type ExprTokenType } from '../../expressions/index';
import type { HmlDiagnostic } from '../diagnostics';
import { nodeInfo } from '../index';
import type { ServiceContext } from './index';
import { documentEntries, stageName, topEntries } from './navigate';
import type { RunInfo } from './run-info';

// ------------------------------------------------------------------ semantic tokens

/** Legend: standard LSP token types, so every theme colours them. */
export const SEMANTIC_TOKEN_TYPES = ['class', 'number', 'property', 'function', 'keyword', 'operator', 'type'] as const;
export const SEMANTIC_TOKEN_MODIFIERS = ['deprecated', 'declaration'] as const;
const TYPE_INDEX: Record<ExprTokenType | 'reference', number> = { object: 0, index: 1, number: 1, observable: 2, function: 3, keyword: 4, operator: 5, reference: 6 };

export function getSemanticTokens(c: ServiceContext): { data: number[] } {
  const collections = Object.keys(((c.doc.partial as Record<string, unknown> | undefined)?.reconstruction as object | undefined) ?? {});
  const toks: { start: number; end: number; type: number; mods: number }[] = [];
  for (const s of c.doc.expressions) {
    if (s.offset === undefined) continue;
    if (s.format === 'dataset-ref' || s.format === 'method-ref') {
      toks.push({ start: s.offset, end: s.offset + s.text.length, type: TYPE_INDEX.reference, mods: 0 });
      continue;
    }
    if (!s.ast) continue;
    for (const t of expressionTokens(s.ast, s.text, s.offset, collections)) toks.push({ start: t.range.start, end: t.range.end, type: TYPE_INDEX[t.type], mods: t.unknown ? 1 : 0 });
  }
  toks.sort((a, b) => a.start - b.start);
  const data: number[] = [];
  let prevLine = 0;
  let prevChar = 0;
  let lastEnd = -1;
  for (const t of toks) {
    if (t.end <= t.start || t.start < lastEnd) continue;
    const a = c.doc.lines.positionAt(t.start);
    const b = c.doc.lines.positionAt(t.end);
    if (a.line !== b.line) continue; // tokens never span lines in LSP's encoding
    data.push(a.line - prevLine, a.line === prevLine ? a.character - prevChar : a.character, b.character - a.character, t.type, t.mods);
    prevLine = a.line;
    prevChar = a.character;
    lastEnd = t.end;
  }
  return { data };
}

// ------------------------------------------------------------------ code actions

const overlaps = (a: Range, b: Range): boolean =>
  !(a.end.line < b.start.line || (a.end.line === b.start.line && a.end.character < b.start.character) || b.end.line < a.start.line || (b.end.line === a.start.line && b.end.character < a.start.character));

/** The split mapping of a dataset and what `test` should be so the fractions add up to 1. */
function missingSplitFix(c: ServiceContext, d: HmlDiagnostic): CodeAction | undefined {
  const path = d.data?.path;
  if (!path || path[0] !== 'datasets') return undefined;
  const splitPath = ['datasets', path[1], 'split'];
  const info = nodeInfo(c.doc, splitPath);
  const n = info?.node;
  if (!n || !isMap(n) || !n.range) return undefined;
  const have = new Map<string, number>();
  for (const it of n.items) if (isPair(it) && isScalar(it.key) && isScalar(it.value) && typeof it.value.value === 'number') have.set(String(it.key.value), it.value.value);
  const missing = ['train', 'test'].filter((k) => !have.has(k));
  if (missing.length !== 1) return undefined;
  const rest = Number((1 - [...have.values()].reduce((a, b) => a + b, 0)).toFixed(12));
  if (!(rest > 0 && rest < 1)) return undefined;
  const last = n.items[n.items.length - 1];
  const lastEnd = (isPair(last) ? ((last.value as YamlNode | null)?.range?.[1] ?? (last.key as YamlNode | null)?.range?.[1]) : undefined) ?? n.range[1];
  let at: number;
  let text: string;
  if (n.flow) {
    at = lastEnd;
    text = `, ${missing[0]}: ${rest}`;
  } else {
    const firstKey = isPair(n.items[0]) ? (n.items[0].key as YamlNode | null)?.range?.[0] : undefined;
    if (firstKey === undefined) return undefined;
    const col = c.doc.lines.positionAt(firstKey).character;
    // Insert after the end of the last item's line.
    const eol = c.text.indexOf('\n', lastEnd - 1);
    at = eol < 0 ? c.text.length : eol;
    text = `\n${' '.repeat(col)}${missing[0]}: ${rest}`;
  }
  return {
    title: `Add the missing split '${missing[0]}: ${rest}'`,
    kind: 'quickfix',
    diagnostics: [d as Diagnostic],
    isPreferred: true,
    edit: { changes: { [c.uri]: [{ range: c.doc.lines.range(at, at), newText: text }] } },
  };
}

export function getCodeActions(c: ServiceContext, range: Range): CodeAction[] {
  const out: CodeAction[] = [];
  for (const d of c.parsed.diagnostics) {
    if (!overlaps(d.range, range)) continue;
    for (const f of d.data?.fixes ?? []) {
      out.push({ title: f.title, kind: 'quickfix', diagnostics: [d as Diagnostic], isPreferred: f.isPreferred, edit: { changes: { [c.uri]: f.edits.map((e) => ({ range: e.range, newText: e.newText })) } } });
    }
    if (d.code === 'missing-key' && d.data?.path?.includes('split')) {
      const a = missingSplitFix(c, d);
      if (a) out.push(a);
    }
  }
  // A dataset without `split:` uses the default 70/30: offer to write it out (with a validation part).
  const off0 = c.doc.lines.offsetAt(range.start);
  for (const e of documentEntries(c)) {
    if (e.section !== 'datasets' || off0 < e.start || off0 > e.end || !e.value || !isMap(e.value) || e.value.flow) continue;
    const keys = e.value.items.filter(isPair).map((p) => (isScalar(p.key) ? String(p.key.value) : ''));
    if (keys.includes('split')) continue;
    const first = e.value.items[0];
    const k0 = isPair(first) ? (first.key as YamlNode | null)?.range?.[0] : undefined;
    if (k0 === undefined) continue;
    const col = c.doc.lines.positionAt(k0).character;
    const eol = c.text.indexOf('\n', Math.max(e.end - 1, 0));
    const at = eol < 0 ? c.text.length : e.end <= eol ? (c.text.slice(e.end, eol).trim() === '' ? eol : e.end) : eol;
    out.push({
      title: `Add a split to '${e.name}' (train 0.7, validation 0.1, test 0.2)`,
      kind: 'refactor.rewrite',
      edit: { changes: { [c.uri]: [{ range: c.doc.lines.range(at, at), newText: `\n${' '.repeat(col)}split: { train: 0.7, validation: 0.1, test: 0.2 }` }] } },
    });
  }
  return out;
}

// ------------------------------------------------------------------ code lenses

function ago(iso: string): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return '';
  const s = Math.max(0, (Date.now() - t) / 1000);
  if (s < 90) return 'just now';
  if (s < 5400) return `${Math.round(s / 60)} min ago`;
  if (s < 129600) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86400)} d ago`;
}

const fmt = (x: number): string => (Math.abs(x) >= 1000 || Math.abs(x) < 0.01 ? x.toExponential(3) : Number(x.toPrecision(4)).toString());

/** One line saying what the last run of a stage gave, or undefined. */
export function stageResultText(info: RunInfo | undefined, stage: string, method?: string): string | undefined {
  const s = info?.stages[stage];
  if (method && info?.results) {
    const m = info.results.methods.find((x) => x.name === method);
    if (m) {
      const shown = m.metrics.filter((x) => x.value !== null).slice(0, 3).map((x) => `${x.name} ${fmt(x.value!)}`);
      if (shown.length) return `${shown.join(' · ')}${s ? ` (${ago(s.time)})` : ''}`;
    }
  }
  if (!s) return undefined;
  if (s.state === 'failed') return `failed${s.code ? ` [${s.code}]` : ''} ${ago(s.time)}`;
  const parts: string[] = [];
  if (s.crossSection !== undefined) parts.push(s.crossSection === null ? 'σ unknown' : `σ = ${fmt(s.crossSection)} pb`);
  if (s.events !== undefined) parts.push(`${s.events} events`);
  parts.push(`${s.state === 'cached' ? 'cached' : 'done'} ${ago(s.time)}`);
  return parts.join(' · ');
}

export function getCodeLenses(c: ServiceContext): CodeLens[] {
  const run = c.options.runCommand ?? 'hml.runStage';
  const show = c.options.showResultCommand ?? 'hml.showResults';
  const info = c.options.runInfo?.(c.uri);
  const out: CodeLens[] = [];
  const hml = topEntries(c).find((t) => t.key === 'hml');
  if (hml) out.push({ range: c.doc.lines.range(hml.keyStart, hml.keyEnd), command: { title: '▶ Run analysis', command: run, arguments: [c.uri] } });
  for (const e of documentEntries(c)) {
    const stage = stageName(e);
    if (!stage) continue;
    const range = c.doc.lines.range(e.keyStart, e.keyEnd);
    out.push({ range, command: { title: '▶ Run', command: run, arguments: [c.uri, stage] } });
    const text = stageResultText(info, stage, e.section === 'methods' ? e.name : undefined);
    if (text) out.push({ range, command: { title: text, command: show, arguments: [c.uri, stage] } });
  }
  return out;
}

// ------------------------------------------------------------------ document links

function scalarBounds(n: YamlNode): [number, number] | undefined {
  if (!isScalar(n) || !n.range) return undefined;
  const quoted = n.type === 'QUOTE_DOUBLE' || n.type === 'QUOTE_SINGLE';
  return quoted ? [n.range[0] + 1, n.range[1] - 1] : [n.range[0], n.range[1]];
}

export function findDocumentLinks(c: ServiceContext): DocumentLink[] {
  const resolve = c.options.resolvePath;
  if (!resolve) return [];
  const out: DocumentLink[] = [];
  for (const info of c.doc.nodes.values()) {
    const s = info.schema;
    const isPath = s.kind === 'string' && s.format === 'path';
    const isModel = info.path[info.path.length - 1] === 'model' && info.path[2] === 'generator';
    if (!isPath && !isModel) continue;
    const n = info.node;
    if (!n || !isScalar(n) || typeof n.value !== 'string') continue;
    if (isModel && !/[/\\]|^\./.test(n.value)) continue;
    const target = resolve(c.uri, n.value);
    const b = scalarBounds(n);
    if (!target || !b) continue;
    out.push({ range: c.doc.lines.range(b[0], b[1]), target, tooltip: `Open ${n.value}` });
  }
  return out;
}

// ------------------------------------------------------------------ folding

export function getFoldingRanges(c: ServiceContext): FoldingRange[] {
  const out: FoldingRange[] = [];
  const lines = c.doc.lines;
  const visit = (n: YamlNode | null | undefined, startOffset: number, depth: number): void => {
    if (!n || depth > 64 || out.length > 5000) return;
    if (isMap(n) || isSeq(n)) {
      if (n.range) {
        const a = lines.positionAt(startOffset).line;
        let endOff = n.range[1];
        while (endOff > n.range[0] && /\s/.test(c.text[endOff - 1] ?? '')) endOff--;
        const b = lines.positionAt(endOff).line;
        if (b > a) out.push({ startLine: a, endLine: b });
      }
      for (const it of n.items) {
        if (isPair(it)) {
          const k = it.key as YamlNode | null;
          visit(it.value as YamlNode | null, k?.range?.[0] ?? (it.value as YamlNode | null)?.range?.[0] ?? 0, depth + 1);
        } else visit(it as YamlNode, (it as YamlNode).range?.[0] ?? 0, depth + 1);
      }
    }
  };
  const root = c.doc.yaml?.contents as YamlNode | null | undefined;
  if (root && (isMap(root) || isSeq(root))) {
    for (const it of root.items) {
      if (isPair(it)) visit(it.value as YamlNode | null, (it.key as YamlNode | null)?.range?.[0] ?? 0, 1);
    }
  }
  return out;
}

// ------------------------------------------------------------------ inlay hints

const UNIT_SHOWN: Record<string, string> = { GeV: 'GeV', pb: 'pb', 'fb^-1': 'fb⁻¹', degrees: '°' };

export function getInlayHints(c: ServiceContext, range: Range): InlayHint[] {
  const lo = c.doc.lines.offsetAt(range.start);
  const hi = c.doc.lines.offsetAt(range.end);
  const out: InlayHint[] = [];
  const seen = new Set<number>();
  for (const info of c.doc.nodes.values()) {
    if (info.end < lo || info.start > hi || !info.node) continue;
    const s = info.schema;
    // Numbers with a unit, and [min, max] windows of them (the unit once, after the bracket).
    let unit: string | undefined;
    if (s.kind === 'number' && s.unit && isScalar(info.node) && typeof info.node.value === 'number') {
      const parent = info.path.length > 1 ? nodeInfo(c.doc, info.path.slice(0, -1)) : undefined;
      if (parent?.schema.kind === 'array') continue;
      unit = s.unit;
    } else if (s.kind === 'array' && s.items.kind === 'number' && s.items.unit && isSeq(info.node)) unit = s.items.unit;
    else if (s.kind === 'union' && isScalar(info.node) && typeof info.node.value === 'number') unit = s.variants.map((v) => (v.kind === 'number' ? v.unit : undefined)).find(Boolean);
    if (!unit || !info.node.range) continue;
    const at = info.node.range[1];
    if (seen.has(at)) continue;
    seen.add(at);
    out.push({ position: c.doc.lines.positionAt(at), label: UNIT_SHOWN[unit] ?? unit, kind: 1, paddingLeft: true });
  }
  // The last cross section of each sample, after its `cross_section:` value or its name.
  const run = c.options.runInfo?.(c.uri);
  if (run) {
    for (const e of documentEntries(c)) {
      if (e.section !== 'samples') continue;
      const xs = run.stages[`generate:${e.name}`]?.crossSection;
      if (typeof xs !== 'number') continue;
      const v = nodeInfo(c.doc, ['samples', e.name, 'cross_section'])?.node;
      const at = v?.range ? v.range[1] : e.keyEnd + 1;
      if (at < lo || at > hi) continue;
      out.push({ position: c.doc.lines.positionAt(Math.min(at, c.text.length)), label: `σ = ${fmt(xs)} pb (last run)`, kind: 2, paddingLeft: true });
    }
  }
  out.sort((a, b) => a.position.line - b.position.line || a.position.character - b.position.character);
  return out;
}

