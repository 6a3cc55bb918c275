/**
 * Webview panel hosts: results, event display, dataset inspector. Each panel is one instance per analysis (or
 * dataset file), restored after a VS Code restart by a WebviewPanelSerializer (the webview keeps its small
 * state; the host re-reads the data from disk), and fed with typed messages (protocol/webview.ts).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ResultsFile } from '../protocol/results';
import type { DatasetSummaryLike, EventToWebview, LiveEpoch, ResultsToWebview, WebviewToHost } from '../protocol/webview';
import { makeNonce, panelHtml } from '../webviews/shared/html';
import { runCliJson, type CliEnvironment } from './logic/cli';
import { runDirOf } from './logic/reattach';

export type PanelKind = 'results' | 'event-display' | 'dataset';
export const VIEW_TYPES: Record<PanelKind, string> = { results: 'hml.results', 'event-display': 'hml.eventDisplay', dataset: 'hml.dataset' };
const TITLES: Record<PanelKind, string> = { results: 'Results', 'event-display': 'Events', dataset: 'Dataset' };

export interface PanelContext {
  extensionUri: vscode.Uri;
  cli: () => CliEnvironment;
  log: vscode.LogOutputChannel;
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webviews')] };
}

export function setPanelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, kind: PanelKind, title: string): void {
  webview.options = webviewOptions(extensionUri);
  webview.html = panelHtml({
    title,
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webviews', `${kind}.js`)).toString(),
    cspSource: webview.cspSource,
    nonce: makeNonce((n) => randomBytes(n)),
  });
}

/** Per method, the extreme test events recorded by the evaluate stage (undefined when none has them). */
export function extremesOf(results: ResultsFile | null): EventToWebview['extremes'] {
  const out: NonNullable<EventToWebview['extremes']> = {};
  for (const m of results?.methods ?? []) if (m.extremes) out[m.name] = m.extremes;
  return Object.keys(out).length ? out : undefined;
}

export function readResults(analysis: string): ResultsFile | null {
  const p = `${runDirOf(analysis)}/results.json`;
  if (!existsSync(p)) return null;
  try {
    return JSON.parse(readFileSync(p, 'utf8')) as ResultsFile;
  } catch {
    return null;
  }
}

async function savePng(name: string, dataUrl: string): Promise<void> {
  const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(`${name}.png`), filters: { 'PNG image': ['png'] } });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64'));
}

/** One open panel; `key` is the analysis (results, events) or dataset path. */
export class Panel {
  static readonly open = new Map<string, Panel>();
  private live?: { status: 'running' | 'success' | 'failed' | 'cancelled'; summary: string; epochs: LiveEpoch[] };
  private eventsSample?: string;

  private constructor(readonly kind: PanelKind, readonly key: string, readonly panel: vscode.WebviewPanel, private readonly ctx: PanelContext) {
    panel.onDidDispose(() => Panel.open.delete(`${kind}:${key}`));
    panel.webview.onDidReceiveMessage((m: WebviewToHost) => void this.onMessage(m));
    Panel.open.set(`${kind}:${key}`, this);
  }

  static show(kind: PanelKind, key: string, ctx: PanelContext, opts: { sample?: string } = {}): Panel {
    const existing = Panel.open.get(`${kind}:${key}`);
    if (existing) {
      existing.panel.reveal();
      if (opts.sample && opts.sample !== existing.eventsSample) void existing.loadEvents(opts.sample, 0, 20);
      return existing;
    }
    const title = `${TITLES[kind]}: ${key.split(/[\\/]/).pop()}`;
    const panel = vscode.window.createWebviewPanel(VIEW_TYPES[kind], title, vscode.ViewColumn.Beside, webviewOptions(ctx.extensionUri));
    const p = new Panel(kind, key, panel, ctx);
    p.eventsSample = opts.sample;
    setPanelHtml(panel.webview, ctx.extensionUri, kind, title);
    return p;
  }

  /** Revives a panel VS Code restored (the serializer): same key from the webview's saved state. */
  static revive(kind: PanelKind, panel: vscode.WebviewPanel, state: { analysis?: string; path?: string; msg?: { analysis?: string; sample?: string } } | undefined, ctx: PanelContext): void {
    const key = state?.analysis ?? state?.path ?? state?.msg?.analysis;
    if (!key) {
      panel.dispose();
      return;
    }
    const p = new Panel(kind, key, panel, ctx);
    p.eventsSample = state?.msg?.sample;
    setPanelHtml(panel.webview, ctx.extensionUri, kind, panel.title);
  }

  private post(msg: unknown): void {
    void this.panel.webview.postMessage(msg);
  }

  /** Live state of a run of this panel's analysis (results panel: training curves and status). */
  setLive(status: 'running' | 'success' | 'failed' | 'cancelled', summary: string, epochs: LiveEpoch[]): void {
    this.live = { status, summary, epochs };
    this.post({ type: 'live', status, summary, epochs } satisfies ResultsToWebview);
    if (status !== 'running') void this.sendResults();
  }

  async sendResults(): Promise<void> {
    const results = readResults(this.key);
    // draw at once; the feature distributions for the learned cuts follow when their summaries are read
    this.post({ type: 'results', analysis: this.key, results } satisfies ResultsToWebview);
    if (!results?.methods.some((m) => m.cuts?.length)) return;
    const datasets: Record<string, DatasetSummaryLike> = {};
    // the learned cuts are drawn on the feature distributions of their dataset
    for (const m of results?.methods ?? []) {
      if (!m.cuts?.length || datasets[m.dataset]) continue;
      try {
        const status = await runCliJson<{ stages: { stage: string; dir: string }[] }>(this.ctx.cli(), ['status', this.key, '--format', 'json']);
        const dir = status.stages.find((s) => s.stage === `dataset:${m.dataset}`)?.dir;
        if (dir && existsSync(`${dir}/dataset.h5`)) datasets[m.dataset] = await runCliJson<DatasetSummaryLike>(this.ctx.cli(), ['dataset', 'summary', `${dir}/dataset.h5`, '--format', 'json']);
      } catch (e) {
        this.ctx.log.warn(`dataset summary for the cut plots: ${(e as Error).message}`);
      }
    }
    this.post({ type: 'results', analysis: this.key, results, datasets } satisfies ResultsToWebview);
  }

  async loadEvents(sample: string | undefined, from: number, count: number, show?: number): Promise<void> {
    try {
      const r = await runCliJson<{ sample: string; from: number; total: number; events: Record<string, unknown> }>(this.ctx.cli(), ['events', this.key, ...(sample ? ['--sample', sample] : []), '--from', String(from), '--count', String(count), '--units', 'GeV']);
      this.eventsSample = r.sample;
      this.post({ type: 'events', analysis: this.key, sample: r.sample, phoenix: r.events, from: r.from, total: r.total, show, extremes: extremesOf(readResults(this.key)) } satisfies EventToWebview);
    } catch (e) {
      void vscode.window.showErrorMessage(`HML: could not load events: ${(e as Error).message}`);
    }
  }

  async sendDataset(): Promise<void> {
    try {
      const summary = await runCliJson<DatasetSummaryLike>(this.ctx.cli(), ['dataset', 'summary', this.key, '--format', 'json']);
      this.post({ type: 'dataset', path: this.key, summary });
    } catch (e) {
      void vscode.window.showErrorMessage(`HML: could not read the dataset: ${(e as Error).message}`);
    }
  }

  private async onMessage(m: WebviewToHost): Promise<void> {
    switch (m.type) {
      case 'ready':
        if (this.kind === 'results') {
          await this.sendResults();
          if (this.live) this.post({ type: 'live', ...this.live });
        } else if (this.kind === 'event-display') await this.loadEvents(this.eventsSample, 0, 20);
        else await this.sendDataset();
        break;
      case 'save-png':
        await savePng(m.name, m.dataUrl);
        break;
      case 'load-events':
        await this.loadEvents(m.sample, m.from, m.count, m.show);
        break;
      case 'open-event-display':
        Panel.show('event-display', this.key, this.ctx);
        break;
      case 'jump': {
        // the panel normally asks with load-events itself; this answers a bare jump with the first extreme event
        const ex = extremesOf(readResults(this.key))?.[m.method];
        const first = m.which === 'most-signal-like-background' ? ex?.mostSignalLikeBackground[0] : ex?.leastSignalLikeSignal[0];
        if (first) await this.loadEvents(first.sample, first.event, 10, first.event);
        else void vscode.window.showInformationMessage(`HML: no per-event scores for '${m.method}' yet; run the evaluate stage again.`);
        break;
      }
    }
  }
}

export function registerSerializers(ctx: PanelContext): vscode.Disposable[] {
  return (Object.keys(VIEW_TYPES) as PanelKind[]).map((kind) =>
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPES[kind], {
      deserializeWebviewPanel: async (panel, state) => Panel.revive(kind, panel, state as Parameters<typeof Panel.revive>[2], ctx),
    }));
}
