/**
 * Shared pieces of the panels: the colour-blind-safe Okabe–Ito palette, theme colours read from VS Code's CSS
 * variables (so dark, light and high-contrast themes work), curve decimation, data tables behind charts, PNG
 * export through the host, and the VS Code API handle (state persistence, messages).
 */

/** Okabe & Ito (2008), the palette designed to stay distinguishable under the common colour-vision deficiencies. */
export const OKABE_ITO = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];
/** Signal and background get fixed colours across all panels. */
export const SIGNAL_COLOUR = '#0072B2';
export const BACKGROUND_COLOUR = '#D55E00';

export interface VsCodeApi {
  postMessage(msg: unknown): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

let api: VsCodeApi | undefined;
export function vscodeApi(): VsCodeApi {
  if (!api) {
    api = typeof acquireVsCodeApi === 'function'
      ? acquireVsCodeApi()
      : { postMessage: () => undefined, getState: () => undefined, setState: () => undefined };
  }
  return api;
}

export function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.body).getPropertyValue(name).trim();
  return v || fallback;
}

export function isHighContrast(): boolean {
  return document.body.classList.contains('vscode-high-contrast') || document.body.classList.contains('vscode-high-contrast-light');
}

export interface Theme {
  fg: string;
  grid: string;
  bg: string;
  lineWidth: number;
}

export function theme(): Theme {
  const hc = isHighContrast();
  return {
    fg: cssVar('--vscode-foreground', '#1f1f1f'),
    grid: hc ? cssVar('--vscode-contrastBorder', '#888') : cssVar('--vscode-panel-border', 'rgba(128,128,128,0.25)'),
    bg: cssVar('--vscode-editor-background', '#ffffff'),
    lineWidth: hc ? 3 : 2,
  };
}

export function colour(i: number): string {
  return OKABE_ITO[i % OKABE_ITO.length];
}

/**
 * Decimates a polyline to at most ~maxPoints points for drawing: points closer than a fraction of the plot span
 * to the last kept point (in normalised coordinates, so a log axis is handled by passing log values) are
 * dropped; the first and last points are always kept. O(n), one pass: a 100,000-point ROC curve costs ~1 ms.
 */
export function decimate(xs: ArrayLike<number>, ys: ArrayLike<number>, maxPoints = 800): number[] {
  const n = xs.length;
  if (n <= maxPoints) return Array.from({ length: n }, (_, i) => i);
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (let i = 0; i < n; i++) {
    const x = xs[i], y = ys[i];
    if (Number.isFinite(x)) { if (x < x0) x0 = x; if (x > x1) x1 = x; }
    if (Number.isFinite(y)) { if (y < y0) y0 = y; if (y > y1) y1 = y; }
  }
  const sx = x1 > x0 ? x1 - x0 : 1, sy = y1 > y0 ? y1 - y0 : 1;
  // the step that keeps about maxPoints points on a curve of path length ~ 2 (normalised)
  const step = 2 / maxPoints;
  const keep = [0];
  let lx = xs[0], ly = ys[0];
  for (let i = 1; i < n - 1; i++) {
    const x = xs[i], y = ys[i];
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (Math.abs(x - lx) / sx + Math.abs(y - ly) / sy >= step) {
      keep.push(i);
      lx = x;
      ly = y;
    }
  }
  keep.push(n - 1);
  return keep;
}

export function fmt(v: number | null | undefined, digits = 4): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  if (a !== 0 && (a >= 1e5 || a < 1e-3)) return v.toExponential(2);
  return a >= 100 ? v.toFixed(1) : v.toPrecision(digits);
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

/** A table (header + rows) inside a <details>: the data behind a chart, readable by screen readers. */
export function dataTable(caption: string, header: string[], rows: (string | number)[][] | (() => (string | number)[][]), open = false): HTMLDetailsElement {
  const d = el('details');
  d.append(el('summary', { text: `Data: ${caption}` }));
  // rows are built when the table is first opened: thousands of cells cost nothing until someone reads them
  const fill = (): void => {
    if (d.querySelector('table')) return;
    d.append(tableOf(caption, header, typeof rows === 'function' ? rows() : rows));
  };
  d.addEventListener('toggle', () => d.open && fill());
  if (open) {
    d.open = true;
    fill();
  }
  return d;
}

function tableOf(caption: string, header: string[], rows: (string | number)[][]): HTMLTableElement {
  const t = el('table');
  t.append(el('caption', { class: 'muted', text: caption }));
  const thead = el('thead');
  const hr = el('tr');
  for (const h of header) hr.append(el('th', { scope: 'col', text: h }));
  thead.append(hr);
  const tb = el('tbody');
  for (const r of rows) {
    const tr = el('tr');
    for (const c of r) tr.append(el('td', { text: typeof c === 'number' ? fmt(c) : c }));
    tb.append(tr);
  }
  t.append(thead, tb);
  return t;
}

/** Exports a canvas as PNG: the host saves it (webviews cannot write files); an opaque background keeps it readable. */
export function exportPng(canvas: HTMLCanvasElement, name: string): void {
  const c = document.createElement('canvas');
  c.width = canvas.width;
  c.height = canvas.height;
  const ctx = c.getContext('2d');
  if (!ctx) return;
  ctx.fillStyle = theme().bg;
  ctx.fillRect(0, 0, c.width, c.height);
  ctx.drawImage(canvas, 0, 0);
  vscodeApi().postMessage({ type: 'save-png', name, dataUrl: c.toDataURL('image/png') });
}

/** A card with a title, a canvas, a PNG button and (filled later) a data table. */
export function chartCard(parent: HTMLElement, id: string, title: string): { card: HTMLElement; canvas: HTMLCanvasElement; toolbar: HTMLElement; tableSlot: HTMLElement } {
  const card = el('section', { class: 'card', id: `card-${id}`, 'aria-label': title });
  const toolbar = el('div', { class: 'toolbar' });
  const h = el('h2', { text: title });
  const canvas = el('canvas', { id: `chart-${id}`, class: 'chart', role: 'img', 'aria-label': title });
  const png = el('button', { type: 'button', title: `Save "${title}" as PNG`, text: 'PNG' });
  png.addEventListener('click', () => exportPng(canvas, id));
  toolbar.append(png);
  const tableSlot = el('div');
  card.append(h, toolbar, canvas, tableSlot);
  parent.append(card);
  return { card, canvas, toolbar, tableSlot };
}

/** Destroys every chart of a panel before it re-renders (chart.js keeps listeners on its canvas otherwise). */
export function destroyAll(charts: Record<string, { destroy(): void }>): void {
  for (const k of Object.keys(charts)) {
    charts[k].destroy();
    delete charts[k];
  }
}
