/**
 * The dataset inspector: class counts per split, the cut flow per sample, feature histograms by class (one
 * chart per feature), and the mean jet image per class for image datasets. Data: `hml dataset summary
 * FILE.h5 --format json`.
 */
import { Chart, registerables, type ChartDataset } from 'chart.js';
import type { DatasetSummaryLike, DatasetToWebview } from '../../protocol/webview';
import { drawImage } from '../event-display/draw';
import { BACKGROUND_COLOUR, chartCard, colour, dataTable, destroyAll, el, fmt, SIGNAL_COLOUR, theme, vscodeApi } from '../shared/ui';

Chart.register(...registerables);

interface State {
  path?: string;
  summary?: DatasetSummaryLike;
  normalise: boolean;
}
const api = vscodeApi();
let state: State = (api.getState() as State | undefined) ?? { normalise: true };
const charts: Record<string, Chart> = {};
(window as unknown as { __hml: unknown }).__hml = { charts, state: () => state };

type XY = { x: number; y: number };
function axes(xt: string, yt: string): Record<string, unknown> {
  const t = theme();
  const a = (title: string): Record<string, unknown> => ({ title: { display: true, text: title, color: t.fg }, ticks: { color: t.fg }, grid: { color: t.grid } });
  return { animation: false, parsing: false, responsive: true, maintainAspectRatio: false, plugins: { legend: { labels: { color: t.fg } } }, scales: { x: { type: 'linear', ...a(xt) }, y: { type: 'linear', min: 0, ...a(yt) } } };
}
const step = (edges: number[], v: number[]): XY[] => v.flatMap((y, i) => [{ x: edges[i], y }, { x: edges[i + 1], y }]);

function render(): void {
  const app = document.getElementById('app')!;
  destroyAll(charts);
  app.replaceChildren();
  const s = state.summary;
  if (!s) {
    app.append(el('p', { class: 'muted', text: 'No dataset loaded.' }));
    return;
  }
  app.append(el('h1', { text: `Dataset: ${s.name} (${s.kind})` }), el('p', { class: 'muted', text: state.path ?? '' }));
  const counts = el('section', { class: 'card', id: 'card-counts', 'aria-label': 'Class counts' });
  counts.append(el('h2', { text: 'Class counts' }));
  const t = el('table', { id: 'class-counts' });
  t.append(el('tr', {}, ...['split', 'rows', 'background', 'signal', 'background [pb]', 'signal [pb]'].map((h) => el('th', { scope: 'col', text: h }))));
  for (const [split, v] of Object.entries(s.splits ?? {})) {
    t.append(el('tr', {}, ...[split, String(v.rows), String(v.perClass[0]), String(v.perClass[1]), fmt(v.weightedPerClass?.[0]), fmt(v.weightedPerClass?.[1])].map((x) => el('td', { text: x }))));
  }
  counts.append(t);
  app.append(counts);

  const bar = el('div', { class: 'toolbar' });
  const cb = el('input', { type: 'checkbox', id: 'normalise' });
  cb.checked = state.normalise;
  cb.addEventListener('change', () => {
    state.normalise = cb.checked;
    api.setState(state);
    render();
    document.getElementById('normalise')?.focus();
  });
  bar.append(el('label', { for: 'normalise' }, cb, ' normalise each class to unit area'));
  app.append(bar);
  const grid = el('div', { class: 'grid' });
  app.append(grid);
  (s.features ?? []).forEach((f, i) => {
    const id = `feature-${i}`;
    const card = chartCard(grid, id, `${f.name}${f.unit && f.unit !== '1' ? ` [${f.unit}]` : ''}`);
    const norm = (v: number[]): number[] => {
      if (!state.normalise) return v;
      const sum = v.reduce((a, b) => a + b, 0) || 1;
      return v.map((x) => x / sum);
    };
    const sets: ChartDataset<'line', XY[]>[] = [
      { label: 'signal', data: step(f.edges, norm(f.counts[1])), borderColor: SIGNAL_COLOUR, backgroundColor: SIGNAL_COLOUR, pointRadius: 0, borderWidth: theme().lineWidth },
      { label: 'background', data: step(f.edges, norm(f.counts[0])), borderColor: BACKGROUND_COLOUR, backgroundColor: BACKGROUND_COLOUR, pointRadius: 0, borderWidth: theme().lineWidth },
    ];
    charts[id] = new Chart(card.canvas, { type: 'line', data: { datasets: sets }, options: axes(f.name, state.normalise ? 'fraction' : 'events') });
    card.tableSlot.append(dataTable(f.name, ['bin low', 'bin high', 'signal', 'background'], f.counts[0].map((_, b) => [f.edges[b], f.edges[b + 1], f.counts[1][b], f.counts[0][b]])));
  });
  if (s.meanImage) {
    const [h, w] = s.meanImage.shape;
    (['background', 'signal'] as const).forEach((cls, k) => {
      const card = el('section', { class: 'card', 'aria-label': `Mean image, ${cls}` });
      const c = el('canvas', { id: `mean-image-${cls}`, width: '330', height: '330', role: 'img', 'aria-label': `Mean image of the ${cls} class` });
      card.append(el('h2', { text: `Mean image: ${cls}` }), c);
      grid.append(card);
      // first channel only, h × w
      const chans = s.meanImage!.shape[2] ?? 1;
      const img = s.meanImage!.byClass[k].filter((_, p) => p % chans === 0);
      if (h === w) drawImage(c.getContext('2d')!, 330, 330, img, h, theme());
    });
  }
  if (s.cutflow) {
    const card = chartCard(grid, 'cutflow', 'Cut flow (fraction kept)');
    const entries = Object.entries(s.cutflow);
    const cuts = entries[0]?.[1].map((x) => x.cut) ?? [];
    const sets: ChartDataset<'line', XY[]>[] = entries.map(([sample, steps], i) => ({ label: sample, data: steps.map((st, j) => ({ x: j, y: steps[0].events ? st.events / steps[0].events : 0 })), borderColor: colour(i), backgroundColor: colour(i), pointRadius: 4 }));
    const o = axes('after cut', 'fraction kept') as { scales: { x: Record<string, unknown> } };
    o.scales.x.ticks = { ...(o.scales.x.ticks as object), stepSize: 1, callback: (v: number | string) => (cuts[Number(v)] ?? '').slice(0, 24) };
    charts.cutflow = new Chart(card.canvas, { type: 'line', data: { datasets: sets }, options: o });
    card.tableSlot.append(dataTable('cut flow', ['sample', 'cut', 'events', 'weighted [pb]'], entries.flatMap(([sample, steps]) => steps.map((st) => [sample, st.cut, st.events, st.weighted]))));
  }
}

window.addEventListener('message', (ev: MessageEvent<DatasetToWebview>) => {
  if (ev.data.type !== 'dataset') return;
  state = { ...state, path: ev.data.path, summary: ev.data.summary };
  api.setState(state);
  render();
});
if (state.summary) render();
api.postMessage({ type: 'ready' });
