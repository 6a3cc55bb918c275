/**
 * "Inspect with HML": read-only custom editors for event and dataset files. Event files (.root, .lhe(.gz),
 * .hepmc(.gz)) show `hml inspect FILE --format json` as tables; HDF5 datasets open the dataset inspector panel
 * in the editor. Nothing is parsed in the extension host.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { makeNonce } from '../webviews/shared/html';
import { runCli } from './logic/cli';
import { setPanelHtml, type PanelContext } from './panels';
import { runCliJson } from './logic/cli';
import type { DatasetSummaryLike } from '../protocol/webview';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Renders any JSON value as nested tables (keys on the left). */
export function jsonToHtml(v: unknown, depth = 0): string {
  if (v === null || v === undefined) return '<span class="muted">—</span>';
  if (Array.isArray(v)) {
    if (v.length === 0) return '<span class="muted">(none)</span>';
    if (v.every((x) => typeof x !== 'object' || x === null)) return esc(v.slice(0, 50).join(', ') + (v.length > 50 ? ` … (${v.length})` : ''));
    return v.slice(0, 100).map((x) => jsonToHtml(x, depth + 1)).join('<hr>');
  }
  if (typeof v === 'object') {
    const rows = Object.entries(v as Record<string, unknown>).map(([k, x]) => `<tr><th scope="row">${esc(k)}</th><td>${jsonToHtml(x, depth + 1)}</td></tr>`);
    return `<table>${rows.join('')}</table>`;
  }
  return esc(String(v));
}

export class InspectEditorProvider implements vscode.CustomReadonlyEditorProvider {
  constructor(private readonly ctx: PanelContext) {}

  openCustomDocument(uri: vscode.Uri): vscode.CustomDocument {
    return { uri, dispose: () => undefined };
  }

  async resolveCustomEditor(doc: vscode.CustomDocument, panel: vscode.WebviewPanel): Promise<void> {
    const path = doc.uri.fsPath;
    if (/\.h(df)?5$/i.test(path)) {
      setPanelHtml(panel.webview, this.ctx.extensionUri, 'dataset', path);
      panel.webview.onDidReceiveMessage(async (m: { type: string }) => {
        if (m.type !== 'ready') return;
        try {
          const summary = await runCliJson<DatasetSummaryLike>(this.ctx.cli(), ['dataset', 'summary', path, '--format', 'json']);
          void panel.webview.postMessage({ type: 'dataset', path, summary });
        } catch (e) {
          void vscode.window.showErrorMessage(`HML: ${(e as Error).message}`);
        }
      });
      return;
    }
    const nonce = makeNonce((n) => randomBytes(n));
    const page = (body: string): string => `<!DOCTYPE html><html><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${nonce}'">
<style nonce="${nonce}">body{font-family:var(--vscode-font-family);color:var(--vscode-foreground);padding:8px 16px}
table{border-collapse:collapse}th,td{border-bottom:1px solid var(--vscode-panel-border);padding:2px 8px;text-align:left;vertical-align:top}
.muted{color:var(--vscode-descriptionForeground)}</style></head><body>${body}</body></html>`;
    panel.webview.options = { enableScripts: false };
    panel.webview.html = page(`<h1>${esc(path.split(/[\\/]/).pop() ?? path)}</h1><p class="muted">Reading with hml inspect…</p>`);
    const r = await runCli(this.ctx.cli(), ['inspect', path, '--format', 'json']);
    let body: string;
    try {
      const j = JSON.parse(r.stdout) as unknown;
      body = jsonToHtml(j);
    } catch {
      body = `<pre>${esc(r.stderr || r.stdout)}</pre>`;
    }
    panel.webview.html = page(`<h1>${esc(path.split(/[\\/]/).pop() ?? path)}</h1><p class="muted">hml inspect (read-only)</p>${body}`);
  }
}
