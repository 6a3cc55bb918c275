/**
 * The analysis-file service: one facade for `hml validate`, the pipeline and the language server (in the style of
 * yaml-language-server's language service). Pure logic, no I/O, no 'vscode'.
 *
 *   parseAnalysisText(text, uri) → { analysis?, diagnostics, document }
 *   schemaNodeAt(path, document?) → the schema node documenting a key (hover, completion)
 *   locate(document, offset)      → which key/value the cursor is on
 */
import { isMap, isPair, isScalar, isSeq, type Node as YamlNode } from 'yaml';
import type { FieldDef, ObjectNode, SchemaNode } from './dsl';
import type { HmlDiagnostic } from './diagnostics';
import type { Analysis } from './model';
import { ANALYSIS_SCHEMA } from './schema';
import { LineIndex, type Position } from './text';
import { pathKey, validateText, type ExpressionSite, type NodeInfo, type Path, type ValidationResult } from './validate';

export type { Analysis } from './model';
export * from './model';
export type { HmlDiagnostic, Fix, TextEdit, Severity } from './diagnostics';
export { DIAGNOSTIC_CODES, SEVERITY_NAME, formatDiagnostic, diagnosticJson } from './diagnostics';
export { LineIndex, offsetToPosition, positionToOffset, type Position, type Range } from './text';
export type { ExpressionSite, NodeInfo, Path } from './validate';
export { pathKey, MAX_ANALYSIS_BYTES } from './validate';
export { analysisJsonSchema, toJsonSchema, type JsonSchema } from './json-schema';
export { ANALYSIS_SCHEMA, PROCESSES, RUN_CARD_KEYS, METRIC_DOCS, METHOD_DATASET_TYPE, COMMON_CLOUD_FEATURES } from './schema';
export type { SchemaNode, ObjectNode, MapNode, TaggedNode, UnionNode, ArrayNode, StringNode, NumberNode, FieldDef, StringFormat, EnumValue } from './dsl';

/** A parsed analysis file, with everything the editor features need. */
export interface AnalysisDocument {
  uri: string;
  text: string;
  lines: LineIndex;
  /** The yaml package's document (source ranges on every node); undefined when the text was not parsed. */
  yaml: ValidationResult['document'];
  /** Every schema-checked value by path (`pathKey(path)`), with its offsets and schema node. */
  nodes: Map<string, NodeInfo>;
  /** Every expression string (cuts, observables, objects, metrics …), parsed and checked. */
  expressions: ExpressionSite[];
  /** The model as far as it could be read (also with errors). */
  partial: unknown;
}

export interface ParsedAnalysis {
  /** Present when the file has no error (warnings allowed). Defaults are applied. */
  analysis?: Analysis;
  diagnostics: HmlDiagnostic[];
  document: AnalysisDocument;
}

/**
 * Parses and validates an analysis file. Never throws; any text gives diagnostics. `previous`, the document of the
 * editor's last version of the same file, makes small edits cheap (same result); it must not be used afterwards.
 */
export function parseAnalysisText(text: string, uri = 'untitled.hml.yaml', previous?: AnalysisDocument): ParsedAnalysis {
  let r: ValidationResult;
  try {
    r = validateText(text, previous?.yaml ? { text: previous.text, document: previous.yaml } : undefined);
  } catch (err) {
    // A bug must not take the editor's checking down with it: report it where the user sees it.
    const lines = new LineIndex(text);
    const message = `Internal error while checking this file (${err instanceof Error ? err.message : String(err)}). Please report it with the file attached.`;
    return {
      diagnostics: [{ range: lines.range(0, 0), severity: 1, code: 'internal-error', source: 'hml', message }],
      document: { uri, text, lines, yaml: undefined, nodes: new Map(), expressions: [], partial: undefined },
    };
  }
  return {
    analysis: r.analysis,
    diagnostics: r.diagnostics,
    document: { uri, text, lines: r.lines, yaml: r.document, nodes: r.nodes, expressions: r.expressions, partial: r.partial },
  };
}

function tagOf(doc: AnalysisDocument | undefined, path: Path, tag: string): string | undefined {
  let v: unknown = doc?.partial;
  for (const p of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string | number, unknown>)[p];
  }
  if (typeof v === 'object' && v !== null) {
    const t = (v as Record<string, unknown>)[tag];
    return typeof t === 'string' ? t : undefined;
  }
  return undefined;
}

/**
 * The schema node that documents the value at `path` (e.g. `['methods', 'bdt', 'trees']`). Where a section has
 * variants (`type:` of datasets and methods, `engine:` of generators) the document picks the variant; without a
 * document, or with an unknown variant, the `tagged` node itself is returned (its `variants` list the choices).
 */
export function schemaNodeAt(path: Path, document?: AnalysisDocument): SchemaNode | undefined {
  let node: SchemaNode = ANALYSIS_SCHEMA;
  for (let i = 0; i < path.length; i++) {
    const p = path[i];
    if (node.kind === 'tagged') {
      const variant: ObjectNode | undefined = node.variants[tagOf(document, path.slice(0, i), node.tag) ?? ''];
      if (!variant) {
        if (p === node.tag) return { kind: 'string', description: node.description, enum: Object.entries(node.variants).map(([value, v]) => ({ value, description: v.description })) };
        // Unknown variant: a key any variant has is still documented.
        const variants: ObjectNode[] = Object.values(node.variants);
        const withKey: ObjectNode | undefined = variants.find((v) => typeof p === 'string' && p in v.fields);
        if (!withKey) return undefined;
        node = withKey;
      } else node = variant;
    }
    if (node.kind === 'union') {
      const inner: SchemaNode | undefined = node.variants.find((v) => (typeof p === 'number' ? v.kind === 'array' : v.kind === 'object' || v.kind === 'map'));
      if (!inner) return undefined;
      node = inner;
    }
    switch (node.kind) {
      case 'object': {
        const f: FieldDef | undefined = typeof p === 'string' ? node.fields[p] : undefined;
        if (f) node = f.node;
        else if (node.additional) node = node.additional;
        else return undefined;
        break;
      }
      case 'map':
        node = node.values;
        break;
      case 'array':
        if (typeof p !== 'number') return undefined;
        node = node.items;
        break;
      default:
        return undefined;
    }
  }
  if (node.kind === 'tagged') {
    const v = node.variants[tagOf(document, path, node.tag) ?? ''];
    if (v) return v;
  }
  return node;
}

/** The field definition (with default and required flag) for the last key of `path`, when it is an object field. */
export function fieldAt(path: Path, document?: AnalysisDocument): FieldDef | undefined {
  if (path.length === 0) return undefined;
  const parent = schemaNodeAt(path.slice(0, -1), document);
  const last = path[path.length - 1];
  if (parent?.kind === 'object' && typeof last === 'string') return parent.fields[last];
  return undefined;
}

/** What the cursor is on. */
export interface Location {
  /** Path of the innermost mapping entry or list item containing the offset. */
  path: Path;
  /** On a key (true) or in a value (false). */
  onKey: boolean;
  /** The YAML node under the cursor, when any. */
  node?: YamlNode;
  /** Offsets of the key or value under the cursor. */
  start?: number;
  end?: number;
}

/** Finds the key or value at `offset` (UTF-16), or the innermost collection around it. */
export function locate(document: AnalysisDocument, offset: number): Location {
  const root = document.yaml?.contents as YamlNode | null | undefined;
  const path: Path = [];
  let node: YamlNode | null | undefined = root;
  const within = (n: YamlNode | null | undefined): boolean => !!n?.range && offset >= n.range[0] && offset <= n.range[1];
  for (let guard = 0; guard < 256 && node; guard++) {
    if (isMap(node)) {
      let next: YamlNode | null | undefined;
      for (const item of node.items) {
        if (!isPair(item)) continue;
        const k = item.key as YamlNode | null;
        const v = item.value as YamlNode | null;
        const key = k && isScalar(k) ? String(k.value) : undefined;
        if (key === undefined) continue;
        if (within(k)) return { path: [...path, key], onKey: true, node: k ?? undefined, start: k?.range?.[0], end: k?.range?.[1] };
        if (within(v)) {
          path.push(key);
          next = v;
          break;
        }
      }
      if (!next) return { path, onKey: false, node };
      node = next;
    } else if (isSeq(node)) {
      const i = node.items.findIndex((it) => within(it as YamlNode));
      if (i < 0) return { path, onKey: false, node };
      path.push(i);
      node = node.items[i] as YamlNode;
    } else {
      return { path, onKey: false, node, start: node.range?.[0], end: node.range?.[1] };
    }
  }
  return { path, onKey: false };
}

/** The expression at `offset`, if the cursor is inside one (for hover, completion, semantic tokens). */
export function expressionAt(document: AnalysisDocument, offset: number): ExpressionSite | undefined {
  return document.expressions.find((e) => e.offset !== undefined && offset >= e.offset && offset <= e.offset + e.text.length);
}

/** Offset of an LSP position in the document. */
export function offsetOf(document: AnalysisDocument, pos: Position): number {
  return document.lines.offsetAt(pos);
}

/** Node info (offsets, schema) for a path. */
export function nodeInfo(document: AnalysisDocument, path: Path): NodeInfo | undefined {
  return document.nodes.get(pathKey(path));
}
