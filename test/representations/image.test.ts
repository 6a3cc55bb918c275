import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { imageFromConstituents, pixelate, normalizeImage, transformPoints } from '../../core/representations';
import type { ImageSettings } from '../../core/representations';

const PIX = [33, 33] as const;
const RANGE: ImageSettings['range'] = [[-1.6, 1.6], [-1.6, 1.6]];
const W = 33;
const at = (img: Float32Array, row: number, col: number): number => img[row * W + col];
const bin = (v: number): number => Math.floor((v + 1.6) / (3.2 / 33));

function nonZero(img: Float32Array): [number, number, number][] {
  const out: [number, number, number][] = [];
  for (let i = 0; i < img.length; i++) if (img[i] !== 0) out.push([Math.floor(i / W), i % W, img[i]]);
  return out;
}

test('two-prong jet across the phi wrap: translate to subjet0, rotate subjet1 to -90 degrees', () => {
  // prong A (pT 200 GeV) at eta 0.5, phi 3.1; prong B (80 GeV) at eta 0.9, phi -3.0: delta phi across the wrap is 0.1832.
  const eta = [0.5, 0.9], phi = [3.1, -3.0], pt = [200, 80];
  const img = imageFromConstituents(eta, phi, pt, {
    subjets: { algorithm: 'kt', r: 0.3 }, translate: 'subjet0', rotate: { axis: 'subjet1', orientation: -90 }, pixels: PIX, range: RANGE,
  });
  const dist = Math.hypot(0.4, 2 * Math.PI - 6.1);
  assert.deepEqual(nonZero(img).map(([r, c, v]) => [r, c, Math.round(v)]), [
    [bin(-dist), 16, 80],
    [16, 16, 200],
  ]);
  assert.equal(bin(-dist), 11);
});

test('without translation the jet stays where it is; translate to the jet axis centres it', () => {
  const img = imageFromConstituents([0.3], [0.2], [50], { pixels: PIX, range: RANGE });
  assert.deepEqual(nonZero(img), [[bin(0.2), bin(0.3), 50]]);
  const c = imageFromConstituents([0.3, 0.5], [0.2, 0.2], [50, 50], { translate: 'jet', pixels: PIX, range: RANGE });
  // the jet axis is at eta ~0.4: the two particles land symmetrically at +-0.1 in width.
  assert.deepEqual(nonZero(c).map(([r, col]) => [r, col]), [[16, bin(-0.1)], [16, bin(0.1)]]);
});

test('flip puts the third subjet on the chosen side (mirror across the rotation axis)', () => {
  // A at (0.5, 3.1), B 0.4 further in eta (rotated to straight down), C at (+0.1, +0.35): phi 3.45 wraps to -2.833.
  const eta = [0.5, 0.9, 0.6], phi = [3.1, 3.1, 3.1 + 0.35 - 2 * Math.PI], pt = [200, 80, 30];
  const base = { subjets: { algorithm: 'kt' as const, r: 0.3 }, translate: 'subjet0', rotate: { axis: 'subjet1', orientation: -90 }, pixels: PIX, range: RANGE };
  // rotation by -90 degrees maps (x, y) -> (y, -x): C -> (0.35, -0.1), already on the right.
  const right = imageFromConstituents(eta, phi, pt, { ...base, flip: 'right' });
  const left = imageFromConstituents(eta, phi, pt, { ...base, flip: { side: 'left' } });
  const none = imageFromConstituents(eta, phi, pt, base);
  assert.equal(at(none, bin(-0.1), bin(0.35)), 30);
  assert.deepEqual(right, none);
  assert.equal(at(left, bin(-0.1), bin(-0.35)), 30);
  assert.equal(at(left, bin(-0.4), 16), 80, 'subjet1 stays on the axis');
  assert.equal(at(left, 16, 16), 200);
});

test('flip by energy without a third subjet: the heavier half goes to the chosen side', () => {
  // right half (x > 0) holds 25 GeV, left half 10 GeV: side 'left' mirrors the width axis, side 'right' keeps it.
  const eta = [-0.3, 0.5, 0.2], phi = [0.1, 0.1, 0.1], pt = [10, 5, 20];
  const left = imageFromConstituents(eta, phi, pt, { flip: { side: 'left', by: 'energy' }, pixels: PIX, range: RANGE });
  assert.deepEqual(nonZero(left), [[bin(0.1), bin(-0.5), 5], [bin(0.1), bin(-0.2), 20], [bin(0.1), bin(0.3), 10]]);
  const right = imageFromConstituents(eta, phi, pt, { flip: { side: 'right', by: 'energy' }, pixels: PIX, range: RANGE });
  assert.deepEqual(nonZero(right), [[bin(0.1), bin(-0.3), 10], [bin(0.1), bin(0.2), 20], [bin(0.1), bin(0.5), 5]]);
  const down = imageFromConstituents(eta, phi, pt, { flip: { side: 'down', by: 'energy' }, pixels: PIX, range: RANGE });
  assert.equal(nonZero(down)[0][0], bin(-0.1));
});

test('normalise: sum gives total 1, max gives peak 1, log gives log1p', () => {
  const eta = [0.1, -0.2, 0.3], phi = [0.1, 0.2, -0.3], pt = [10, 30, 60];
  const s = imageFromConstituents(eta, phi, pt, { pixels: PIX, range: RANGE, normalize: 'sum' });
  assert.ok(Math.abs(s.reduce((a, b) => a + b, 0) - 1) < 1e-6);
  const m = imageFromConstituents(eta, phi, pt, { pixels: PIX, range: RANGE, normalize: 'max' });
  assert.equal(Math.max(...m), 1);
  const l = imageFromConstituents(eta, phi, pt, { pixels: PIX, range: RANGE, normalize: 'log' });
  assert.ok(Math.abs(Math.max(...l) - Math.log1p(60)) < 1e-5);
  const two = new Float32Array([1, 10, 3, 20]);
  normalizeImage(two, 0, 4, 2, 'max');
  assert.deepEqual(Array.from(two), [1 / 3, 0.5, 1, 1].map(Math.fround));
});

test('rotate without the requested subjet leaves the image unrotated; translate wraps phi', () => {
  const pts = { x: new Float64Array([1, 2]), y: new Float64Array([3.0, -3.0]), weights: [new Float64Array([1, 1])] };
  transformPoints(pts, { translate: { x: 1, y: 3.0 }, wrapY: true });
  assert.deepEqual(Array.from(pts.x), [0, 1]);
  assert.ok(Math.abs(pts.y[1] - (2 * Math.PI - 6)) < 1e-12);
});

test('pixelate equals numpy.histogram2d (Debian python3) on random points, 2 channels', () => {
  const n = 2000;
  const x = new Float64Array(n), y = new Float64Array(n), w0 = new Float64Array(n), w1 = new Float64Array(n);
  let s = 12345;
  const r = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let i = 0; i < n; i++) { x[i] = r() * 4 - 2; y[i] = r() * 4 - 2; w0[i] = Math.round(r() * 1000) / 10; w1[i] = 1; }
  x[0] = 1.6; y[0] = -1.6; // closed right edge, as numpy
  const img = new Float32Array(11 * 7 * 2);
  pixelate({ x, y, weights: [w0, w1] }, [11, 7], [[-1.6, 1.6], [-1.2, 1.6]], img);
  const script = `
import json, sys, numpy as np
d = json.load(sys.stdin)
x, y, w0 = np.array(d["x"]), np.array(d["y"]), np.array(d["w0"])
h0, _, _ = np.histogram2d(y, x, bins=[11, 7], range=[[-1.6, 1.6], [-1.2, 1.6]], weights=w0)
h1, _, _ = np.histogram2d(y, x, bins=[11, 7], range=[[-1.6, 1.6], [-1.2, 1.6]])
print(json.dumps(np.stack([h0, h1], axis=-1).astype(np.float32).ravel().tolist()))
`;
  const p = spawnSync('/usr/bin/python3', ['-c', script], { input: JSON.stringify({ x: Array.from(x), y: Array.from(y), w0: Array.from(w0) }), encoding: 'utf8' });
  assert.equal(p.status, 0, p.stderr);
  const ref = JSON.parse(p.stdout) as number[];
  for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(ref[i] - img[i]) <= 1e-4 * Math.max(1, Math.abs(ref[i])), `pixel ${i}: ${img[i]} vs numpy ${ref[i]}`);
});
