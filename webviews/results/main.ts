/**
 * The results panel: every method on one ROC plot (ε_S vs background rejection 1/ε_B on a log axis, and TPR vs
 * FPR), score distributions per class for train and test overlaid (overtraining check), significance vs
 * threshold with the best point, training curves per epoch (live while a run goes), the metrics table, the cut
 * flow, and the learned cuts drawn on the feature distributions. Every chart has a data table and a PNG button.
 *
 * Large curves are decimated before drawing (ui.decimate); chart.js runs without animation or parsing.
 */
import { Chart, registerables, type ChartDataset, type Plugin } from 'chart.js';
import type { MethodResult, ResultsFile } from '../../protocol/results';
import type { DatasetSummaryLike, LiveEpoch, ResultsToWebview } from '../../protocol/webview';
import { BACKGROUND_COLOUR, chartCard, colour, dataTable, destroyAll, decimate, el, fmt, SIGNAL_COLOUR, theme, vscodeApi } from '../shared/ui';

Chart.register(...registerables);

interface State {
  analysis?: string;
  results?: ResultsFile | null;
  datasets?: Record<string, DatasetSummaryLike>;
  live?: { status: string; summary: string; epochs: LiveEpoch[] };
  method?: string;
}

const api = vscodeApi();
let state: State = (api.getState() as State | undefined) ?? {};

/**
 * What survives a VS Code restart: the analysis, the chosen method and the live curves. Not the results
 * themselves (ROC curves can be megabytes): the host re-reads results.json when the panel is revived.
 */
function persist(): void {
  api.setState({ analysis: state.analysis, method: state.method, live: state.live });
}
const charts: Record<string, Chart> = {};
const renderMs: number[] = [];
/** For tests and debugging: the charts, the state, and how long each message took to draw (ms). */
(window as unknown as { __hml: unknown }).__hml = { charts, state: () => state, renderMs };

type XY = { x: number; y: number };

function baseOptions(x: { title: string; type?: 'linear' | 'logarithmic'; min?: number; max?: number }, y: { title: string; type?: 'linear' | 'logarithmic'; min?: number; max?: number }): Record<string, unknown> {
  const t = theme();
  const axis = (a: typeof x): Record<string, unknown> => ({ type: a.type ?? 'linear', min: a.min, max: a.max, title: { display: true, text: a.title, color: t.fg }, ticks: { color: t.fg }, grid: { color: t.grid } });
  return {
    animation: false,
    parsing: false,
    normalized: true,
    responsive: true,
    maintainAspectRatio: false,
    spanGaps: true,
    interaction: { mode: 'nearest', intersect: false },
    plugins: { legend: { labels: { color: t.fg } }, tooltip: { enabled: true }, decimation: { enabled: false } },
    scales: { x: axis(x), y: axis(y) },
  };
}

function line(label: string, data: XY[], c: string, extra: Partial<ChartDataset<'line'>> = {}): ChartDataset<'line', XY[]> {
  return { label, data, borderColor: c, backgroundColor: c, borderWidth: theme().lineWidth, pointRadius: 0, fill: false, ...extra } as ChartDataset<'line', XY[]>;
}

function makeChart(id: string, canvas: HTMLCanvasElement, datasets: ChartDataset<'line', XY[]>[], options: Record<string, unknown>, plugins: Plugin<'line'>[] = []): Chart {
  charts[id]?.destroy();
  const ch = new Chart(canvas, { type: 'line', data: { datasets }, options, plugins });
  charts[id] = ch as unknown as Chart;
  return charts[id];
}

/** ROC points as (ε_S, 1/ε_B), ε_B = 0 left out (rejection infinite: a lower bound, not drawable on a log axis). */
export function rejectionPoints(m: MethodResult): XY[] {
  const roc = m.roc.full.tpr.length > 0 ? m.roc.full : m.roc.decimated;
  // typed arrays, one pass: a 100,000-point curve allocates three buffers instead of 300,000 boxed numbers
  const n = roc.tpr.length;
  const xs = new Float64Array(n), ys = new Float64Array(n), logy = new Float64Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const t = roc.tpr[i], f = roc.fpr[i];
    if (f > 0 && t > 0) {
      xs[k] = t;
      ys[k] = 1 / f;
      logy[k] = -Math.log10(f);
      k++;
    }
  }
  return decimate(xs.subarray(0, k), logy.subarray(0, k)).map((i) => ({ x: xs[i], y: ys[i] }));
}

function renderRoc(root: HTMLElement, r: ResultsFile): void {
  const a = chartCard(root, 'roc', 'ROC: signal efficiency vs background rejection');
  const sets = r.methods.map((m, i) => line(m.name, rejectionPoints(m), colour(i)));
  makeChart('roc', a.canvas, sets, baseOptions({ title: 'signal efficiency ε_S', min: 0, max: 1 }, { title: 'background rejection 1/ε_B', type: 'logarithmic', min: 1 }));
  a.tableSlot.append(dataTable('working points per method', ['method', 'label', 'threshold', 'ε_S', 'ε_B', '1/ε_B'],
    r.methods.flatMap((m) => m.workingPoints.map((w) => [m.name, w.label, w.threshold, w.signalEfficiency, w.backgroundEfficiency, w.backgroundEfficiency > 0 ? 1 / w.backgroundEfficiency : '> ' + fmt(1)]))));

  const b = chartCard(root, 'roc-linear', 'ROC: true positive rate vs false positive rate');
  const lin = r.methods.map((m, i) => {
    const roc = m.roc.full.tpr.length > 0 ? m.roc.full : m.roc.decimated;
    const keep = decimate(roc.fpr, roc.tpr);
    return line(m.name, keep.map((k) => ({ x: roc.fpr[k], y: roc.tpr[k] })), colour(i));
  });
  lin.push(line('random', [{ x: 0, y: 0 }, { x: 1, y: 1 }], theme().grid, { borderDash: [4, 4], borderWidth: 1 }));
  makeChart('roc-linear', b.canvas, lin, baseOptions({ title: 'false positive rate ε_B', min: 0, max: 1 }, { title: 'true positive rate ε_S', min: 0, max: 1 }));
  // the table lists the points drawn (decimated), not 100,000 rows per method
  b.tableSlot.append(dataTable('ROC points drawn', ['method', 'threshold', 'ε_S (TPR)', 'ε_B (FPR)'],
    () => r.methods.flatMap((m) => {
      const roc = m.roc.full.tpr.length > 0 ? m.roc.full : m.roc.decimated;
      return decimate(roc.fpr, roc.tpr).map((i) => [m.name, roc.thresholds[i], roc.tpr[i], roc.fpr[i]]);
    })));
}

function stepped(edges: number[], values: number[]): XY[] {
  const pts: XY[] = [];
  for (let i = 0; i < values.length; i++) pts.push({ x: edges[i], y: values[i] }, { x: edges[i + 1], y: values[i] });
  return pts;
}
const centres = (edges: number[]): number[] => edges.slice(0, -1).map((e, i) => (e + edges[i + 1]) / 2);

function renderMethod(root: HTMLElement, r: ResultsFile, m: MethodResult): void {
  // score distributions: train as filled steps, test as markers (TMVA's overtraining plot)
  const s = chartCard(root, 'scores', `Score distributions: ${m.name} (train filled, test markers)`);
  const e = m.scores.edges;
  const mid = centres(e);
  makeChart('scores', s.canvas, [
    line('signal (train)', stepped(e, m.scores.train.signal), SIGNAL_COLOUR, { fill: 'origin', backgroundColor: `${SIGNAL_COLOUR}40` }),
    line('background (train)', stepped(e, m.scores.train.background), BACKGROUND_COLOUR, { fill: 'origin', backgroundColor: `${BACKGROUND_COLOUR}40` }),
    line('signal (test)', mid.map((x, i) => ({ x, y: m.scores.test.signal[i] })), SIGNAL_COLOUR, { showLine: false, pointRadius: 3, pointStyle: 'circle' }),
    line('background (test)', mid.map((x, i) => ({ x, y: m.scores.test.background[i] })), BACKGROUND_COLOUR, { showLine: false, pointRadius: 3, pointStyle: 'triangle' }),
  ], baseOptions({ title: 'score', min: e[0], max: e[e.length - 1] }, { title: 'normalised entries', min: 0 }));
  s.tableSlot.append(dataTable(`score histograms of ${m.name}`, ['bin low', 'bin high', 'S train', 'B train', 'S test', 'B test'],
    mid.map((_, i) => [e[i], e[i + 1], m.scores.train.signal[i], m.scores.train.background[i], m.scores.test.signal[i], m.scores.test.background[i]])));

  const z = chartCard(root, 'significance', `Significance vs threshold: ${m.name}`);
  const sig = m.significance;
  if (sig && sig.thresholds.length > 0) {
    const pts = sig.thresholds.map((t, i) => ({ x: t, y: sig.z[i] })).filter((p) => Number.isFinite(p.y));
    const sets = [line('Z', pts, colour(0))];
    if (sig.best) sets.push(line(`best: Z = ${fmt(sig.best.z)} at ${fmt(sig.best.threshold)}`, [{ x: sig.best.threshold, y: sig.best.z }], colour(5), { showLine: false, pointRadius: 7, pointStyle: 'star', borderWidth: 2 }));
    makeChart('significance', z.canvas, sets, baseOptions({ title: 'score threshold' }, { title: 'significance Z', min: 0 }));
    z.tableSlot.append(dataTable(`significance of ${m.name}`, ['threshold', 'Z'], sig.thresholds.map((t, i) => [t, sig.z[i]])));
  } else {
    z.canvas.replaceWith(el('p', { class: 'muted', text: 'No significance scan for this method.' }));
  }

  renderCurves(root, m);
  if (m.cuts && m.cuts.length > 0) renderCuts(root, m);
}

function curvePoints(m: MethodResult, live: LiveEpoch[]): Map<string, XY[]> {
  const series = new Map<string, XY[]>();
  for (const row of m.curves) {
    for (const [k, v] of Object.entries(row)) {
      if (k === 'epoch' || v === null || typeof v !== 'number') continue;
      if (!series.has(k)) series.set(k, []);
      series.get(k)!.push({ x: row.epoch, y: v });
    }
  }
  // live epochs of a running train stage replace the stored curve of that method
  const mine = live.filter((p) => p.stage === `train:${m.name}` && p.value !== null);
  if (mine.length > 0) {
    series.clear();
    for (const p of mine) {
      if (!series.has(p.name)) series.set(p.name, []);
      series.get(p.name)!.push({ x: p.epoch, y: p.value as number });
    }
  }
  return series;
}

function renderCurves(root: HTMLElement, m: MethodResult): void {
  const c = chartCard(root, 'curves', `Training curves: ${m.name}`);
  const series = curvePoints(m, state.live?.epochs ?? []);
  const sets = [...series.entries()].map(([k, pts], i) => line(k, pts, colour(i), { pointRadius: pts.length < 60 ? 2 : 0 }));
  makeChart('curves', c.canvas, sets, baseOptions({ title: m.type === 'gbdt' ? 'iteration' : 'epoch' }, { title: 'value' }));
  const names = [...series.keys()];
  const epochs = [...new Set([...series.values()].flatMap((p) => p.map((q) => q.x)))].sort((a, b) => a - b);
  c.tableSlot.append(dataTable(`training curves of ${m.name}`, ['epoch', ...names], epochs.map((ep) => [ep, ...names.map((n) => series.get(n)!.find((p) => p.x === ep)?.y ?? '—')])));
}

/** Vertical lines at the learned cut values, drawn over the feature histograms. */
function cutLines(values: number[], c: string): Plugin<'line'> {
  return {
    id: 'cut-lines',
    afterDatasetsDraw(chart) {
      const { ctx, chartArea, scales } = chart;
      ctx.save();
      ctx.strokeStyle = c;
      ctx.lineWidth = 2;
      ctx.setLineDash([6, 3]);
      for (const v of values) {
        const px = scales.x.getPixelForValue(v);
        if (px < chartArea.left || px > chartArea.right) continue;
        ctx.beginPath();
        ctx.moveTo(px, chartArea.top);
        ctx.lineTo(px, chartArea.bottom);
        ctx.stroke();
      }
      ctx.restore();
    },
  };
}

function renderCuts(root: HTMLElement, m: MethodResult): void {
  const ds = state.datasets?.[m.dataset];
  const card = el('section', { class: 'card', id: 'card-cuts', 'aria-label': 'Learned cuts' });
  card.append(el('h2', { text: `Learned cuts: ${m.name}` }));
  const ul = el('ul');
  for (const c of m.cuts ?? []) ul.append(el('li', { text: c.text }));
  card.append(ul);
  root.append(card);
  (m.cuts ?? []).forEach((cut, i) => {
    const h = ds?.features?.find((f) => f.name === cut.feature);
    if (!h) return;
    const id = `cut-${i}`;
    const a = chartCard(root, id, `${cut.feature}${cut.unit && cut.unit !== '1' ? ` [${cut.unit}]` : ''} with the cut`);
    const norm = (v: number[]): number[] => {
      const s = v.reduce((p, q) => p + q, 0) || 1;
      return v.map((x) => x / s);
    };
    const values = [cut.low, cut.high].filter((v): v is number => v !== undefined);
    makeChart(id, a.canvas, [
      line('signal', stepped(h.edges, norm(h.counts[1])), SIGNAL_COLOUR),
      line('background', stepped(h.edges, norm(h.counts[0])), BACKGROUND_COLOUR),
    ], baseOptions({ title: cut.feature }, { title: 'fraction', min: 0 }), [cutLines(values, theme().fg)]);
    a.tableSlot.append(dataTable(`${cut.feature} by class`, ['bin low', 'bin high', 'signal', 'background'], h.counts[0].map((_, b) => [h.edges[b], h.edges[b + 1], h.counts[1][b], h.counts[0][b]])));
  });
}

function renderMetrics(root: HTMLElement, r: ResultsFile): void {
  const card = el('section', { class: 'card', id: 'card-metrics', 'aria-label': 'Metrics' });
  card.append(el('h2', { text: 'Metrics (test split)' }));
  const names = [...new Set(r.methods.flatMap((m) => m.metrics.map((x) => x.name)))];
  const t = el('table', { id: 'metrics-table' });
  const hr = el('tr');
  for (const h of ['method', 'type', ...names]) hr.append(el('th', { scope: 'col', text: h }));
  t.append(el('thead', {}, hr));
  const tb = el('tbody');
  r.methods.forEach((m, i) => {
    const tr = el('tr');
    const sw = el('span', { class: 'swatch', 'aria-hidden': 'true' });
    sw.style.background = colour(i);
    tr.append(el('td', {}, sw, m.name), el('td', { text: m.type }));
    for (const n of names) {
      const v = m.metrics.find((x) => x.name === n);
      const txt = v ? `${v.flags?.includes('lower-bound') ? '> ' : ''}${fmt(v.value)}${v.uncertainty ? ` ± ${fmt(v.uncertainty, 2)}` : ''}` : '';
      tr.append(el('td', { text: txt, title: v?.flags?.join(', ') ?? '' }));
    }
    tb.append(tr);
  });
  t.append(tb);
  card.append(t);
  root.append(card);
}

function renderCutflow(root: HTMLElement, r: ResultsFile): void {
  if (r.cutflow.length === 0) return;
  const a = chartCard(root, 'cutflow', 'Cut flow (fraction of events kept)');
  const cuts = r.cutflow[0].steps.map((s) => s.cut);
  const sets = r.cutflow.map((s, i) => line(s.sample, s.steps.map((st, j) => ({ x: j, y: s.steps[0].events ? st.events / s.steps[0].events : 0 })), colour(i), { pointRadius: 4 }));
  const opts = baseOptions({ title: 'after cut', min: 0, max: Math.max(1, cuts.length - 1) }, { title: 'fraction kept', min: 0, max: 1 }) as { scales: { x: { ticks: Record<string, unknown> } } };
  opts.scales.x.ticks = { ...opts.scales.x.ticks, stepSize: 1, callback: (v: number | string) => (cuts[Number(v)] ?? '').slice(0, 24) };
  makeChart('cutflow', a.canvas, sets, opts);
  a.tableSlot.append(dataTable('cut flow', ['sample', 'cut', 'events', 'weighted [pb]'], r.cutflow.flatMap((s) => s.steps.map((st) => [s.sample, st.cut, st.events, st.weighted]))));
}

function render(): void {
  const app = document.getElementById('app')!;
  destroyAll(charts);
  app.replaceChildren();
  const r = state.results;
  const header = el('div', { class: 'toolbar' });
  header.append(el('h1', { text: r ? `Results: ${r.name}` : 'Results' }));
  if (state.live) header.append(el('span', { class: 'status', id: 'live-status', role: 'status', text: `${state.live.status}: ${state.live.summary}` }));
  app.append(header);
  if (!r) {
    app.append(el('p', { class: 'muted', text: state.live ? 'The run is going; results appear when the evaluate stage finishes.' : 'No results yet: run the analysis.' }));
    if (state.live?.epochs.length) {
      const grid = el('div', { class: 'grid' });
      app.append(grid);
      const methods = [...new Set(state.live.epochs.map((e) => e.stage.replace(/^train:/, '')))];
      for (const name of methods) renderCurves(grid, { name, type: 'mlp', dataset: '', metrics: [], workingPoints: [], roc: { full: { tpr: [], fpr: [], thresholds: [] }, decimated: { tpr: [], fpr: [], thresholds: [] } }, scores: { edges: [], train: { signal: [], background: [] }, test: { signal: [], background: [] } }, curves: [] });
    }
    return;
  }
  renderMetrics(app, r);
  const grid = el('div', { class: 'grid' });
  app.append(grid);
  renderRoc(grid, r);
  const pick = el('div', { class: 'toolbar' });
  const sel = el('select', { id: 'method-select', 'aria-label': 'Method for the per-method plots' });
  for (const m of r.methods) sel.append(el('option', { value: m.name, text: `${m.name} (${m.type})` }));
  const method = r.methods.find((m) => m.name === state.method) ?? r.methods[0];
  if (method) sel.value = method.name;
  sel.addEventListener('change', () => {
    state.method = sel.value;
    persist();
    render();
    document.getElementById('method-select')?.focus();
  });
  const ev = el('button', { type: 'button', text: 'Event display…', title: 'Open the events of this analysis' });
  ev.addEventListener('click', () => api.postMessage({ type: 'open-event-display', method: sel.value }));
  pick.append(el('label', { for: 'method-select', text: 'Method: ' }), sel, ev);
  app.append(pick);
  const grid2 = el('div', { class: 'grid' });
  app.append(grid2);
  if (method) renderMethod(grid2, r, method);
  const grid3 = el('div', { class: 'grid' });
  app.append(grid3);
  renderCutflow(grid3, r);
}

window.addEventListener('message', (ev: MessageEvent<ResultsToWebview>) => {
  const msg = ev.data;
  const t0 = performance.now();
  if (msg.type === 'results') {
    state = { ...state, analysis: msg.analysis, results: msg.results, datasets: msg.datasets ?? state.datasets };
    if (msg.results && state.live?.status !== 'running') state.live = undefined;
  } else if (msg.type === 'live') {
    state.live = { status: msg.status, summary: msg.summary, epochs: msg.epochs };
  } else return;
  persist();
  render();
  renderMs.push(performance.now() - t0);
});

if (state.results !== undefined || state.live) render();
api.postMessage({ type: 'ready' });
