/**
 * The event display: η–φ plane, transverse view and the leading fat jet's image of one event, its observables
 * (and method scores when the host sends them) beside it; previous / next with the arrow keys or buttons; type
 * toggles; jumps to the most signal-like background / least signal-like signal of a method (asked of the host).
 * Fed with Phoenix-format events (`hml events … --format phoenix`).
 */
import type { EventToWebview } from '../../protocol/webview';
import { dataTable, el, exportPng, theme, vscodeApi } from '../shared/ui';
import { drawEtaPhi, drawImage, drawTransverse, jetImage, TYPE_COLOURS } from './draw';
import { eventSummary, readPhoenixFile, type DisplayEvent } from './phoenix';

interface State {
  msg?: EventToWebview;
  index: number;
  hidden: string[];
  /** Position in each `method|which` list of extremes, so repeated clicks walk down the list. */
  jumps?: Record<string, number>;
}

type Which = 'most-signal-like-background' | 'least-signal-like-signal';

const api = vscodeApi();
const state: State = (api.getState() as State | undefined) ?? { index: 0, hidden: [] };
let events: DisplayEvent[] = state.msg ? readPhoenixFile(state.msg.phoenix) : [];
const timings: number[] = [];
(window as unknown as { __hml: unknown }).__hml = { timings, events: () => events, state: () => state, draw: () => draw() };

let canvases: { etaPhi: HTMLCanvasElement; xy: HTMLCanvasElement; image: HTMLCanvasElement } | undefined;
let side: HTMLElement | undefined;
let title: HTMLElement | undefined;

function save(): void {
  api.setState(state);
}

function go(delta: number): void {
  if (!state.msg) return;
  const next = state.index + delta;
  if (next >= 0 && next < events.length) {
    state.index = next;
    save();
    draw();
  } else {
    // outside the loaded window: ask the host for the neighbouring events
    const want = state.msg.from + next;
    if (want < 0 || (state.msg.total !== undefined && want >= state.msg.total)) return;
    const count = Math.max(events.length, 10);
    api.postMessage({ type: 'load-events', sample: state.msg.sample, from: delta > 0 ? want : Math.max(0, want - count + 1), count, show: want });
  }
}

/** Asks the host for the next extreme event of a method (the same `load-events` path as previous / next). */
function jump(method: string, which: Which): void {
  const ex = state.msg?.extremes?.[method];
  if (!ex) return;
  const list = which === 'most-signal-like-background' ? ex.mostSignalLikeBackground : ex.leastSignalLikeSignal;
  const key = `${method}|${which}`;
  const jumps = (state.jumps ??= {});
  const k = jumps[key] ?? 0;
  jumps[key] = (k + 1) % list.length;
  save();
  const target = list[k];
  api.postMessage({ type: 'load-events', sample: target.sample, from: target.event, count: 10, show: target.event });
}

/** Scores of the shown event (sample, index in the sample) where it is one of a method's extremes. */
function knownScores(sample: string, event: number): [string, string][] {
  const out: [string, string][] = [];
  for (const [m, ex] of Object.entries(state.msg?.extremes ?? {})) {
    const hit = [...ex.mostSignalLikeBackground, ...ex.leastSignalLikeSignal].find((x) => x.sample === sample && x.event === event);
    if (hit) out.push([`score (${m})`, hit.score.toPrecision(4)]);
  }
  return out;
}

function layout(): void {
  const app = document.getElementById('app')!;
  app.replaceChildren();
  const bar = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Event navigation' });
  title = el('h1', { id: 'event-title' });
  const prev = el('button', { type: 'button', id: 'prev', text: '◀ Previous', title: 'Previous event (←)' });
  const next = el('button', { type: 'button', id: 'next', text: 'Next ▶', title: 'Next event (→)' });
  prev.addEventListener('click', () => go(-1));
  next.addEventListener('click', () => go(1));
  bar.append(title, prev, next);
  for (const [m, ex] of Object.entries(state.msg?.extremes ?? {})) {
    for (const [which, label, list] of [['most-signal-like-background', 'most signal-like background', ex.mostSignalLikeBackground], ['least-signal-like-signal', 'least signal-like signal', ex.leastSignalLikeSignal]] as const) {
      if (list.length === 0) continue;
      const b = el('button', { type: 'button', id: `jump-${m}-${which}`, text: `${m}: ${label}`, title: `Next of the ${list.length} test events (score ${label === 'least signal-like signal' ? 'lowest' : 'highest'} first)` });
      b.addEventListener('click', () => jump(m, which));
      bar.append(b);
    }
  }
  const toggles = el('div', { class: 'toolbar', role: 'group', 'aria-label': 'Object types shown' });
  for (const kind of Object.keys(TYPE_COLOURS)) {
    const id = `show-${kind}`;
    const cb = el('input', { type: 'checkbox', id });
    cb.checked = !state.hidden.includes(kind);
    cb.addEventListener('change', () => {
      state.hidden = cb.checked ? state.hidden.filter((k) => k !== kind) : [...state.hidden, kind];
      save();
      draw();
    });
    const sw = el('span', { class: 'swatch', 'aria-hidden': 'true' });
    sw.style.background = TYPE_COLOURS[kind as keyof typeof TYPE_COLOURS];
    toggles.append(el('label', { for: id }, cb, sw, kind));
  }
  const grid = el('div', { class: 'grid' });
  const mk = (id: string, label: string, w: number, h: number): HTMLCanvasElement => {
    const card = el('section', { class: 'card', 'aria-label': label });
    const c = el('canvas', { id, width: String(w), height: String(h), role: 'img', 'aria-label': label });
    c.style.width = `${w}px`;
    c.style.height = `${h}px`;
    const png = el('button', { type: 'button', text: 'PNG', title: `Save ${label} as PNG` });
    png.addEventListener('click', () => exportPng(c, id));
    card.append(el('h2', { text: label }), el('div', { class: 'toolbar' }, png), c);
    grid.append(card);
    return c;
  };
  canvases = { etaPhi: mk('eta-phi', 'η–φ plane (marker area ∝ pT)', 560, 360), xy: mk('xy', 'Transverse view (x–y)', 360, 360), image: mk('jet-image', 'Leading fat jet image (log(1 + pT), Δη × Δφ)', 330, 330) };
  side = el('section', { class: 'card', id: 'event-side', 'aria-label': 'Event observables' });
  grid.append(side);
  app.append(bar, toggles, grid);
}

export function draw(): void {
  if (!state.msg || events.length === 0) {
    document.getElementById('app')!.replaceChildren(el('p', { class: 'muted', text: 'No events loaded.' }));
    canvases = undefined;
    return;
  }
  if (!canvases || !document.body.contains(canvases.etaPhi)) layout();
  const e = events[Math.min(state.index, events.length - 1)];
  const t = theme();
  const visible = new Set(Object.keys(TYPE_COLOURS).filter((k) => !state.hidden.includes(k)));
  const t0 = performance.now();
  const c = canvases!;
  drawEtaPhi(c.etaPhi.getContext('2d')!, c.etaPhi.width, c.etaPhi.height, e, t, visible);
  drawTransverse(c.xy.getContext('2d')!, c.xy.width, c.xy.height, e, t, visible);
  const img = jetImage(e);
  drawImage(c.image.getContext('2d')!, c.image.width, c.image.height, img.image, img.pixels, t);
  timings.push(performance.now() - t0);
  title!.textContent = `${state.msg.sample}: event ${e.number}${state.msg.total ? ` of ${state.msg.total}` : ''}`;
  const rows = eventSummary(e);
  rows.push(...knownScores(state.msg.sample, state.msg.from + Math.min(state.index, events.length - 1)));
  const extra = state.msg.extras?.[e.key];
  if (extra) for (const [k, v] of Object.entries(extra)) rows.push([k, typeof v === 'number' ? v.toPrecision(4) : v]);
  const tbl = el('table', { id: 'event-observables' });
  for (const [k, v] of rows) tbl.append(el('tr', {}, el('th', { scope: 'row', text: k }), el('td', { text: v })));
  side!.replaceChildren(el('h2', { text: 'Observables' }), tbl,
    dataTable('objects drawn', ['type', 'collection', 'pT [GeV]', 'η', 'φ', 'R'], e.objects.slice().sort((a, b) => b.pt - a.pt).slice(0, 500).map((o) => [o.kind, o.collection, o.pt, o.eta, o.phi, o.radius ?? ''])));
}

window.addEventListener('keydown', (ev) => {
  const tag = (ev.target as HTMLElement | null)?.tagName;
  if (tag === 'INPUT' || tag === 'SELECT') return;
  if (ev.key === 'ArrowRight' || ev.key === 'n') go(1);
  else if (ev.key === 'ArrowLeft' || ev.key === 'p') go(-1);
  else return;
  ev.preventDefault();
});

window.addEventListener('message', (ev: MessageEvent<EventToWebview>) => {
  const msg = ev.data;
  if (msg.type !== 'events') return;
  // a reply to a jump or a page load may come without the extremes: keep the ones already known
  state.msg = msg.extremes || !state.msg?.extremes ? msg : { ...msg, extremes: state.msg.extremes };
  events = readPhoenixFile(msg.phoenix);
  state.index = Math.max(0, Math.min(events.length - 1, (msg.show ?? msg.from) - msg.from));
  save();
  canvases = undefined;
  draw();
});

if (state.msg) draw();
api.postMessage({ type: 'ready' });
