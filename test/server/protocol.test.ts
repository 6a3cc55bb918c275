/**
 * Protocol tests: the real built server (dist/server.cjs) over stdio, spoken to with LSP messages.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  DefinitionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentSymbolRequest,
  HoverRequest,
  ReferencesRequest,
  RenameRequest,
  SemanticTokensRequest,
  WorkspaceSymbolRequest,
  type CompletionItem,
  type CompletionList,
  type Diagnostic,
  type MarkupContent,
} from 'vscode-languageserver-protocol/node';
import { LineIndex } from '../../core/analysis/index';
import { ROOT, SERVER, startServer, waitExit, type TestClient } from './lsp-client';

const dir = mkdtempSync(join(tmpdir(), 'hml-lsp-'));
const exampleText = readFileSync(join(ROOT, 'examples', 'wjets-vs-qcd.hml.yaml'), 'utf8');
const exampleUri = pathToFileURL(join(dir, 'wjets.hml.yaml')).href;
let client: TestClient;

const pos = (text: string, needle: string, delta = 0) => new LineIndex(text).positionAt(text.indexOf(needle) + delta);

before(async () => {
  writeFileSync(join(dir, 'other.hml.yaml'), exampleText.replace('  wjets:', '  wprime:'));
  client = await startServer(pathToFileURL(dir).href);
});
after(async () => {
  await client.close();
});

test('didOpen of a clean example publishes no errors', async () => {
  const got = client.nextDiagnostics(exampleUri, 1);
  await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: exampleUri, languageId: 'hml', version: 1, text: exampleText } });
  const p = await got;
  assert.deepEqual(p.diagnostics.filter((d) => d.severity === 1), []);
});

test('diagnostics equal what hml validate --format json prints (messages, ranges, codes)', async () => {
  const text = 'hml: 1\nsamples:\n  a: { label: signal, generator: { engine: builtin, process: w-jets } }\n  b: { label: bckground, generator: { engine: builtin, process: qcd-jets } }\ndatasets:\n  d: { type: set, observables: [fatjet0.tua21], split: { train: 0.7, test: 0.4 } }\n';
  const file = join(dir, 'bad.hml.yaml');
  writeFileSync(file, text);
  const uri = pathToFileURL(file).href;
  const got = client.nextDiagnostics(uri, 1);
  await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'hml', version: 1, text } });
  const p = await got;
  const cli = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'cli', 'main.ts'), 'validate', '--format', 'json', file], { cwd: ROOT, encoding: 'utf8' });
  const expected = JSON.parse(cli.stdout) as (Diagnostic & { file: string })[];
  assert.ok(expected.length >= 3, cli.stdout + cli.stderr);
  const strip = (d: Diagnostic) => ({ range: d.range, severity: d.severity, code: d.code, message: d.message });
  assert.deepEqual(p.diagnostics.map(strip), expected.map(strip));
  assert.ok(p.diagnostics.some((d) => d.code === 'bad-label'));

  // The quick fix of the misspelt label comes back as a code action.
  const bad = p.diagnostics.find((d) => d.code === 'bad-label')!;
  const actions = (await client.conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: bad.range, context: { diagnostics: [bad] } })) ?? [];
  const fix = actions.find((a) => 'edit' in a && a.title.includes('background'));
  assert.ok(fix && 'edit' in fix && fix.edit?.changes?.[uri]?.[0].newText === 'background', JSON.stringify(actions));
});

test('an incremental didChange re-validates (debounced) with the new version', async () => {
  const at = pos(exampleText, 'process: w-jets', 'process: '.length);
  const got = client.nextDiagnostics(exampleUri, 3);
  // Two changes in a burst: only the last version needs diagnostics.
  await client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: exampleUri, version: 2 }, contentChanges: [{ range: { start: at, end: { line: at.line, character: at.character + 6 } }, text: 'w-jest' }] });
  await client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: exampleUri, version: 3 }, contentChanges: [{ range: { start: at, end: { line: at.line, character: at.character + 6 } }, text: 'w-jetz' }] });
  const p = await got;
  const d = p.diagnostics.find((x) => x.code === 'bad-enum');
  assert.ok(d, JSON.stringify(p.diagnostics));
  assert.deepEqual(d.range.start, at);
  // Back to the valid text.
  const ok = client.nextDiagnostics(exampleUri, 4);
  await client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: exampleUri, version: 4 }, contentChanges: [{ text: exampleText }] });
  assert.equal((await ok).diagnostics.filter((x) => x.severity === 1).length, 0);
});

test('completion after fatjet0. offers what a fat jet has; keys and enum values complete', async () => {
  const at = pos(exampleText, 'fatjet0.tau21', 'fatjet0.'.length);
  const r = (await client.conn.sendRequest(CompletionRequest.type, { textDocument: { uri: exampleUri }, position: at })) as CompletionList | CompletionItem[];
  const labels = (Array.isArray(r) ? r : r.items).map((i) => i.label);
  for (const l of ['tau21', 'mass', 'd2', 'constituents', 'subjets']) assert.ok(labels.includes(l), `${l} in ${labels.join(',')}`);
  assert.ok(!labels.includes('b_tag') || labels.includes('tau32'));
  const p2 = pos(exampleText, 'process: qcd-jets', 'process: '.length);
  const r2 = (await client.conn.sendRequest(CompletionRequest.type, { textDocument: { uri: exampleUri }, position: p2 })) as CompletionList;
  assert.deepEqual(r2.items.map((i) => i.label).sort(), ['higgs-bb', 'qcd-jets', 'top-jets', 'w-jets', 'z-jets']);
});

test('hover on an observable shows its formula and unit', async () => {
  const at = pos(exampleText, 'fatjet0.tau21', 'fatjet0.ta'.length);
  const h = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri: exampleUri }, position: at });
  const v = (h!.contents as MarkupContent).value;
  assert.match(v, /tau21/);
  assert.match(v, /\\tau_2 \/ \\tau_1|τ2\/τ1|tau_\{21\}/);
  const h2 = await client.conn.sendRequest(HoverRequest.type, { textDocument: { uri: exampleUri }, position: pos(exampleText, 'min_pt: 20', 2) });
  assert.match((h2!.contents as MarkupContent).value, /GeV/);
});

test('definition, references and rename of a dataset name', async () => {
  const ref = pos(exampleText, 'dataset: features, topology', 'dataset: f'.length);
  const defs = await client.conn.sendRequest(DefinitionRequest.type, { textDocument: { uri: exampleUri }, position: ref });
  const list = Array.isArray(defs) ? defs : [defs];
  assert.equal(list.length, 1);
  const key = pos(exampleText, '  features:\n', 2);
  assert.deepEqual((list[0] as { range: { start: unknown } }).range.start, key);
  const refs = await client.conn.sendRequest(ReferencesRequest.type, { textDocument: { uri: exampleUri }, position: ref, context: { includeDeclaration: true } });
  assert.equal(refs!.length, 4); // the key + cuts, bdt, mlp
  const edit = await client.conn.sendRequest(RenameRequest.type, { textDocument: { uri: exampleUri }, position: ref, newName: 'table' });
  const edits = edit!.changes![exampleUri];
  assert.equal(edits.length, 4);
  assert.ok(edits.every((e) => e.newText === 'table'));
});

test('symbols, semantic tokens, code lenses and workspace symbols answer', async () => {
  const syms = await client.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: exampleUri } });
  const names = (syms as { name: string; children?: { name: string }[] }[]).flatMap((s) => [s.name, ...(s.children ?? []).map((c) => c.name)]);
  for (const n of ['samples', 'wjets', 'qcd', 'features', 'images', 'bdt', 'cnn']) assert.ok(names.includes(n), n);
  const toks = await client.conn.sendRequest(SemanticTokensRequest.type, { textDocument: { uri: exampleUri } });
  assert.ok(toks!.data.length > 20 && toks!.data.length % 5 === 0);
  const lenses = await client.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: exampleUri } });
  const runs = lenses!.filter((l) => l.command?.command === 'hml.runStage').map((l) => l.command!.arguments?.[1]);
  for (const s of ['generate:wjets', 'dataset:images', 'train:bdt']) assert.ok(runs.includes(s), s);
  const ws = await client.conn.sendRequest(WorkspaceSymbolRequest.type, { query: 'wpri' });
  assert.ok((ws as { name: string }[]).some((s) => s.name === 'wprime'), JSON.stringify(ws));
});

test('--node-ipc (the VS Code client transport) initialises and publishes diagnostics', async () => {
  const { fork } = await import('node:child_process');
  const { createProtocolConnection, IPCMessageReader, IPCMessageWriter, InitializeRequest, InitializedNotification, PublishDiagnosticsNotification, ShutdownRequest, ExitNotification } = await import('vscode-languageserver-protocol/node');
  const child = fork(SERVER, ['--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  const conn = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  const diags = new Promise<Diagnostic[]>((r) => conn.onNotification(PublishDiagnosticsNotification.type, (p) => r(p.diagnostics)));
  conn.listen();
  try {
    const init = await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: {} });
    assert.equal(init.serverInfo?.name, 'hml-language-server');
    await conn.sendNotification(InitializedNotification.type, {});
    await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: 'file:///ipc/a.hml.yaml', languageId: 'hml', version: 1, text: 'hml: 2\n' } });
    const d = await diags;
    assert.ok(d.some((x) => x.code === 'bad-version'), JSON.stringify(d));
    await conn.sendRequest(ShutdownRequest.type);
    await conn.sendNotification(ExitNotification.type);
  } finally {
    conn.dispose();
    await waitExit(child);
  }
});
