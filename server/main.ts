/**
 * The HEP ML Lab language server: thin LSP wiring over the language service (core/analysis/service). Handlers only
 * adapt LSP requests to service calls; a failing handler answers empty instead of taking the server down.
 *
 *   hml-language-server --stdio       any LSP client (Neovim, Emacs, Helix …)
 *   hml-language-server --node-ipc    the VS Code client (vscode-languageclient adds the flag itself)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  createConnection,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { getLanguageService, SEMANTIC_TOKEN_MODIFIERS, SEMANTIC_TOKEN_TYPES, type LanguageServiceOptions, type WorkspaceEntry } from '../core/analysis/service/index';
import { createRunInfoReader, resolveAnalysisPath } from '../core/analysis/service/run-info';
import { warmUp } from './warmup';
import {
  AnalysisStateNotification,
  Commands,
  DIAGNOSTICS_DEBOUNCE_MS,
  RunDirectoryChangedNotification,
  SERVER_NAME,
  StagesRequest,
  type AnalysisStateParams,
  type RunDirectoryChangedParams,
  type StagesParams,
  type StagesResult,
} from '../protocol/lsp';

const connection = createConnection(ProposedFeatures.all);
const documents = new TextDocuments(TextDocument);
const options: LanguageServiceOptions = {
  runInfo: createRunInfoReader(),
  resolvePath: resolveAnalysisPath,
  runCommand: Commands.runStage,
  showResultCommand: Commands.showResults,
  staleCompletion: true,
};
const service = getLanguageService(options);
let workspaceRoots: string[] = [];
let canRefreshLenses = false;
let canRefreshHints = false;

/** Runs a handler; an exception is logged and answered with `fallback` so the client never waits forever. */
function safe<T>(what: string, fallback: T, f: () => T): T {
  try {
    return f();
  } catch (e) {
    connection.console.error(`${what} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    return fallback;
  }
}

process.on('uncaughtException', (e) => connection.console.error(`uncaught: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`));

connection.onInitialize((params: InitializeParams): InitializeResult => {
  options.snippetSupport = params.capabilities.textDocument?.completion?.completionItem?.snippetSupport === true;
  canRefreshLenses = params.capabilities.workspace?.codeLens?.refreshSupport === true;
  canRefreshHints = params.capabilities.workspace?.inlayHint?.refreshSupport === true;
  const folders = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
  workspaceRoots = folders.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      completionProvider: { triggerCharacters: ['.', ':', ' ', '[', ',', '-'], resolveProvider: false },
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      renameProvider: { prepareProvider: true },
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      codeActionProvider: { codeActionKinds: ['quickfix', 'refactor.rewrite'] },
      codeLensProvider: { resolveProvider: false },
      documentLinkProvider: { resolveProvider: false },
      foldingRangeProvider: true,
      inlayHintProvider: { resolveProvider: false },
      semanticTokensProvider: { legend: { tokenTypes: [...SEMANTIC_TOKEN_TYPES], tokenModifiers: [...SEMANTIC_TOKEN_MODIFIERS] }, full: true, range: false },
    },
    serverInfo: { name: SERVER_NAME, version: '0.1.0' },
  };
});

connection.onInitialized(() => {
  // Its own uri, forgotten at the end, so the warm-up never shows up in a client's view.
  warmUp((text, i) => safe('warm-up', undefined, () => service.parse({ uri: 'hml-warmup:/warmup.hml.yaml', version: i, getText: () => text })));
  setTimeout(() => service.forget('hml-warmup:/warmup.hml.yaml'), 5000).unref();
});

// ------------------------------------------------------------------ diagnostics, debounced per document

const timers = new Map<string, NodeJS.Timeout>();

function validate(uri: string): void {
  const doc = documents.get(uri);
  if (!doc) return;
  safe('validation', undefined, () => {
    const t0 = performance.now();
    const parsed = service.parse(doc);
    const ms = performance.now() - t0;
    void connection.sendDiagnostics({ uri, version: doc.version, diagnostics: service.doValidation(doc) });
    const entries = service.indexEntries(doc);
    const names = (s: WorkspaceEntry['section']) => entries.filter((e) => e.section === s).map((e) => e.name);
    const state: AnalysisStateParams = {
      uri,
      version: doc.version,
      errors: parsed.diagnostics.filter((d) => d.severity === 1).length,
      warnings: parsed.diagnostics.filter((d) => d.severity === 2).length,
      samples: names('samples'),
      datasets: names('datasets'),
      methods: names('methods'),
      stages: stagesOf(entries),
      validationMs: Math.round(ms * 10) / 10,
    };
    void connection.sendNotification(AnalysisStateNotification, state);
  });
}

function stagesOf(entries: WorkspaceEntry[]): string[] {
  const pre: Record<string, string> = { samples: 'generate', datasets: 'dataset', methods: 'train' };
  return [...entries.filter((e) => pre[e.section]).map((e) => `${pre[e.section]}:${e.name}`), 'evaluate'];
}

function schedule(uri: string): void {
  clearTimeout(timers.get(uri));
  timers.set(uri, setTimeout(() => {
    timers.delete(uri);
    validate(uri);
  }, DIAGNOSTICS_DEBOUNCE_MS));
}

documents.onDidOpen((e) => validate(e.document.uri));
documents.onDidChangeContent((e) => schedule(e.document.uri));
documents.onDidClose((e) => {
  clearTimeout(timers.get(e.document.uri));
  timers.delete(e.document.uri);
  service.forget(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
});

// ------------------------------------------------------------------ requests: each one a service call

const withDoc = <T>(uri: string, what: string, fallback: T, f: (d: TextDocument) => T): T => {
  const d = documents.get(uri);
  return d ? safe(what, fallback, () => f(d)) : fallback;
};

connection.onCompletion((p) => withDoc(p.textDocument.uri, 'completion', { isIncomplete: false, items: [] }, (d) => service.doComplete(d, p.position)));
connection.onHover((p) => withDoc(p.textDocument.uri, 'hover', null, (d) => service.doHover(d, p.position)));
connection.onDefinition((p) => withDoc(p.textDocument.uri, 'definition', [], (d) => service.findDefinition(d, p.position)));
connection.onReferences((p) => withDoc(p.textDocument.uri, 'references', [], (d) => service.findReferences(d, p.position, p.context.includeDeclaration)));
connection.onPrepareRename((p) => withDoc(p.textDocument.uri, 'prepareRename', null, (d) => service.prepareRename(d, p.position)));
connection.onRenameRequest((p) => withDoc(p.textDocument.uri, 'rename', null, (d) => service.doRename(d, p.position, p.newName)));
connection.onDocumentSymbol((p) => withDoc(p.textDocument.uri, 'documentSymbol', [], (d) => service.findDocumentSymbols(d)));
connection.onCodeAction((p) => withDoc(p.textDocument.uri, 'codeAction', [], (d) => service.getCodeActions(d, p.range)));
connection.onCodeLens((p) => withDoc(p.textDocument.uri, 'codeLens', [], (d) => service.getCodeLenses(d)));
connection.onDocumentLinks((p) => withDoc(p.textDocument.uri, 'documentLink', [], (d) => service.findDocumentLinks(d)));
connection.onFoldingRanges((p) => withDoc(p.textDocument.uri, 'foldingRange', [], (d) => service.getFoldingRanges(d)));
connection.languages.semanticTokens.on((p) => withDoc(p.textDocument.uri, 'semanticTokens', { data: [] }, (d) => service.getSemanticTokens(d)));
connection.languages.inlayHint.on((p) => withDoc(p.textDocument.uri, 'inlayHint', [], (d) => service.getInlayHints(d, p.range)));
connection.onRequest(StagesRequest, (p: StagesParams): StagesResult => withDoc(p.uri, 'stages', { stages: [] }, (d) => ({ stages: stagesOf(service.indexEntries(d)) })));
connection.onNotification(RunDirectoryChangedNotification, (_p: RunDirectoryChangedParams) => {
  if (canRefreshLenses) void connection.sendRequest('workspace/codeLens/refresh').catch(() => undefined);
  if (canRefreshHints) void connection.sendRequest('workspace/inlayHint/refresh').catch(() => undefined);
});

// ------------------------------------------------------------------ workspace symbols: open documents + files on disk

const MAX_FILES = 2000;
const SKIP_DIRS = new Set(['node_modules', '.git', '.hml', 'dist', 'out', '.cache']);
const diskIndex = new Map<string, { mtime: number; entries: WorkspaceEntry[] }>();

function analysisFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, depth: number): void => {
    if (depth > 8 || out.length >= MAX_FILES) return;
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      if (out.length >= MAX_FILES) return;
      if (SKIP_DIRS.has(n)) continue;
      const p = join(dir, n);
      if (/\.hml\.ya?ml$/i.test(n)) out.push(p);
      else if (!n.includes('.')) {
        try {
          if (statSync(p).isDirectory()) walk(p, depth + 1);
        } catch {
          /* unreadable: skip */
        }
      }
    }
  };
  walk(root, 0);
  return out;
}

connection.onWorkspaceSymbol((p) =>
  safe('workspaceSymbol', [], () => {
    const entries: WorkspaceEntry[] = [];
    const open = new Set(documents.all().map((d) => d.uri));
    for (const d of documents.all()) entries.push(...service.indexEntries(d));
    for (const root of workspaceRoots) {
      for (const file of analysisFiles(root)) {
        const uri = pathToFileURL(file).href;
        if (open.has(uri)) continue;
        let mtime: number;
        try {
          mtime = statSync(file).mtimeMs;
        } catch {
          continue;
        }
        let hit = diskIndex.get(uri);
        if (!hit || hit.mtime !== mtime) {
          const text = readFileSync(file, 'utf8');
          hit = { mtime, entries: service.indexEntries({ uri, version: mtime, getText: () => text }) };
          service.forget(uri);
          diskIndex.set(uri, hit);
        }
        entries.push(...hit.entries);
      }
    }
    return service.findWorkspaceSymbols(entries, p.query);
  }),
);

documents.listen(connection);
connection.listen();
