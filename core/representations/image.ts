import type { EventBatch } from '../physics/events';
import { HmlError } from '../util/errors';
import { pseudorapidity as etaOf, phi as phiOf, rapidity as rapidityOf, wrapPhi } from '../physics/fourvector';
import { attributeValue, constituentRows, KINEMATIC_ATTRIBUTES, parseObjectPath, requireCollection } from './objects';
import { recluster, type Subjet } from './recluster';
import type { FeatureInfo, FlipSide, ImageSettings, Representation, RepresentationRows } from './types';

/**
 * Jet images. The pipeline works on plain arrays of points (x along the width, y along the height, one weight
 * per channel) so it can be tested on hand-built jets; `imageRepresentation` feeds it from event batches.
 *
 * Steps, in order: translate (a subjet or the jet axis to the origin, φ wrapped) → rotate (a subjet to the
 * requested orientation, degrees counter-clockwise from +width) → flip (mirror so the third subjet, or the
 * heavier half, lies on the chosen side) → pixelate (channel-weighted 2-D histogram) → normalise.
 *
 * Pixel convention: row r covers height [hmin + r·Δh, hmin + (r+1)·Δh), column c the same along the width, the
 * last bin closed on the right, exactly as numpy.histogram2d(height, width); plot with origin='lower'. Points
 * outside the range are dropped.
 */
export interface ImagePoints {
  /** Width coordinate per point. */
  readonly x: Float64Array;
  /** Height coordinate per point. */
  readonly y: Float64Array;
  /** One weight array per channel, same length as x. */
  readonly weights: readonly Float64Array[];
}

export interface ImageTransform {
  /** Point moved to the origin (already in x/y coordinates). */
  translate?: { x: number; y: number };
  /** Wrap differences into (−π, π] along these axes when translating (the φ axis). */
  wrapX?: boolean;
  wrapY?: boolean;
  /** Point (before translation) that should end up at `orientation` degrees. */
  rotate?: { x: number; y: number; orientation: number };
  /** Mirror so `reference` (before translation) or, without one, the heavier half lies on `side`. */
  flip?: { side: FlipSide; reference?: { x: number; y: number } };
}

/** Applies translate → rotate → flip to the points in place and returns them. */
export function transformPoints(points: ImagePoints, t: ImageTransform): ImagePoints {
  const { x, y } = points;
  const n = x.length;
  const tx = t.translate?.x ?? 0, ty = t.translate?.y ?? 0;
  const shift = (v: number, origin: number, wrap: boolean | undefined): number => (wrap ? wrapPhi(v - origin) : v - origin);
  for (let i = 0; i < n; i++) {
    x[i] = shift(x[i], tx, t.wrapX && t.translate !== undefined);
    y[i] = shift(y[i], ty, t.wrapY && t.translate !== undefined);
  }
  // Reference points go through the same translation so rotation and flip act in the translated frame.
  const moved = (p: { x: number; y: number }) => ({
    x: shift(p.x, tx, t.wrapX && t.translate !== undefined),
    y: shift(p.y, ty, t.wrapY && t.translate !== undefined),
  });
  let cos = 1, sin = 0;
  if (t.rotate) {
    const a = moved(t.rotate);
    if (a.x !== 0 || a.y !== 0) {
      const angle = (t.rotate.orientation * Math.PI) / 180 - Math.atan2(a.y, a.x);
      cos = Math.cos(angle);
      sin = Math.sin(angle);
      for (let i = 0; i < n; i++) {
        const xi = x[i], yi = y[i];
        x[i] = cos * xi - sin * yi;
        y[i] = sin * xi + cos * yi;
      }
    }
  }
  if (t.flip) {
    const horizontal = t.flip.side === 'left' || t.flip.side === 'right';
    const wantPositive = t.flip.side === 'right' || t.flip.side === 'up';
    let score: number;
    if (t.flip.reference) {
      const r = moved(t.flip.reference);
      score = horizontal ? cos * r.x - sin * r.y : sin * r.x + cos * r.y;
    } else {
      const w = points.weights[0];
      score = 0;
      for (let i = 0; i < n; i++) {
        const c = horizontal ? x[i] : y[i];
        if (c > 0) score += w[i];
        else if (c < 0) score -= w[i];
      }
    }
    if ((wantPositive && score < 0) || (!wantPositive && score > 0)) {
      const a = horizontal ? x : y;
      for (let i = 0; i < n; i++) a[i] = -a[i];
    }
  }
  return points;
}

/**
 * Adds the points into `out` at `offset` as an (H, W, C) channel-weighted histogram. `pixels` = [H, W],
 * `range` = [[hmin, hmax], [wmin, wmax]].
 */
export function pixelate(points: ImagePoints, pixels: readonly number[], range: ImageSettings['range'], out: Float32Array, offset = 0): void {
  const [H, W] = pixels;
  const C = points.weights.length;
  const [[h0, h1], [w0, w1]] = range;
  const sh = H / (h1 - h0), sw = W / (w1 - w0);
  const { x, y } = points;
  for (let i = 0; i < x.length; i++) {
    const yi = y[i], xi = x[i];
    if (!(yi >= h0 && yi <= h1 && xi >= w0 && xi <= w1)) continue;
    const r = Math.min(H - 1, Math.floor((yi - h0) * sh));
    const c = Math.min(W - 1, Math.floor((xi - w0) * sw));
    const base = offset + (r * W + c) * C;
    for (let k = 0; k < C; k++) out[base + k] += points.weights[k][i];
  }
}

/** Normalises one (H, W, C) image in place, channel by channel. */
export function normalizeImage(out: Float32Array, offset: number, size: number, channels: number, mode: ImageSettings['normalize']): void {
  if (!mode || mode === 'none') return;
  for (let k = 0; k < channels; k++) {
    if (mode === 'log') {
      for (let i = offset + k; i < offset + size; i += channels) {
        const v = out[i];
        out[i] = v >= 0 ? Math.log1p(v) : -Math.log1p(-v);
      }
      continue;
    }
    let s = 0;
    for (let i = offset + k; i < offset + size; i += channels) s = mode === 'max' ? Math.max(s, Math.abs(out[i])) : s + out[i];
    if (s === 0) continue;
    for (let i = offset + k; i < offset + size; i += channels) out[i] /= s;
  }
}

/** Parses `subjetK` into K, or undefined. */
export function subjetIndex(ref: string | undefined): number | undefined {
  const m = ref === undefined ? null : /^subjet(\d+)$/i.exec(ref.trim());
  return m ? Number(m[1]) : undefined;
}

type AxisKind = 'eta' | 'y' | 'phi';

function axisKind(attribute: string | undefined): AxisKind | undefined {
  if (attribute === 'eta') return 'eta';
  if (attribute === 'phi') return 'phi';
  if (attribute === 'y' || attribute === 'rapidity') return 'y';
  return undefined;
}

function axisOf(kind: AxisKind, px: number, py: number, pz: number, e: number): number {
  return kind === 'eta' ? etaOf(px, py, pz) : kind === 'phi' ? phiOf(px, py) : rapidityOf(px, py, pz, e);
}

/** Normalised flip setting. */
function flipOf(s: ImageSettings): { side: FlipSide; by: 'subjet2' | 'energy' } | undefined {
  if (s.flip === undefined || s.flip === false) return undefined;
  if (s.flip === true) return { side: 'right', by: 'energy' };
  if (typeof s.flip === 'string') return { side: s.flip, by: 'subjet2' };
  return { side: s.flip.side, by: s.flip.by ?? 'subjet2' };
}

/** The channel expressions, defaulting to the pT of the height axis' constituents. */
function channelsOf(s: ImageSettings): string[] {
  if (s.channel === undefined) {
    const h = parseObjectPath(s.height);
    return [h && h.index !== undefined ? `${h.collection}${h.index}.constituents.pt` : 'fatjet0.constituents.pt'];
  }
  return typeof s.channel === 'string' ? [s.channel] : [...s.channel];
}

/** Whether `translate` names the image's own object (its axis), e.g. `fatjet0` or `jet`. */
function translatesToObject(s: ImageSettings): boolean {
  if (s.translate === undefined) return false;
  const t = s.translate.trim().toLowerCase();
  if (t === 'jet') return true;
  const h = parseObjectPath(s.height);
  return !!h && h.index !== undefined && t === `${h.collection}${h.index}`;
}

/** Settings problems found before any event is read (messages say what to write instead). */
export function checkImageSettings(s: ImageSettings): string[] {
  const problems: string[] = [];
  const h = parseObjectPath(s.height), w = parseObjectPath(s.width);
  const channels = channelsOf(s);
  for (const [key, p] of [['height', h], ['width', w]] as const) {
    if (!p || !p.constituents || p.index === undefined || !axisKind(p.attribute)) {
      problems.push(`image ${key} must be a constituent coordinate such as fatjet0.constituents.${key === 'height' ? 'phi' : 'eta'} (eta, y or phi)`);
    }
  }
  if (h && w && (h.collection !== w.collection || h.index !== w.index)) problems.push('image height and width must use the constituents of the same object');
  if (channels.length === 0) problems.push('image needs at least one channel, e.g. fatjet0.constituents.pt');
  for (const c of channels) {
    const p = parseObjectPath(c);
    if (!p || !p.constituents || p.attribute === undefined || (h && (p.collection !== h.collection || p.index !== h.index))) {
      problems.push(`image channel '${c}' must be a constituent attribute of the same object, e.g. ${h?.collection ?? 'fatjet'}${h?.index ?? 0}.constituents.pt`);
    }
  }
  const pix = s.pixels;
  if (!Array.isArray(pix) || pix.length !== 2 || !pix.every((v) => Number.isInteger(v) && v > 0 && v <= 1024)) problems.push('image pixels must be [height, width], positive integers up to 1024');
  const rg = s.range;
  if (!Array.isArray(rg) || rg.length !== 2 || !rg.every((r) => Array.isArray(r) && r.length === 2 && r[0] < r[1])) problems.push('image range must be [[height min, height max], [width min, width max]] with min < max');
  if (s.translate !== undefined && !translatesToObject(s) && subjetIndex(s.translate) === undefined) problems.push(`image translate must be the image's object (${h ? `${h.collection}${h.index ?? 0}` : 'fatjet0'}) or 'subjetK' (K = 0, 1, …), not '${s.translate}'`);
  if (s.rotate && subjetIndex(s.rotate.axis) === undefined) problems.push(`image rotate axis must be 'subjetK', not '${s.rotate.axis}'`);
  if (s.rotate && !Number.isFinite(s.rotate.orientation)) problems.push('image rotate orientation must be a number of degrees');
  if (!s.subjets && (subjetIndex(s.translate) !== undefined || s.rotate)) problems.push("image translate/rotate to a subjet needs 'subjets: { algorithm, r }'");
  if (s.subjets && !(s.subjets.r > 0)) problems.push('image subjets r must be positive (radians in y-phi)');
  const f = flipOf(s);
  if (f && !['left', 'right', 'up', 'down'].includes(f.side)) problems.push(`image flip side must be left, right, up or down, not '${f.side}'`);
  if (s.normalize !== undefined && !['none', 'max', 'sum', 'log'].includes(s.normalize)) problems.push(`image normalize must be none, max, sum or log, not '${s.normalize}'`);
  return problems;
}

/**
 * One image from plain constituent arrays, for tests and for callers without events: massless constituents
 * given by (η, φ, pT) in (1, rad, GeV); width = η, height = φ, one channel = pT. Returns (H, W, 1) float32.
 */
export function imageFromConstituents(eta: ArrayLike<number>, phi: ArrayLike<number>, pt: ArrayLike<number>, s: Omit<ImageSettings, 'type' | 'height' | 'width' | 'channel'> & { readonly pixels: readonly [number, number] }): Float32Array {
  const n = eta.length;
  const px = new Float64Array(n), py = new Float64Array(n), pz = new Float64Array(n), e = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    px[i] = pt[i] * Math.cos(phi[i]);
    py[i] = pt[i] * Math.sin(phi[i]);
    pz[i] = pt[i] * Math.sinh(eta[i]);
    e[i] = pt[i] * Math.cosh(eta[i]);
  }
  const subjets = s.subjets ? recluster(px, py, pz, e, s.subjets.algorithm, s.subjets.r, s.subjets.min_pt ?? 0) : [];
  const jet = { px: sum(px), py: sum(py), pz: sum(pz), e: sum(e) };
  const points: ImagePoints = { x: Float64Array.from(eta), y: Float64Array.from(phi), weights: [Float64Array.from(pt)] };
  const full: ImageSettings = { ...s, type: 'image', height: 'jet0.constituents.phi', width: 'jet0.constituents.eta', channel: 'jet0.constituents.pt' };
  const out = new Float32Array(s.pixels[0] * s.pixels[1]);
  renderImage(points, subjets, jet, full, 'eta', 'phi', out, 0);
  return out;
}

function sum(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i];
  return s;
}

function renderImage(points: ImagePoints, subjets: readonly Subjet[], jet: { px: number; py: number; pz: number; e: number }, s: ImageSettings, xKind: AxisKind, yKind: AxisKind, out: Float32Array, offset: number): void {
  const at = (p: { px: number; py: number; pz: number; e: number }) => ({ x: axisOf(xKind, p.px, p.py, p.pz, p.e), y: axisOf(yKind, p.px, p.py, p.pz, p.e) });
  const t: ImageTransform = { wrapX: xKind === 'phi', wrapY: yKind === 'phi' };
  const ti = subjetIndex(s.translate);
  if (translatesToObject(s)) t.translate = at(jet);
  else if (ti !== undefined && subjets[ti]) t.translate = at(subjets[ti]);
  const ri = subjetIndex(s.rotate?.axis);
  // Without the requested subjet (too few prongs) the image is left unrotated; this is counted, not an error.
  if (s.rotate && ri !== undefined && subjets[ri]) t.rotate = { ...at(subjets[ri]), orientation: s.rotate.orientation };
  const f = flipOf(s);
  if (f) t.flip = { side: f.side, reference: f.by === 'subjet2' && subjets[2] ? at(subjets[2]) : undefined };
  transformPoints(points, t);
  pixelate(points, s.pixels, s.range, out, offset);
  normalizeImage(out, offset, s.pixels[0] * s.pixels[1] * points.weights.length, points.weights.length, s.normalize);
}

/** The `image` representation over event batches. */
export function imageRepresentation(s: ImageSettings): Representation {
  const problems = checkImageSettings(s);
  if (problems.length > 0) throw new HmlError('bad-image-settings', problems.join('; '), { exitCode: 2 });
  const hp = parseObjectPath(s.height)!, wp = parseObjectPath(s.width)!;
  const xKind = axisKind(wp.attribute)!, yKind = axisKind(hp.attribute)!;
  const channelNames = channelsOf(s);
  const channels = channelNames.map((c) => parseObjectPath(c)!.attribute!);
  const [H, W] = s.pixels;
  const C = channels.length;
  const rowSize = H * W * C;
  const features: FeatureInfo[] = channels.map((a, k) => ({
    name: channelNames[k],
    unit: s.normalize === 'max' || s.normalize === 'sum' ? '1' : s.normalize === 'log' ? `log1p(${KINEMATIC_ATTRIBUTES[a]?.unit ?? '1'})` : (KINEMATIC_ATTRIBUTES[a]?.unit ?? '1'),
    definition: `sum of constituent ${KINEMATIC_ATTRIBUTES[a]?.definition ?? a} per pixel${s.normalize && s.normalize !== 'none' ? `, normalised (${s.normalize})` : ''}`,
  }));
  return {
    kind: 'image',
    rowShape: [H, W, C],
    features,
    settings: s,
    evaluate(batch: EventBatch, select?: Uint8Array): RepresentationRows {
      const jets = requireCollection(batch, hp.collection, `image '${s.height}'`);
      let n = 0;
      for (let i = 0; i < batch.size; i++) if (!select || select[i]) n++;
      const data = new Float32Array(n * rowSize);
      let row = 0;
      for (let i = 0; i < batch.size; i++) {
        if (select && !select[i]) continue;
        const cons = constituentRows(batch, jets, i, hp.index!);
        if (cons) {
          const { source, rows, jetRow } = cons;
          const m = rows.length;
          const x = new Float64Array(m), y = new Float64Array(m);
          const weights = channels.map(() => new Float64Array(m));
          const px = new Float64Array(m), py = new Float64Array(m), pz = new Float64Array(m), e = new Float64Array(m);
          for (let k = 0; k < m; k++) {
            const r = rows[k];
            px[k] = source.px[r]; py[k] = source.py[r]; pz[k] = source.pz[r]; e[k] = source.e[r];
            x[k] = axisOf(xKind, px[k], py[k], pz[k], e[k]);
            y[k] = axisOf(yKind, px[k], py[k], pz[k], e[k]);
            for (let c = 0; c < C; c++) weights[c][k] = attributeValue(source, r, channels[c]);
          }
          const subjets = s.subjets ? recluster(px, py, pz, e, s.subjets.algorithm, s.subjets.r, s.subjets.min_pt ?? 0) : [];
          const jet = { px: jets.px[jetRow], py: jets.py[jetRow], pz: jets.pz[jetRow], e: jets.e[jetRow] };
          renderImage({ x, y, weights }, subjets, jet, s, xKind, yKind, data, row * rowSize);
        }
        // An event without the object keeps an all-zero image (preselection normally requires the object).
        row++;
      }
      return { n, data };
    },
  };
}
