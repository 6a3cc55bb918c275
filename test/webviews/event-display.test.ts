/**
 * The event display and the dataset inspector in headless Chromium: real Phoenix events of the tiny fixture
 * analysis (test/fixtures/extension/events.json from `hml events`), keyboard navigation, objects drawn where
 * their η and φ say, the 5,000-particle draw time (< 50 ms), and the dataset inspector against the fixture
 * `hml dataset summary` output. Screenshots go to test/.cache/webviews/.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { buildWebviews, cacheDir, launch, openPanel, removeBuild, until } from './harness';
import { TYPE_COLOURS } from '../../webviews/event-display/draw';
import type { ResultsFile } from '../../protocol/results';

const events = JSON.parse(readFileSync(new URL('../fixtures/extension/events.json', import.meta.url), 'utf8')) as { sample: string; from: number; total: number; events: Record<string, Record<string, unknown>> };
const summary = JSON.parse(readFileSync(new URL('../fixtures/extension/dataset-summary.json', import.meta.url), 'utf8')) as { features: { name: string; counts: number[][] }[]; splits: Record<string, { rows: number; perClass: number[] }> };
const results = JSON.parse(readFileSync(new URL('../fixtures/extension/results.json', import.meta.url), 'utf8')) as ResultsFile;
let browser: Browser;

before(async () => {
  await buildWebviews();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  removeBuild();
});

test('event display: real events, navigation by keyboard, jets where η and φ put them', async () => {
  const p = await openPanel(browser, 'event-display');
  await p.send({ type: 'events', analysis: '/x/tiny.hml.yaml', sample: events.sample, phoenix: events.events, from: 0, total: events.total });
  await p.page.waitForSelector('#eta-phi');
  assert.match((await p.page.textContent('#event-title')) ?? '', /wjets: event 0 of 600/);
  // the leading fat jet's centre pixel has the jet colour on its circle's edge; check its centre is inside the plot
  const first = Object.values(events.events)[0] as { Jets: Record<string, { eta: number; phi: number; pt: number; coneR: number }[]> };
  const fat = first.Jets.fatjet[0];
  const onCircle = await p.page.evaluate(({ eta, phi, R, hex }) => {
    const c = document.getElementById('eta-phi') as HTMLCanvasElement;
    const ctx = c.getContext('2d')!;
    const pad = 40, w = c.width, h = c.height;
    const x = pad + ((eta + 4) / 8) * (w - pad * 1.5);
    const y = h - pad - ((phi + Math.PI) / (2 * Math.PI)) * (h - pad * 1.5);
    const sx = (w - pad * 1.5) / 8;
    const want = [parseInt(hex.slice(1, 3), 16), parseInt(hex.slice(3, 5), 16), parseInt(hex.slice(5, 7), 16)];
    // the right-most point of the circle: (x + R·sx, y); dashed, so look along a few pixels of the arc
    let best = Infinity;
    for (let dy = -6; dy <= 6; dy++) {
      for (let dx = -2; dx <= 2; dx++) {
        const d = ctx.getImageData(Math.round(x + R * sx) + dx, Math.round(y) + dy, 1, 1).data;
        best = Math.min(best, Math.abs(d[0] - want[0]) + Math.abs(d[1] - want[1]) + Math.abs(d[2] - want[2]));
      }
    }
    return best;
  }, { eta: fat.eta, phi: fat.phi, R: fat.coneR, hex: TYPE_COLOURS.jet });
  assert.ok(onCircle < 60, `fat-jet circle found at its radius (colour distance ${onCircle})`);
  const obs = await p.page.$$eval('#event-observables tr', (rows) => Object.fromEntries(rows.map((r) => [r.querySelector('th')?.textContent ?? '', r.querySelector('td')?.textContent ?? ''])));
  assert.equal(obs['fatjet0 pT [GeV]'], fat.pt.toFixed(1));
  await p.page.screenshot({ path: join(cacheDir, 'event-display.png'), fullPage: true });

  await p.page.keyboard.press('ArrowRight');
  await until(p.page, () => /event 1 of/.test(document.getElementById('event-title')?.textContent ?? ''));
  await p.page.keyboard.press('ArrowLeft');
  await until(p.page, () => /event 0 of/.test(document.getElementById('event-title')?.textContent ?? ''));
  // past the loaded window: the panel asks the host for more
  for (let i = 0; i < 5; i++) await p.page.keyboard.press('ArrowRight');
  const asked = (await p.posted()).find((m) => m.type === 'load-events');
  assert.deepEqual({ from: asked?.from, show: asked?.show, sample: asked?.sample }, { from: 5, show: 5, sample: 'wjets' });
  assert.deepEqual(p.errors, []);
  await p.page.close();
});

test('event display: jump buttons from results.json extremes load the least signal-like signal event and show its score', async () => {
  const p = await openPanel(browser, 'event-display');
  // without extremes (older results): no jump buttons
  await p.send({ type: 'events', analysis: '/x/tiny.hml.yaml', sample: events.sample, phoenix: events.events, from: 0, total: events.total });
  await p.page.waitForSelector('#eta-phi');
  assert.equal(await p.page.$$eval('button[id^="jump-"]', (b) => b.length), 0);
  const extremes = Object.fromEntries(results.methods.filter((m) => m.extremes).map((m) => [m.name, m.extremes!]));
  const bdt = extremes.bdt;
  assert.ok(bdt && bdt.leastSignalLikeSignal.length > 1, 'the fixture results carry extremes for bdt');
  await p.send({ type: 'events', analysis: '/x/tiny.hml.yaml', sample: events.sample, phoenix: events.events, from: 0, total: events.total, extremes });
  await p.page.waitForSelector('#jump-bdt-least-signal-like-signal');
  assert.equal(await p.page.$$eval('button[id^="jump-"]', (b) => b.length), Object.keys(extremes).length * 2);
  await p.page.click('#jump-bdt-least-signal-like-signal');
  const target = bdt.leastSignalLikeSignal[0];
  const asked = (await p.posted()).filter((m) => m.type === 'load-events').at(-1);
  assert.deepEqual({ sample: asked?.sample, from: asked?.from, show: asked?.show }, { sample: target.sample, from: target.event, show: target.event });
  // the host answers through hml events --sample --from (here: the fixture events re-numbered from that event on)
  const phoenix = Object.fromEntries(Object.values(events.events).map((e, i) => [`Event ${target.event + i}`, { ...e, 'event number': target.event + i }]));
  await p.send({ type: 'events', analysis: '/x/tiny.hml.yaml', sample: target.sample, phoenix, from: target.event, total: events.total, show: target.event });
  await until(p.page, () => /event \d+ of/.test(document.getElementById('event-title')?.textContent ?? ''));
  assert.equal(await p.page.textContent('#event-title'), `${target.sample}: event ${target.event} of ${events.total}`);
  const obs = await p.page.$$eval('#event-observables tr', (rows) => Object.fromEntries(rows.map((r) => [r.querySelector('th')?.textContent ?? '', r.querySelector('td')?.textContent ?? ''])));
  assert.equal(obs['score (bdt)'], target.score.toPrecision(4));
  // the buttons survive the reply (it carried no extremes) and a second click walks to the next event of the list
  await p.page.click('#jump-bdt-least-signal-like-signal');
  const second = (await p.posted()).filter((m) => m.type === 'load-events').at(-1);
  assert.deepEqual({ sample: second?.sample, from: second?.from }, { sample: bdt.leastSignalLikeSignal[1].sample, from: bdt.leastSignalLikeSignal[1].event });
  assert.deepEqual(p.errors, []);
  await p.page.screenshot({ path: join(cacheDir, 'event-display-jump.png'), fullPage: true });
  await p.page.close();
});

test('event display: an event with 5,000 particles draws in < 50 ms', async () => {
  const p = await openPanel(browser, 'event-display');
  const big = await p.page.evaluate(async () => {
    // deterministic pseudo-random event (LCG), GeV
    let s = 12345;
    const rnd = (): number => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    const tracks: { pT: number; eta: number; phi: number; et: number }[] = [], clusters: { pT: number; eta: number; phi: number; et: number }[] = [];
    for (let i = 0; i < 5000; i++) {
      const o = { pT: 0.5 + 50 * rnd() ** 4, eta: -4 + 8 * rnd(), phi: -Math.PI + 2 * Math.PI * rnd(), et: 0 };
      o.et = o.pT;
      (i % 2 ? tracks : clusters).push(o);
    }
    const jets = Array.from({ length: 12 }, () => ({ pt: 30 + 300 * rnd(), eta: -2.5 + 5 * rnd(), phi: -Math.PI + 2 * Math.PI * rnd(), coneR: 0.4 }));
    const ev = { 'event number': 0, 'run number': 0, units: 'GeV', Tracks: { track: tracks }, CaloClusters: { tower: clusters }, Jets: { jet: jets, fatjet: [{ pt: 400, eta: 0.3, phi: 1, coneR: 1.0 }] }, MissingEnergy: { missinget: [{ etx: 30, ety: -40 }] } };
    window.postMessage({ type: 'events', analysis: 'big', sample: 'big', phoenix: { 'Event 0': ev }, from: 0, total: 1 }, '*');
    await new Promise((r) => setTimeout(r, 50));
    const h = (window as unknown as { __hml: { timings: number[]; draw(): void } }).__hml;
    for (let i = 0; i < 10; i++) h.draw();
    return h.timings.slice();
  });
  const best = Math.min(...big), median = big.slice().sort((a, b) => a - b)[Math.floor(big.length / 2)];
  console.log(`# 5,000-particle event (η–φ, x–y, jet image): best ${best.toFixed(1)} ms, median ${median.toFixed(1)} ms over ${big.length} draws (target < 50 ms)`);
  assert.ok(median < 50, `median draw ${median} ms`);
  await p.page.screenshot({ path: join(cacheDir, 'event-display-5000.png'), fullPage: true });
  await p.page.close();
});

test('dataset inspector: class counts and feature histograms from hml dataset summary', async () => {
  const p = await openPanel(browser, 'dataset');
  await p.send({ type: 'dataset', path: '/x/dataset.h5', summary });
  await p.page.waitForSelector('#class-counts');
  const rows = await p.page.$$eval('#class-counts tr', (tr) => tr.slice(1).map((r) => [...r.querySelectorAll('td')].map((c) => c.textContent)));
  assert.deepEqual(rows.map((r) => r.slice(0, 4)), Object.entries(summary.splits).map(([k, v]) => [k, String(v.rows), String(v.perClass[0]), String(v.perClass[1])]));
  // normalised step histograms: y of the first bin = count / total per class
  const data = await p.page.evaluate(() => {
    const h = (window as unknown as { __hml: { charts: Record<string, { data: { datasets: { label: string; data: { x: number; y: number }[] }[] } }> } }).__hml;
    return h.charts['feature-0'].data.datasets.map((d) => ({ label: d.label, y0: d.data[0].y, n: d.data.length }));
  });
  const f = summary.features[0];
  const tot = (v: number[]): number => v.reduce((a, b) => a + b, 0);
  assert.equal(data[0].label, 'signal');
  assert.ok(Math.abs(data[0].y0 - f.counts[1][0] / tot(f.counts[1])) < 1e-12);
  assert.ok(Math.abs(data[1].y0 - f.counts[0][0] / tot(f.counts[0])) < 1e-12);
  assert.equal(data[0].n, f.counts[1].length * 2);
  // the normalise toggle by keyboard
  await p.page.focus('#normalise');
  await p.page.keyboard.press('Space');
  await until(p.page, () => !(document.getElementById('normalise') as HTMLInputElement).checked);
  const raw = await p.page.evaluate(() => (window as unknown as { __hml: { charts: Record<string, { data: { datasets: { data: { y: number }[] }[] } }> } }).__hml.charts['feature-0'].data.datasets[0].data[0].y);
  assert.equal(raw, f.counts[1][0]);
  assert.deepEqual(p.errors, []);
  await p.page.screenshot({ path: join(cacheDir, 'dataset.png'), fullPage: true });
  await p.page.close();
});
