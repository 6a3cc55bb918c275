/**
 * Randomised edits on the example files through the real server: insertions, deletions and pasted junk, from a
 * fixed seed (printed on failure; override with HML_FUZZ_SEED), with requests of every kind in between. The server
 * must never crash, never hang and always answer; no handler may fail (they log `… failed:` when one does).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CodeActionRequest,
  CodeLensRequest,
  CompletionRequest,
  DefinitionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentLinkRequest,
  DocumentSymbolRequest,
  FoldingRangeRequest,
  HoverRequest,
  InlayHintRequest,
  LogMessageNotification,
  ReferencesRequest,
  RenameRequest,
  SemanticTokensRequest,
} from 'vscode-languageserver-protocol/node';
import { LineIndex } from '../../core/analysis/index';
import { FastRng } from '../../core/util/random';
import { ROOT, startServer } from './lsp-client';

const SEED = Number(process.env.HML_FUZZ_SEED ?? 20261122);
const EDITS = 3000;
const BUDGET_MS = 12_000;

const JUNK = ['{', '}', '[', ']', ':', ': ', '- ', '\n', '\n  ', '\t', '"', "'", '#', '&a', '*a', '!!str ', '|', '>', ',', '...', '---\n', 'fatjet0.', 'jet0,jet1.delta_r', ' and ', 'veto any ', '((((', '\u00e9\u{1F600}', '\r\n', 'type: cnn', 'dataset: ', 'samples:\n  x:\n    label: ', '0.', '1e999', '-', 'abs(', '<', '@'];

test(`random edits never crash or hang the server (seed ${SEED})`, { timeout: 60_000 }, async (t) => {
  const client = await startServer();
  const errors: string[] = [];
  client.conn.onNotification(LogMessageNotification.type, (p) => {
    if (p.type === 1 || /failed:|uncaught/.test(p.message)) errors.push(p.message);
  });
  const rng = new FastRng(SEED);
  const files = readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.hml.yaml')).sort();
  const t0 = Date.now();
  let done = 0;
  let requests = 0;
  try {
    for (const [fi, f] of files.entries()) {
      const uri = `file:///fuzz/${f}`;
      let text = readFileSync(join(ROOT, 'examples', f), 'utf8');
      let version = 1;
      await client.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'hml', version, text } });
      const perFile = Math.floor(EDITS / files.length);
      for (let i = 0; i < perFile && Date.now() - t0 < BUDGET_MS; i++, done++) {
        const lines = new LineIndex(text);
        const a = rng.int(text.length + 1);
        const kind = rng.int(4);
        let b = a;
        let insert = '';
        if (kind === 0) b = Math.min(text.length, a + 1 + rng.int(12)); // deletion
        else if (kind === 1) insert = JUNK[rng.int(JUNK.length)]; // pasted junk
        else if (kind === 2) {
          // a slice of the file itself pasted elsewhere (duplicate keys, wrong indentation)
          const s = rng.int(Math.max(1, text.length));
          insert = text.slice(s, s + rng.int(60));
        } else {
          b = Math.min(text.length, a + rng.int(4));
          insert = String.fromCharCode(32 + rng.int(95));
        }
        // Keep texts from drifting to nothing or to megabytes.
        if (text.length > 20_000) b = Math.min(text.length, a + 200);
        const range = { start: lines.positionAt(a), end: lines.positionAt(b) };
        text = text.slice(0, a) + insert + text.slice(b);
        version++;
        await client.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ range, text: insert }] });
        if (i % 8 !== 0) continue;
        const L = new LineIndex(text);
        const position = L.positionAt(rng.int(text.length + 1));
        const td = { uri };
        const all = { start: { line: 0, character: 0 }, end: L.positionAt(text.length) };
        const which = rng.int(12);
        const req = [
          () => client.conn.sendRequest(CompletionRequest.type, { textDocument: td, position }),
          () => client.conn.sendRequest(HoverRequest.type, { textDocument: td, position }),
          () => client.conn.sendRequest(DefinitionRequest.type, { textDocument: td, position }),
          () => client.conn.sendRequest(ReferencesRequest.type, { textDocument: td, position, context: { includeDeclaration: true } }),
          () => client.conn.sendRequest(RenameRequest.type, { textDocument: td, position, newName: 'renamed' }),
          () => client.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: td }),
          () => client.conn.sendRequest(SemanticTokensRequest.type, { textDocument: td }),
          () => client.conn.sendRequest(CodeActionRequest.type, { textDocument: td, range: { start: position, end: position }, context: { diagnostics: [] } }),
          () => client.conn.sendRequest(CodeLensRequest.type, { textDocument: td }),
          () => client.conn.sendRequest(FoldingRangeRequest.type, { textDocument: td }),
          () => client.conn.sendRequest(InlayHintRequest.type, { textDocument: td, range: all }),
          () => client.conn.sendRequest(DocumentLinkRequest.type, { textDocument: td }),
        ][which];
        const answered = await Promise.race([req().then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 5000).unref())]);
        requests++;
        assert.ok(answered, `request ${which} at edit ${i} of ${f} (file ${fi}) got no answer within 5 s; seed ${SEED}`);
        assert.equal(client.child.exitCode, null, `server exited at edit ${i} of ${f}; seed ${SEED}; stderr ${client.stderr().slice(-500)}`);
      }
      // After the burst, the last version still gets its diagnostics.
      const last = await client.nextDiagnostics(uri, version, 5000);
      assert.equal(last.version, version);
    }
    t.diagnostic(`${done} edits, ${requests} requests in ${Date.now() - t0} ms`);
    assert.ok(done >= 500, `only ${done} edits in the time budget`);
    assert.deepEqual(errors, [], `handler failures (seed ${SEED}): ${errors.join('\n')}`);
  } catch (e) {
    console.error(`random-edit test failed with seed ${SEED} (rerun with HML_FUZZ_SEED=${SEED}) after ${done} edits and ${requests} requests`);
    throw e;
  } finally {
    await client.close();
  }
});
