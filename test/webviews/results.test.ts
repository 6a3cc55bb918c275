/**
 * The results panel in headless Chromium with a real results.json (test/fixtures/extension/results.json, from
 * a run of test/fixtures/extension/tiny): chart data read back and compared with the file, the pixel where
 * each ROC curve crosses ε_S = 0.5, the metrics table, PNG export, no CSP violations, a screenshot, and
 * 10 methods × 100,000-point ROC curves drawn decimated.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import type { ResultsFile } from '../../protocol/results';
import { buildWebviews, cacheDir, launch, openPanel, removeBuild, until } from './harness';
import { OKABE_ITO } from '../../webviews/shared/ui';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/extension/results.json', import.meta.url), 'utf8')) as ResultsFile;
const summary = JSON.parse(readFileSync(new URL('../fixtures/extension/dataset-summary.json', import.meta.url), 'utf8')) as unknown;
let browser: Browser;

before(async () => {
  await buildWebviews();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  removeBuild();
});

/** 1/ε_B of a ROC at ε_S = 0.5, linear interpolation between the points around it. */
function rejectionAt(m: ResultsFile['methods'][number], eps: number): number {
  const { tpr, fpr } = m.roc.full;
  for (let i = 1; i < tpr.length; i++) {
    if (tpr[i - 1] <= eps && tpr[i] >= eps && fpr[i - 1] > 0) {
      const t = tpr[i] === tpr[i - 1] ? 0 : (eps - tpr[i - 1]) / (tpr[i] - tpr[i - 1]);
      // the chart draws straight segments between (ε_S, 1/ε_B) points on a log axis: interpolate log(1/ε_B)
      const a = Math.log(1 / fpr[i - 1]), b = Math.log(1 / fpr[i]);
      return Math.exp(a + t * (b - a));
    }
  }
  throw new Error('no crossing');
}

test('results panel: ROC data, crossing pixels, tables, PNG, screenshot', async () => {
  const p = await openPanel(browser, 'results');
  await p.send({ type: 'results', analysis: '/x/tiny.hml.yaml', results: fixture, datasets: { features: summary } });
  await p.page.waitForSelector('#chart-roc');

  // chart data = the fixture's ROC points (fewer than the decimation limit, so all of them)
  const roc = await p.page.evaluate(() => {
    const h = (window as unknown as { __hml: { charts: Record<string, { data: { datasets: { label: string; data: { x: number; y: number }[] }[] } }> } }).__hml;
    return h.charts.roc.data.datasets.map((d) => ({ label: d.label, data: d.data }));
  });
  assert.deepEqual(roc.map((d) => d.label), fixture.methods.map((m) => m.name));
  for (const [i, m] of fixture.methods.entries()) {
    const want = m.roc.full.tpr.map((t, k) => ({ x: t, y: 1 / m.roc.full.fpr[k] })).filter((q, k) => m.roc.full.fpr[k] > 0 && q.x > 0);
    assert.equal(roc[i].data.length, want.length, m.name);
    for (let k = 0; k < want.length; k++) {
      assert.ok(Math.abs(roc[i].data[k].x - want[k].x) < 1e-12 && Math.abs(roc[i].data[k].y - want[k].y) < 1e-9 * want[k].y, `${m.name} point ${k}`);
    }
  }

  // the pixel where each curve crosses ε_S = 0.5 has that method's colour (within a few pixels: line width, anti-aliasing)
  for (const [i, m] of fixture.methods.entries()) {
    const rej = rejectionAt(m, 0.5);
    const hit = await p.page.evaluate(({ rej, colour }) => {
      const h = (window as unknown as { __hml: { charts: Record<string, { scales: Record<string, { getPixelForValue(v: number): number }>; canvas: HTMLCanvasElement }> } }).__hml;
      const ch = h.charts.roc;
      // only this curve: hide the others so crossings of neighbours cannot be mistaken for it
      const c = ch as unknown as { data: { datasets: { label: string; hidden?: boolean }[] }; update(): void };
      c.data.datasets.forEach((d) => (d.hidden = d.label !== colour.label));
      c.update();
      const x = Math.round(ch.scales.x.getPixelForValue(0.5)), y = Math.round(ch.scales.y.getPixelForValue(rej));
      const ctx = ch.canvas.getContext('2d')!;
      const want = [parseInt(colour.hex.slice(1, 3), 16), parseInt(colour.hex.slice(3, 5), 16), parseInt(colour.hex.slice(5, 7), 16)];
      const d = ctx.getImageData(x - 3, y - 3, 7, 7).data;
      let best = Infinity;
      for (let k = 0; k < d.length; k += 4) best = Math.min(best, Math.abs(d[k] - want[0]) + Math.abs(d[k + 1] - want[1]) + Math.abs(d[k + 2] - want[2]));
      c.data.datasets.forEach((q) => (q.hidden = false));
      c.update();
      return { x, y, best };
    }, { rej, colour: { label: m.name, hex: OKABE_ITO[i] } });
    assert.ok(hit.best < 40, `${m.name}: no pixel of its colour near (${hit.x}, ${hit.y}) (closest distance ${hit.best})`);
  }

  // metrics table = the fixture's values
  const cells = await p.page.$$eval('#metrics-table tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent ?? '')));
  for (const [i, m] of fixture.methods.entries()) {
    assert.ok(cells[i][0].endsWith(m.name));
    const auc = m.metrics.find((x) => x.name === 'auc')!.value!;
    assert.ok(cells[i].some((c) => c.startsWith(auc.toPrecision(4))), `${m.name} AUC ${auc.toPrecision(4)} in ${cells[i].join(' | ')}`);
  }

  // score histograms, significance with its best point, training curves, learned cuts on the features
  const other = await p.page.evaluate(() => {
    const h = (window as unknown as { __hml: { charts: Record<string, { data: { datasets: { label: string; data: { x: number; y: number }[] }[] } }> } }).__hml;
    return Object.fromEntries(Object.entries(h.charts).map(([k, c]) => [k, c.data.datasets.map((d) => ({ label: d.label, n: d.data.length, first: d.data[0] }))]));
  });
  const cuts = fixture.methods[0];
  assert.equal(other.scores.length, 4);
  assert.equal(other.scores[0].n, cuts.scores.train.signal.length * 2);
  assert.ok(other.significance.some((d) => d.label.startsWith('best')));
  assert.ok(other['cut-0'], 'the first learned cut is drawn on its feature distribution');
  assert.equal(Object.keys(other).filter((k) => k.startsWith('cut-')).length, cuts.cuts!.length);

  // method switch by keyboard: focus the select, arrow down → bdt's curves
  await p.page.focus('#method-select');
  await p.page.keyboard.press('ArrowDown');
  await until(p.page, () => (document.getElementById('method-select') as HTMLSelectElement).value === 'bdt');
  const curveLen = await p.page.evaluate(() => (window as unknown as { __hml: { charts: Record<string, { data: { datasets: { label: string; data: unknown[] }[] } }> } }).__hml.charts.curves.data.datasets[0].data.length);
  assert.equal(curveLen, fixture.methods[1].curves.length);

  await p.page.click('#card-roc button');
  const png = (await p.posted()).find((m) => m.type === 'save-png');
  assert.ok(png && String(png.dataUrl).startsWith('data:image/png;base64,'));
  assert.deepEqual(p.errors, []);
  await p.page.screenshot({ path: join(cacheDir, 'results.png'), fullPage: true });
  await p.page.close();
});

test('results panel: live training curves while a run goes, then state restored', async () => {
  const p = await openPanel(browser, 'results', { bodyClass: 'vscode-high-contrast' });
  await p.send({ type: 'live', status: 'running', summary: 'train:mlp 2/5 epochs', epochs: [{ stage: 'train:mlp', epoch: 0, name: 'loss', value: 0.7 }, { stage: 'train:mlp', epoch: 1, name: 'loss', value: 0.6 }] });
  await p.page.waitForSelector('#chart-curves');
  const n = await p.page.evaluate(() => (window as unknown as { __hml: { charts: Record<string, { data: { datasets: { data: unknown[] }[] } }> } }).__hml.charts.curves.data.datasets[0].data.length);
  assert.equal(n, 2);
  const status = await p.page.textContent('#live-status');
  assert.match(status ?? '', /running: train:mlp 2\/5/);
  const saved = await p.page.evaluate(() => (window as unknown as { __state: { live: { epochs: unknown[] } } }).__state);
  assert.equal(saved.live.epochs.length, 2, 'state kept for a VS Code restart');
  await p.page.close();
});

test('results panel: 10 methods × 100,000-point ROC curves draw decimated, without freezing', async () => {
  const p = await openPanel(browser, 'results');
  const t = await p.page.evaluate(async () => {
    const N = 100_000;
    const methods = Array.from({ length: 10 }, (_, m) => {
      const tpr = new Array<number>(N), fpr = new Array<number>(N), thr = new Array<number>(N);
      for (let i = 0; i < N; i++) {
        const s = i / (N - 1);
        tpr[i] = s;
        fpr[i] = Math.pow(s, 2 + m * 0.5);
        thr[i] = 1 - s;
      }
      const roc = { tpr, fpr, thresholds: thr };
      return { name: `m${m}`, type: 'mlp', dataset: 'd', metrics: [], workingPoints: [], roc: { full: roc, decimated: roc }, scores: { edges: [0, 1], train: { signal: [1], background: [1] }, test: { signal: [1], background: [1] } }, curves: [] };
    });
    const t0 = performance.now();
    window.postMessage({ type: 'results', analysis: 'big', results: { version: 1, analysis: 'big', name: 'big', methods, cutflow: [], provenance: {} } }, '*');
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => requestAnimationFrame(() => r(null)));
    const h = (window as unknown as { __hml: { charts: Record<string, { data: { datasets: { data: unknown[] }[] } }> } }).__hml;
    const r = (window as unknown as { __hml: { renderMs: number[] } }).__hml.renderMs;
    return { total: performance.now() - t0, render: r[r.length - 1], points: h.charts.roc.data.datasets.map((d) => d.data.length) };
  });
  // `render` is the panel's own work (decimation, chart.js, tables); `total` adds the test's postMessage of 3M
  // numbers as plain arrays. Loose bound: 2 shared cores under other engineers' load are noisy.
  console.log(`# 10 × 100,000-point ROC: panel render ${t.render.toFixed(0)} ms, with message cloning ${t.total.toFixed(0)} ms; points drawn per curve ${Math.min(...t.points)}–${Math.max(...t.points)}`);
  assert.ok(Math.max(...t.points) <= 1200, 'decimated');
  assert.ok(t.render < 2500, `drawn in ${t.render} ms`);
  await p.page.close();
});
