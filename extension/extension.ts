/**
 * The VS Code client: the language server over IPC, the run commands (every run is the `hml` CLI in a detached
 * child process, re-attached after a window reload through the run directory's progress file), a Task
 * provider, the analysis tree, status bar, notifications with Cancel, the results / event / dataset panels,
 * "Inspect with HML" read-only editors, templates and the run history. Restricted Mode runs nothing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';
import { AnalysisStateNotification, Commands, RunDirectoryChangedNotification, type AnalysisStateParams } from '../protocol/lsp';
import { runCli, runCliJson, startRun, watchRun, type CliEnvironment, type RunHandle } from './logic/cli';
import { compareEntries, comparisonMarkdown, entryFrom, RunHistory } from './logic/history';
import { liveRun, ProgressTail, runDirOf } from './logic/reattach';
import { isHmlTaskDefinition, taskArgs, taskLabel, tasksFor, type HmlTaskDefinition } from './logic/tasks';
import { AnalysisTree } from './tree';
import { Panel, registerSerializers, setPanelHtml, type PanelContext } from './panels';
import { InspectEditorProvider } from './inspect';

const started = performance.now();

export interface HmlExtensionApi {
  /** Milliseconds from the module's evaluation to the end of activate() (the e2e test reads it). */
  activationMs: number;
  client: LanguageClient;
  runs: Map<string, RunHandle>;
  /** Resolves when the run of `analysis` (if any) ends. */
  waitForRun(analysis: string): Promise<string | undefined>;
}

let client: LanguageClient | undefined;
const runs = new Map<string, RunHandle>();

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration('hml');
}

export function activate(context: vscode.ExtensionContext): HmlExtensionApi {
  const log = vscode.window.createOutputChannel('HEP ML Lab', { log: true });
  const cli = (): CliEnvironment => ({
    cliPath: context.asAbsolutePath('dist/cli.mjs'),
    madgraph5Executable: config().get<string>('madgraph5.executable') || undefined,
    trainingBackend: config().get<string>('training.backend'),
    workers: config().get<number>('workers') ?? 0,
  });
  const history = new RunHistory(context.workspaceState, config().get<number>('history.size') ?? 20);
  const panelCtx: PanelContext = { extensionUri: context.extensionUri, cli, log };
  const names = new Map<string, AnalysisStateParams>();
  const tree = new AnalysisTree(cli, names, runs, log);
  const status = vscode.window.createStatusBarItem('hml.run', vscode.StatusBarAlignment.Left, 50);
  status.name = 'HEP ML Lab run';
  context.subscriptions.push(log, status, vscode.window.registerTreeDataProvider('hml.analysis', tree));

  // ---- language server (IPC) ----
  const module = context.asAbsolutePath('dist/server.cjs');
  const serverOptions: ServerOptions = { run: { module, transport: TransportKind.ipc }, debug: { module, transport: TransportKind.ipc } };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ language: 'hml' }],
    outputChannel: log,
    middleware: {
      // Restricted Mode: no run lenses (the server does not know about trust)
      provideCodeLenses: (doc, token, next) => (vscode.workspace.isTrusted ? next(doc, token) : []),
    },
  };
  client = new LanguageClient('hml', 'HEP ML Lab language server', serverOptions, clientOptions);
  // started right after activate() returns: spawning the server process is not on the activation path
  setImmediate(() => {
    void client!.start().then(() => {
      context.subscriptions.push(client!.onNotification(AnalysisStateNotification, (p: AnalysisStateParams) => {
        names.set(vscode.Uri.parse(p.uri).fsPath, p);
        tree.refresh();
      }));
    }, (e: unknown) => log.error(`language server failed to start: ${String(e)}`));
  });

  // ---- runs ----
  const analysisOf = (arg?: unknown): string | undefined => {
    if (typeof arg === 'string') return arg.startsWith('file:') ? vscode.Uri.parse(arg).fsPath : arg;
    if (arg instanceof vscode.Uri) return arg.fsPath;
    const ed = vscode.window.activeTextEditor?.document;
    if (ed && ed.languageId === 'hml') return ed.uri.fsPath;
    return tree.analysis;
  };
  const updateContext = (): void => void vscode.commands.executeCommand('setContext', 'hml.running', runs.size > 0);

  const follow = (h: RunHandle, title: string): Promise<string | undefined> => {
    runs.set(h.analysis, h);
    updateContext();
    tree.analysis = h.analysis;
    status.text = `$(sync~spin) HML: ${title}`;
    status.command = 'hml.cancel';
    status.tooltip = 'HEP ML Lab run: click to cancel';
    status.show();
    const done = vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `HML: ${title}`, cancellable: true }, async (progress, token) => {
      token.onCancellationRequested(() => h.cancel());
      let last = 0;
      const onUpdate = (): void => {
        const st = h.tail.state;
        const stages = [...st.stages.values()];
        const frac = stages.length ? stages.filter((s) => s.state === 'finished' || s.state === 'cached' || s.state === 'failed').length / stages.length : 0;
        const inc = Math.max(0, frac * 100 - last);
        last += inc;
        const running = stages.filter((s) => s.state === 'running').map((s) => (s.total ? `${s.stage} ${s.done ?? 0}/${s.total}` : s.stage)).join(', ');
        progress.report({ increment: inc, message: running });
        status.text = `$(sync~spin) HML: ${running || title}`;
        for (const p of Panel.open.values()) if (p.kind === 'results' && p.key === h.analysis) p.setLive('running', running, st.epochs);
        tree.refresh();
      };
      const timer = setInterval(onUpdate, 500);
      try {
        return await h.done;
      } finally {
        clearInterval(timer);
      }
    });
    return Promise.resolve(done).then(async (st) => {
      runs.delete(h.analysis);
      updateContext();
      status.text = st.status === 'success' ? '$(check) HML: done' : st.status === 'cancelled' ? '$(circle-slash) HML: cancelled' : '$(error) HML: failed';
      status.command = 'hml.showResults';
      const results = Panel.open.size || st.status === 'success' ? (await import('./panels')).readResults(h.analysis) : null;
      await history.add(entryFrom(st, results ?? undefined, h.analysis));
      for (const p of Panel.open.values()) if (p.kind === 'results' && p.key === h.analysis) p.setLive(st.status, st.status, st.epochs);
      tree.refresh();
      void client?.sendNotification(RunDirectoryChangedNotification, { uri: vscode.Uri.file(h.analysis).toString() });
      const failed = [...st.stages.values()].find((s) => s.state === 'failed');
      log.info(`run of ${h.analysis}: ${st.status}${failed ? ` (${failed.stage}: ${failed.error?.message})` : ''}`);
      if (st.status === 'success') {
        void vscode.window.showInformationMessage(`HML: ${basename(h.analysis)} finished.`, 'Open Results').then((a) => a && Panel.show('results', h.analysis, panelCtx));
      } else if (st.status === 'failed') {
        void vscode.window.showErrorMessage(`HML: ${failed ? `${failed.stage} failed: ${failed.error?.message} [${failed.error?.code}]` : 'the run failed'}`, 'Show Log').then((a) => a && log.show());
      }
      return st.status;
    });
  };

  const run = async (arg?: unknown, stages?: string[], force = false): Promise<void> => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('HML runs nothing in Restricted Mode: trust this workspace to run analyses.');
      return;
    }
    const analysis = analysisOf(arg);
    if (!analysis) {
      void vscode.window.showWarningMessage('HML: open an analysis file (*.hml.yaml) first.');
      return;
    }
    if (runs.has(analysis)) {
      void vscode.window.showWarningMessage(`HML: ${basename(analysis)} is already running.`);
      return;
    }
    const lock = liveRun(runDirOf(analysis));
    if (lock) {
      attach(analysis);
      return;
    }
    await vscode.workspace.textDocuments.find((d) => d.uri.fsPath === analysis && d.isDirty)?.save();
    log.info(`hml run ${analysis}${stages?.length ? ` --stage ${stages.join(' --stage ')}` : ''}`);
    const h = startRun(cli(), analysis, { stages, force, cwd: dirname(analysis), onLog: (t) => log.append(t) });
    void follow(h, `${basename(analysis)}${stages?.length ? ` (${stages.join(', ')})` : ''}`);
  };

  /** Re-attaches to a run another window (or this one before a reload) started. */
  const attach = (analysis: string): void => {
    if (runs.has(analysis)) return;
    const runDir = runDirOf(analysis);
    const lock = liveRun(runDir);
    if (!lock) return;
    log.info(`re-attaching to the run of ${analysis} (pid ${lock.pid}, since ${lock.started})`);
    const h = watchRun(analysis, lock.pid, new ProgressTail(join(runDir, 'progress.ndjson'), 'last-run'), join(runDir, 'editor.log'), { onLog: (t) => log.append(t) });
    void follow(h, `${basename(analysis)} (re-attached)`);
  };

  const pickStage = async (analysis: string, prefix: string, what: string): Promise<string | undefined> => {
    const st = names.get(analysis)?.stages ?? (await runCliJson<{ stages: { stage: string }[] }>(cli(), ['status', analysis, '--format', 'json']).then((s) => s.stages.map((x) => x.stage), () => []));
    const items = st.filter((s) => s.startsWith(prefix));
    if (items.length <= 1) return items[0];
    return vscode.window.showQuickPick(items, { placeHolder: `${what} to run` });
  };
  const stageCommand = (prefix: string, what: string) => async (arg?: unknown): Promise<void> => {
    const analysis = analysisOf(arg);
    if (!analysis) return;
    const stage = typeof arg === 'object' && arg && 'stage' in arg ? String((arg as { stage: string }).stage) : await pickStage(analysis, prefix, what);
    if (stage) await run(analysis, [stage]);
  };

  const reg = (id: string, fn: (...a: unknown[]) => unknown): void => void context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  reg('hml.runAnalysis', (arg) => run(arg));
  reg(Commands.runStage, async (uri?: unknown, stage?: unknown) => {
    if (uri && typeof uri === 'object' && 'stage' in uri) return run((uri as unknown as { analysis: string }).analysis, [String((uri as { stage: string }).stage)]);
    const analysis = analysisOf(uri);
    if (!analysis) return;
    const s = typeof stage === 'string' ? stage : await pickStage(analysis, '', 'Stage');
    return run(analysis, s ? [s] : undefined);
  });
  reg('hml.generate', stageCommand('generate:', 'Sample'));
  reg('hml.buildDataset', stageCommand('dataset:', 'Dataset'));
  reg('hml.train', stageCommand('train:', 'Method'));
  reg('hml.evaluate', (arg) => { const a = analysisOf(arg); return a && run(a, ['evaluate']); });
  reg('hml.export', async (arg) => {
    const a = analysisOf(arg);
    if (!a || !vscode.workspace.isTrusted) return;
    const task = makeTask({ type: 'hml', command: 'export', file: a }, vscode.workspace.getWorkspaceFolder(vscode.Uri.file(a)));
    await vscode.tasks.executeTask(task);
  });
  reg('hml.cancel', async (arg) => {
    const a = analysisOf(arg);
    const h = (a && runs.get(a)) || [...runs.values()][0];
    if (h) h.cancel();
  });
  reg('hml.showLog', () => log.show());
  reg('hml.refresh', () => tree.refresh());
  reg(Commands.showResults, (arg) => {
    const a = analysisOf(arg && typeof arg === 'object' && 'analysis' in arg ? (arg as { analysis: string }).analysis : arg);
    if (a) Panel.show('results', a, panelCtx);
  });
  reg('hml.openEventDisplay', async (arg) => {
    const node = arg && typeof arg === 'object' && 'stage' in arg ? (arg as { analysis: string; stage: string }) : undefined;
    const a = analysisOf(node ? node.analysis : arg);
    if (!a) return;
    Panel.show('event-display', a, panelCtx, { sample: node?.stage.replace(/^generate:/, '') });
  });
  reg('hml.openDatasetInspector', async (arg) => {
    let path: string | undefined;
    if (arg instanceof vscode.Uri && /\.h(df)?5$/i.test(arg.fsPath)) path = arg.fsPath;
    else {
      const node = arg && typeof arg === 'object' && 'stage' in arg ? (arg as { analysis: string; stage: string }) : undefined;
      const a = analysisOf(node ? node.analysis : arg);
      if (a) {
        const st = await runCliJson<{ stages: { stage: string; dir: string; status: string }[] }>(cli(), ['status', a, '--format', 'json']).catch(() => undefined);
        const ds = (st?.stages ?? []).filter((s) => s.stage.startsWith('dataset:') && existsSync(join(s.dir, 'dataset.h5')));
        const pick = node ? ds.find((s) => s.stage === node.stage) : ds.length === 1 ? ds[0] : await vscode.window.showQuickPick(ds.map((s) => ({ label: s.stage, dir: s.dir })), { placeHolder: 'Dataset' }).then((x) => x && ds.find((s) => s.stage === x.label));
        if (pick) path = join(pick.dir, 'dataset.h5');
      }
      if (!path) {
        const u = await vscode.window.showOpenDialog({ filters: { 'HDF5 dataset': ['h5', 'hdf5'] } });
        path = u?.[0]?.fsPath;
      }
    }
    if (path) Panel.show('dataset', path, panelCtx);
  });
  reg('hml.showMadgraph5Script', async (arg) => {
    const a = analysisOf(arg);
    if (!a) return;
    const samples = names.get(a)?.samples ?? [];
    const sample = samples.length > 1 ? await vscode.window.showQuickPick(samples, { placeHolder: 'MadGraph5 sample' }) : samples[0];
    const r = await runCli(cli(), ['events', a, '--madgraph5', ...(sample ? ['--sample', sample] : [])]);
    if (r.exitCode !== 0) {
      void vscode.window.showErrorMessage(`HML: ${r.stderr.trim().replace(/^hml:\s*/, '')}`);
      return;
    }
    const doc = await vscode.workspace.openTextDocument({ content: r.stdout, language: 'plaintext' });
    await vscode.window.showTextDocument(doc, { preview: true });
  });
  reg('hml.compareRuns', async (arg) => {
    const a = analysisOf(arg);
    if (!a) return;
    const list = history.list(a);
    if (list.length < 2) {
      void vscode.window.showInformationMessage('HML: fewer than two runs of this analysis in the history.');
      return;
    }
    const items = list.map((e, i) => ({ label: e.started, description: `${e.status}${e.seconds !== undefined ? ` · ${e.seconds.toFixed(1)} s` : ''}`, i })).reverse();
    const picked = await vscode.window.showQuickPick(items, { canPickMany: true, placeHolder: 'Pick two runs to compare' });
    if (!picked || picked.length !== 2) return;
    const [x, y] = picked.map((p) => list[p.i]).sort((p, q) => p.started.localeCompare(q.started));
    const doc = await vscode.workspace.openTextDocument({ content: comparisonMarkdown(compareEntries(x, y)), language: 'markdown' });
    await vscode.window.showTextDocument(doc, { preview: true });
  });
  reg('hml.newAnalysis', async () => {
    const dir = context.asAbsolutePath('examples');
    const templates = existsSync(dir) ? readdirSync(dir).filter((f) => /\.hml\.ya?ml$/.test(f)) : [];
    const pick = await vscode.window.showQuickPick(templates.map((f) => ({ label: f.replace(/\.hml\.ya?ml$/, ''), detail: readFileSync(join(dir, f), 'utf8').split('\n')[0].replace(/^#\s*/, ''), f })), { placeHolder: 'Template' });
    if (!pick) return;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const target = await vscode.window.showSaveDialog({ defaultUri: folder ? vscode.Uri.joinPath(folder, pick.f) : undefined, filters: { 'HML analysis': ['hml.yaml'] } });
    if (!target) return;
    await vscode.workspace.fs.writeFile(target, readFileSync(join(dir, pick.f)));
    await vscode.window.showTextDocument(target);
  });
  reg('hml.inspectFile', (uri) => uri instanceof vscode.Uri && vscode.commands.executeCommand('vscode.openWith', uri, 'hml.inspect'));

  // ---- tasks ----
  const makeTask = (d: HmlTaskDefinition, folder?: vscode.WorkspaceFolder): vscode.Task => {
    const exec = new vscode.ProcessExecution(process.execPath, [context.asAbsolutePath('dist/cli.mjs'), ...taskArgs(d, { workers: config().get<number>('workers') })], {
      env: { ELECTRON_RUN_AS_NODE: '1', ...(config().get<string>('madgraph5.executable') ? { HML_MG5_EXECUTABLE: config().get<string>('madgraph5.executable')! } : {}) },
      cwd: folder?.uri.fsPath,
    });
    const t = new vscode.Task(d, folder ?? vscode.TaskScope.Workspace, taskLabel(d), 'hml', exec, ['$hml']);
    t.group = d.command === 'validate' ? vscode.TaskGroup.Test : vscode.TaskGroup.Build;
    return t;
  };
  context.subscriptions.push(vscode.tasks.registerTaskProvider('hml', {
    provideTasks: async () => {
      if (!vscode.workspace.isTrusted) return [];
      const files = await vscode.workspace.findFiles('**/*.hml.{yaml,yml}', '**/{node_modules,.hml}/**', 50);
      return files.flatMap((f) => {
        const folder = vscode.workspace.getWorkspaceFolder(f);
        const rel = folder ? vscode.workspace.asRelativePath(f, false) : f.fsPath;
        return tasksFor(rel, names.get(f.fsPath)?.stages ?? []).map((d) => makeTask(d, folder));
      });
    },
    resolveTask: (task) => {
      const d = task.definition as { type: string; [k: string]: unknown };
      if (!vscode.workspace.isTrusted || !isHmlTaskDefinition(d)) return undefined;
      return makeTask(d, typeof task.scope === 'object' ? task.scope : undefined);
    },
  }));

  // ---- editors, panels, views ----
  context.subscriptions.push(
    vscode.window.registerCustomEditorProvider('hml.inspect', new InspectEditorProvider(panelCtx), { supportsMultipleEditorsPerDocument: true }),
    ...registerSerializers(panelCtx),
    vscode.window.onDidChangeActiveTextEditor((ed) => {
      if (ed?.document.languageId === 'hml') {
        tree.analysis = ed.document.uri.fsPath;
        tree.refresh();
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => tree.refresh()),
  );
  void setPanelHtml;
  const first = vscode.window.activeTextEditor?.document;
  if (first?.languageId === 'hml') tree.analysis = first.uri.fsPath;

  // runs that outlived a window reload: re-attach (after activation, off the critical path)
  setTimeout(() => {
    for (const d of vscode.workspace.textDocuments) if (d.languageId === 'hml') attach(d.uri.fsPath);
    void vscode.workspace.findFiles('**/.hml/*/lock', '**/node_modules/**', 20).then((locks) => {
      for (const l of locks) {
        const runDir = dirname(l.fsPath);
        const stem = basename(runDir);
        const parent = dirname(dirname(runDir));
        for (const ext of ['.hml.yaml', '.hml.yml', '.yaml', '.yml']) if (existsSync(join(parent, stem + ext))) attach(join(parent, stem + ext));
      }
    });
  }, 0);

  const activationMs = performance.now() - started;
  log.info(`activated in ${activationMs.toFixed(1)} ms`);
  return {
    activationMs,
    client,
    runs,
    waitForRun: async (analysis) => {
      const h = runs.get(analysis);
      return h ? (await h.done).status : undefined;
    },
  };
}

export async function deactivate(): Promise<void> {
  for (const h of runs.values()) h.detach(); // the runs go on; the next window re-attaches
  await client?.stop();
}
