/**
 * The "Analysis" tree view: samples, datasets and methods of the current analysis file with their state
 * (extension/logic/tree.ts builds the nodes; this adapts them to TreeItems).
 */
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { AnalysisStateParams } from '../protocol/lsp';
import type { ResultsFile } from '../protocol/results';
import { runCliJson, type CliEnvironment, type RunHandle } from './logic/cli';
import { runDirOf } from './logic/reattach';
import { buildTree, type StatusJson, type TreeNode } from './logic/tree';

const ICONS: Record<string, [string, string | undefined]> = {
  'up-to-date': ['pass', 'testing.iconPassed'],
  stale: ['circle-large-outline', 'list.warningForeground'],
  running: ['sync~spin', undefined],
  failed: ['error', 'testing.iconFailed'],
  unknown: ['circle-outline', undefined],
};

export class AnalysisTree implements vscode.TreeDataProvider<TreeNode> {
  analysis?: string;
  private readonly changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private status?: StatusJson;
  private statusFor?: string;
  private pending?: ReturnType<typeof setTimeout>;

  constructor(private readonly cli: () => CliEnvironment, private readonly names: Map<string, AnalysisStateParams>, private readonly runs: Map<string, RunHandle>, private readonly log: vscode.LogOutputChannel) {}

  /** Debounced: a run refreshes it every 500 ms, `hml status` costs a process start. */
  refresh(): void {
    if (this.pending) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.reload();
    }, 300);
  }

  private async reload(): Promise<void> {
    const a = this.analysis;
    if (!a) return;
    try {
      // while a run goes the live state wins; status is re-read when it ends
      if (!this.runs.has(a) || this.statusFor !== a) {
        this.status = await runCliJson<StatusJson>(this.cli(), ['status', a, '--format', 'json']);
        this.statusFor = a;
      }
    } catch (e) {
      this.log.debug(`hml status: ${(e as Error).message}`);
      this.status = undefined;
    }
    this.changed.fire(undefined);
  }

  getChildren(node?: TreeNode): TreeNode[] {
    if (node) return node.children ?? [];
    const a = this.analysis;
    if (!a) return [];
    let results: ResultsFile | undefined;
    const rj = `${runDirOf(a)}/results.json`;
    if (existsSync(rj)) {
      try {
        results = JSON.parse(readFileSync(rj, 'utf8')) as ResultsFile;
      } catch {
        results = undefined;
      }
    }
    const n = this.names.get(a);
    return buildTree({ names: n, status: this.statusFor === a ? this.status : undefined, results, live: this.runs.get(a)?.tail.state });
  }

  getTreeItem(n: TreeNode): vscode.TreeItem {
    const item = new vscode.TreeItem(n.label, n.children ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = n.id;
    item.description = n.description;
    item.tooltip = n.tooltip;
    if (n.kind !== 'group') {
      const [icon, colour] = ICONS[n.state ?? 'unknown'];
      item.iconPath = new vscode.ThemeIcon(icon, colour ? new vscode.ThemeColor(colour) : undefined);
      item.contextValue = `stage.${n.kind}`;
      // arguments the view/item commands receive
      Object.assign(n, { analysis: this.analysis });
      if (n.kind === 'method') item.command = { command: 'hml.showResults', title: 'Open Results', arguments: [this.analysis] };
    }
    return item;
  }
}
