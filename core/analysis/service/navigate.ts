/**
 * Names of samples, datasets and methods: outline, go to definition, references and rename. A name is defined
 * by its key under `samples:` / `datasets:` / `methods:` and referenced by `dataset:` of a method and
 * `export.methods` items (the expression sites of format `dataset-ref` / `method-ref`), and by stage names.
 */
import { isMap, isPair, isScalar, type Node as YamlNode } from 'yaml';
import type { DocumentSymbol, Location, Position, Range, WorkspaceEdit } from 'vscode-languageserver-types';
import type { ServiceContext } from './index';

export type EntrySection = 'samples' | 'datasets' | 'methods' | 'reconstruction';
export const ENTRY_SECTIONS: readonly EntrySection[] = ['samples', 'datasets', 'methods', 'reconstruction'];

export interface Entry {
  section: EntrySection;
  name: string;
  keyStart: number;
  keyEnd: number;
  /** Offsets of the whole entry (key to end of value). */
  start: number;
  end: number;
  /** `signal · builtin w-jets`, `set`, `gbdt on features` … */
  detail?: string;
  value?: YamlNode;
}

export interface TopEntry {
  key: string;
  keyStart: number;
  keyEnd: number;
  start: number;
  end: number;
  value?: YamlNode;
}

/** Top-level keys of the file with their ranges. */
export function topEntries(c: ServiceContext): TopEntry[] {
  const root = c.doc.yaml?.contents as YamlNode | null | undefined;
  if (!root || !isMap(root)) return [];
  const out: TopEntry[] = [];
  for (const item of root.items) {
    if (!isPair(item) || !isScalar(item.key) || !item.key.range) continue;
    const k = item.key as YamlNode;
    const v = item.value as YamlNode | null;
    out.push({ key: String((item.key as { value: unknown }).value), keyStart: k.range![0], keyEnd: k.range![1], start: k.range![0], end: v?.range?.[1] ?? k.range![1], value: v ?? undefined });
  }
  return out;
}

function detailOf(section: EntrySection, v: unknown): string | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const r = v as Record<string, unknown>;
  if (section === 'samples') {
    const g = (r.generator ?? {}) as Record<string, unknown>;
    return [r.label, g.engine, g.process].filter((x) => typeof x === 'string').join(' · ') || undefined;
  }
  if (section === 'methods') return typeof r.type === 'string' ? `${r.type}${typeof r.dataset === 'string' ? ` on ${r.dataset}` : ''}` : undefined;
  if (section === 'datasets') return typeof r.type === 'string' ? r.type : undefined;
  if (section === 'reconstruction') return typeof r.algorithm === 'string' || typeof r.r === 'number' ? `${typeof r.algorithm === 'string' ? r.algorithm : 'antikt'} R=${String(r.r ?? '?')}` : undefined;
  return undefined;
}

/** Every sample, dataset, method and reconstructed collection of the file. */
const entryCache = new WeakMap<object, Entry[]>();

export function documentEntries(c: ServiceContext): Entry[] {
  const cached = entryCache.get(c.doc);
  if (cached) return cached;
  const out: Entry[] = [];
  entryCache.set(c.doc, out);
  const partial = (c.doc.partial ?? {}) as Record<string, unknown>;
  for (const top of topEntries(c)) {
    if (!(ENTRY_SECTIONS as readonly string[]).includes(top.key) || !top.value || !isMap(top.value)) continue;
    const section = top.key as EntrySection;
    const model = (partial[section] ?? {}) as Record<string, unknown>;
    for (const item of top.value.items) {
      if (!isPair(item) || !isScalar(item.key) || !item.key.range) continue;
      const k = item.key as YamlNode;
      const v = item.value as YamlNode | null;
      const name = String((item.key as { value: unknown }).value);
      out.push({ section, name, keyStart: k.range![0], keyEnd: k.range![1], start: k.range![0], end: v?.range?.[1] ?? k.range![1], detail: detailOf(section, model[name]), value: v ?? undefined });
    }
  }
  return out;
}

/** The stage a `Run` of this entry means (`generate:wjets`, `dataset:features`, `train:bdt`). */
export function stageName(e: Pick<Entry, 'section' | 'name'>): string | undefined {
  return e.section === 'samples' ? `generate:${e.name}` : e.section === 'datasets' ? `dataset:${e.name}` : e.section === 'methods' ? `train:${e.name}` : undefined;
}

interface Target {
  section: 'datasets' | 'methods' | 'samples';
  name: string;
}

interface Occurrence {
  start: number;
  end: number;
  declaration: boolean;
}

/** The sample, dataset or method name under `offset` (its definition key or a reference to it). */
function targetAt(c: ServiceContext, offset: number): Target | undefined {
  for (const e of documentEntries(c)) {
    if (e.section !== 'reconstruction' && offset >= e.keyStart && offset <= e.keyEnd) return { section: e.section, name: e.name };
  }
  for (const s of c.doc.expressions) {
    if (s.offset === undefined || offset < s.offset || offset > s.offset + s.text.length) continue;
    if (s.format === 'dataset-ref') return { section: 'datasets', name: s.text };
    if (s.format === 'method-ref') return { section: 'methods', name: s.text };
  }
  return undefined;
}

function occurrences(c: ServiceContext, t: Target): Occurrence[] {
  const out: Occurrence[] = [];
  for (const e of documentEntries(c)) if (e.section === t.section && e.name === t.name) out.push({ start: e.keyStart, end: e.keyEnd, declaration: true });
  const format = t.section === 'datasets' ? 'dataset-ref' : t.section === 'methods' ? 'method-ref' : undefined;
  if (format) {
    for (const s of c.doc.expressions) {
      if (s.format === format && s.text === t.name && s.offset !== undefined) out.push({ start: s.offset, end: s.offset + s.text.length, declaration: false });
    }
  }
  return out;
}

const range = (c: ServiceContext, s: number, e: number): Range => c.doc.lines.range(s, e);

export function findDefinition(c: ServiceContext, p: Position): Location[] {
  const t = targetAt(c, c.doc.lines.offsetAt(p));
  if (!t) return [];
  return occurrences(c, t).filter((o) => o.declaration).map((o) => ({ uri: c.uri, range: range(c, o.start, o.end) }));
}

export function findReferences(c: ServiceContext, p: Position, includeDeclaration: boolean): Location[] {
  const t = targetAt(c, c.doc.lines.offsetAt(p));
  if (!t) return [];
  return occurrences(c, t).filter((o) => includeDeclaration || !o.declaration).map((o) => ({ uri: c.uri, range: range(c, o.start, o.end) }));
}

export function prepareRename(c: ServiceContext, p: Position): { range: Range; placeholder: string } | null {
  const off = c.doc.lines.offsetAt(p);
  const t = targetAt(c, off);
  if (!t) return null;
  const o = occurrences(c, t).find((x) => off >= x.start && off <= x.end);
  return o ? { range: range(c, o.start, o.end), placeholder: t.name } : null;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function doRename(c: ServiceContext, p: Position, newName: string): WorkspaceEdit | null {
  const t = targetAt(c, c.doc.lines.offsetAt(p));
  if (!t || !NAME.test(newName)) return null;
  const edits = occurrences(c, t).map((o) => ({ range: range(c, o.start, o.end), newText: newName }));
  return edits.length ? { changes: { [c.uri]: edits } } : null;
}

const SYMBOL_KIND: Record<string, DocumentSymbol['kind']> = { samples: 5, datasets: 23, methods: 6, reconstruction: 13 };

/** Outline: top-level keys, and the entries of samples / datasets / methods / reconstruction. */
export function findDocumentSymbols(c: ServiceContext): DocumentSymbol[] {
  const entries = documentEntries(c);
  return topEntries(c).map((t) => {
    const children = entries
      .filter((e) => e.section === t.key)
      .map((e): DocumentSymbol => ({ name: e.name, detail: e.detail, kind: SYMBOL_KIND[e.section], range: range(c, e.start, e.end), selectionRange: range(c, e.keyStart, e.keyEnd) }));
    return { name: t.key, kind: (children.length ? 2 /* Module */ : 7) /* Property */ as DocumentSymbol['kind'], range: range(c, t.start, Math.max(t.end, t.keyEnd)), selectionRange: range(c, t.keyStart, t.keyEnd), children };
  });
}
