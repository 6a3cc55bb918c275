/**
 * The analysis-file language service: every editor feature as pure logic over text, behind one facade (in the
 * style of yaml-language-server's `getLanguageService`). The language server (server/) only adapts LSP messages to
 * these calls; tests call them directly on fixtures. Results are LSP-shaped (vscode-languageserver-types), so the
 * server passes them through.
 *
 * One parse per document version: every feature of a version shares the cached `parseAnalysisText` result.
 * I/O is limited to what the `runInfo` option reads (the run directory, for code lenses and inlay hints).
 */
import type {
  CodeAction,
  CodeLens,
  CompletionList,
  Diagnostic,
  DocumentLink,
  DocumentSymbol,
  FoldingRange,
  Hover,
  InlayHint,
  Location,
  Position,
  Range,
  SymbolInformation,
  TextEdit,
  WorkspaceEdit,
} from 'vscode-languageserver-types';
import { LineIndex, parseAnalysisText, type AnalysisDocument, type ParsedAnalysis } from '../index';
import { doComplete } from './complete';
import { doHover } from './hover';
import { findDefinition, findDocumentSymbols, findReferences, doRename, prepareRename, documentEntries, type EntrySection } from './navigate';
import { getCodeActions, getCodeLenses, findDocumentLinks, getFoldingRanges, getInlayHints, getSemanticTokens, SEMANTIC_TOKEN_TYPES, SEMANTIC_TOKEN_MODIFIERS } from './decorate';
import type { RunInfo } from './run-info';

export type { RunInfo, StageRun } from './run-info';
export { SEMANTIC_TOKEN_TYPES, SEMANTIC_TOKEN_MODIFIERS };
export { cursorContext, type CursorContext } from './context';

/** A document as the service sees it: the LSP TextDocument shape (uri, version, text). */
export interface ServiceDocument {
  uri: string;
  version: number;
  getText(): string;
}

export interface LanguageServiceOptions {
  /** Last results of the run directory of an analysis (`.hml/<stem>/`), for code lenses and inlay hints. */
  runInfo?: (uri: string) => RunInfo | undefined;
  /** Resolves a path written in the file (cards, files, models) to a URI, or undefined when it does not exist. */
  resolvePath?: (fromUri: string, path: string) => string | undefined;
  /** Command id of the `Run` code lens (the extension registers it). */
  runCommand?: string;
  /** Command id of the lens showing a stage's last result (opens the results). */
  showResultCommand?: string;
  /** Whether the client inserts snippets (`${1:name}`); plain text otherwise. Default true. */
  snippetSupport?: boolean;
  /**
   * Let completion use the previous version's parse (schema variants, present keys, names) with the current text
   * for the cursor, instead of parsing the new version first: completion right after a keystroke then costs about a
   * millisecond instead of a full parse of the file. The server sets it; the diagnostics still come from a fresh parse.
   */
  staleCompletion?: boolean;
}

/** One symbol of a workspace index: a sample, dataset or method of some analysis file. */
export interface WorkspaceEntry {
  name: string;
  section: EntrySection;
  uri: string;
  range: Range;
  detail?: string;
}

export interface SemanticTokensResult {
  /** LSP relative encoding: deltaLine, deltaStart, length, tokenType, tokenModifiers for each token. */
  data: number[];
}

export interface LanguageService {
  /** The parsed document of this version (cached). */
  parse(doc: ServiceDocument): ParsedAnalysis;
  doValidation(doc: ServiceDocument): Diagnostic[];
  doComplete(doc: ServiceDocument, position: Position): CompletionList;
  doHover(doc: ServiceDocument, position: Position): Hover | null;
  findDefinition(doc: ServiceDocument, position: Position): Location[];
  findReferences(doc: ServiceDocument, position: Position, includeDeclaration: boolean): Location[];
  prepareRename(doc: ServiceDocument, position: Position): { range: Range; placeholder: string } | null;
  doRename(doc: ServiceDocument, position: Position, newName: string): WorkspaceEdit | null;
  findDocumentSymbols(doc: ServiceDocument): DocumentSymbol[];
  getSemanticTokens(doc: ServiceDocument): SemanticTokensResult;
  getCodeActions(doc: ServiceDocument, range: Range): CodeAction[];
  getCodeLenses(doc: ServiceDocument): CodeLens[];
  findDocumentLinks(doc: ServiceDocument): DocumentLink[];
  getFoldingRanges(doc: ServiceDocument): FoldingRange[];
  getInlayHints(doc: ServiceDocument, range: Range): InlayHint[];
  /** Samples, datasets and methods of a document, for a workspace index. */
  indexEntries(doc: ServiceDocument): WorkspaceEntry[];
  /** Workspace symbols matching `query` (case-insensitive subsequence) among `entries`. */
  findWorkspaceSymbols(entries: Iterable<WorkspaceEntry>, query: string): SymbolInformation[];
  /** Forget a closed document. */
  forget(uri: string): void;
}

/** Everything a feature needs about one document version. */
export interface ServiceContext {
  parsed: ParsedAnalysis;
  doc: AnalysisDocument;
  /** The current text and its line index (the same as the parse's, except for a stale completion context). */
  text: string;
  lines: LineIndex;
  uri: string;
  options: LanguageServiceOptions;
}

export type { TextEdit };

export function getLanguageService(options: LanguageServiceOptions = {}): LanguageService {
  // Keyed by uri; a new version or text replaces the entry (only the latest version is ever asked about).
  const cache = new Map<string, { version: number; text: string; parsed: ParsedAnalysis }>();
  const parse = (d: ServiceDocument): ParsedAnalysis => {
    const text = d.getText();
    const hit = cache.get(d.uri);
    if (hit && hit.version === d.version && hit.text === text) return hit.parsed;
    // The previous version's document is handed over for an incremental parse (and is not used afterwards).
    const parsed = parseAnalysisText(text, d.uri, hit?.parsed.document);
    cache.set(d.uri, { version: d.version, text, parsed });
    return parsed;
  };
  const ctx = (d: ServiceDocument): ServiceContext => {
    const parsed = parse(d);
    return { parsed, doc: parsed.document, text: parsed.document.text, lines: parsed.document.lines, uri: d.uri, options };
  };
  const completionCtx = (d: ServiceDocument): ServiceContext => {
    const hit = cache.get(d.uri);
    if (!options.staleCompletion || !hit) return ctx(d);
    const text = d.getText();
    if (hit.version === d.version && hit.text === text) return ctx(d);
    return { parsed: hit.parsed, doc: hit.parsed.document, text, lines: new LineIndex(text), uri: d.uri, options };
  };
  return {
    parse,
    doValidation: (d) => parse(d).diagnostics as Diagnostic[],
    doComplete: (d, p) => doComplete(completionCtx(d), p),
    doHover: (d, p) => doHover(ctx(d), p),
    findDefinition: (d, p) => findDefinition(ctx(d), p),
    findReferences: (d, p, inc) => findReferences(ctx(d), p, inc),
    prepareRename: (d, p) => prepareRename(ctx(d), p),
    doRename: (d, p, n) => doRename(ctx(d), p, n),
    findDocumentSymbols: (d) => findDocumentSymbols(ctx(d)),
    getSemanticTokens: (d) => getSemanticTokens(ctx(d)),
    getCodeActions: (d, r) => getCodeActions(ctx(d), r),
    getCodeLenses: (d) => getCodeLenses(ctx(d)),
    findDocumentLinks: (d) => findDocumentLinks(ctx(d)),
    getFoldingRanges: (d) => getFoldingRanges(ctx(d)),
    getInlayHints: (d, r) => getInlayHints(ctx(d), r),
    indexEntries: (d) => {
      const c = ctx(d);
      return documentEntries(c).map((e) => ({ name: e.name, section: e.section, uri: d.uri, range: c.doc.lines.range(e.keyStart, e.keyEnd), detail: e.detail }));
    },
    findWorkspaceSymbols: (entries, query) => workspaceSymbols(entries, query),
    forget: (uri) => void cache.delete(uri),
  };
}

const SECTION_KIND: Record<EntrySection, number> = { samples: 5 /* Class */, datasets: 23 /* Struct */, methods: 6 /* Method */, reconstruction: 13 /* Variable */ };

function subsequence(query: string, name: string): boolean {
  let i = 0;
  for (let j = 0; j < name.length && i < query.length; j++) if (name[j] === query[i]) i++;
  return i === query.length;
}

function workspaceSymbols(entries: Iterable<WorkspaceEntry>, query: string): SymbolInformation[] {
  const q = query.toLowerCase();
  const out: SymbolInformation[] = [];
  for (const e of entries) {
    if (q && !subsequence(q, e.name.toLowerCase())) continue;
    out.push({ name: e.name, kind: SECTION_KIND[e.section] as SymbolInformation['kind'], location: { uri: e.uri, range: e.range }, containerName: e.section });
    if (out.length >= 500) break;
  }
  return out;
}
