/**
 * `hml check-bundle DIR`: re-validates a bundle anyone hands over. Checks, in order: SHA256SUMS covers exactly
 * the files present and every hash matches; the model card parses and its hashes agree; the ONNX header (IR
 * version, opsets) is what the card declares and what onnxruntime and the onnx 1.12 checker accept; the test
 * vectors run through onnxruntime reproduce the expected outputs within the card's tolerance. Flipping any byte
 * of any file fails at least one of these.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../util/hash';
import { listBundleFiles } from './bundle';
import { decodeNpy } from './npy';
import { IR_VERSION, ML_OPSET, OPSET, readModelHeader } from './onnx';
import { runOnnx, type FeedArray } from './runtime';

export interface BundleCheck {
  name: string;
  ok: boolean;
  message: string;
}

export interface BundleCheckResult {
  dir: string;
  ok: boolean;
  checks: BundleCheck[];
}

export async function checkBundle(dir: string): Promise<BundleCheckResult> {
  const checks: BundleCheck[] = [];
  const add = (name: string, ok: boolean, message: string): boolean => {
    checks.push({ name, ok, message });
    return ok;
  };
  const done = (): BundleCheckResult => ({ dir, ok: checks.length > 0 && checks.every((c) => c.ok), checks });
  if (!existsSync(join(dir, 'SHA256SUMS'))) {
    add('checksums', false, `${join(dir, 'SHA256SUMS')} is missing: not a HEP ML Lab bundle, or it was damaged`);
    return done();
  }

  // 1. SHA256SUMS: strict format, exactly the files present, every hash matching
  const sums = new Map<string, string>();
  let formatOk = true;
  const text = readFileSync(join(dir, 'SHA256SUMS'), 'utf8');
  if (!text.endsWith('\n')) formatOk = false;
  for (const line of text.split('\n').slice(0, -1)) {
    const m = /^([0-9a-f]{64}) {2}([A-Za-z0-9._/-]+)$/.exec(line);
    if (!m || sums.has(m[2])) formatOk = false;
    else sums.set(m[2], m[1]);
  }
  add('checksums-format', formatOk, formatOk ? `${sums.size} files listed` : 'SHA256SUMS has a malformed line');
  const present = listBundleFiles(dir).filter((f) => f !== 'SHA256SUMS');
  const unlisted = present.filter((f) => !sums.has(f));
  const missing = [...sums.keys()].filter((f) => !present.includes(f));
  add('checksums-files', unlisted.length === 0 && missing.length === 0, unlisted.length || missing.length ? `unlisted: ${unlisted.join(', ') || '-'}; missing: ${missing.join(', ') || '-'}` : 'every file is listed');
  const bad = [...sums].filter(([f, h]) => present.includes(f) && sha256Hex(readFileSync(join(dir, f))) !== h).map(([f]) => f);
  add('checksums-match', bad.length === 0, bad.length ? `sha256 differs for ${bad.join(', ')}` : 'every sha256 matches');

  // 2. the card
  let card: { files?: Record<string, string>; model?: { irVersion?: number; opsets?: Record<string, number> }; validation?: { tolerance?: number } } = {};
  try {
    card = JSON.parse(readFileSync(join(dir, 'model_card.json'), 'utf8')) as typeof card;
    const cardFiles = Object.entries(card.files ?? {});
    const disagree = cardFiles.filter(([f, h]) => sums.get(f) !== h).map(([f]) => f);
    add('model-card', cardFiles.length > 0 && disagree.length === 0, disagree.length ? `card hashes disagree with SHA256SUMS for ${disagree.join(', ')}` : `card lists ${cardFiles.length} files`);
  } catch (e) {
    add('model-card', false, `model_card.json unreadable: ${(e as Error).message}`);
  }

  // 3. ONNX header
  let model: Uint8Array | undefined;
  try {
    model = readFileSync(join(dir, 'model.onnx'));
    const h = readModelHeader(model);
    const wantOps: Record<string, number> = { '': OPSET };
    if (h.opsets['ai.onnx.ml'] !== undefined) wantOps['ai.onnx.ml'] = ML_OPSET;
    const ok = h.irVersion === IR_VERSION && h.opsets[''] === OPSET && (h.opsets['ai.onnx.ml'] === undefined || h.opsets['ai.onnx.ml'] === ML_OPSET) && h.outputs.includes('score');
    const declared = card.model?.irVersion === h.irVersion && (card.model?.opsets?.['ai.onnx'] ?? -1) === h.opsets[''];
    add('onnx-header', ok && declared, `IR ${h.irVersion}, opsets ${JSON.stringify(h.opsets)} (expected IR ${IR_VERSION}, opset ${OPSET}${wantOps['ai.onnx.ml'] ? `, ai.onnx.ml ${ML_OPSET}` : ''}${declared ? '' : '; the card declares something else'})`);
  } catch (e) {
    add('onnx-header', false, `model.onnx unreadable: ${(e as Error).message}`);
    model = undefined;
  }

  // 4. test vectors through onnxruntime
  try {
    const vectors = JSON.parse(readFileSync(join(dir, 'validation/vectors.json'), 'utf8')) as { inputs: { name: string; file: string }[]; expected: { file: string }; tolerance: { abs: number; rel: number } };
    const feeds: Record<string, FeedArray> = {};
    for (const i of vectors.inputs) {
      const a = decodeNpy(readFileSync(join(dir, i.file)), i.file);
      feeds[i.name] = { data: a.data as Float32Array, shape: a.shape };
    }
    const expected = decodeNpy(readFileSync(join(dir, vectors.expected.file)), vectors.expected.file).data;
    const tol = vectors.tolerance;
    if (card.validation?.tolerance !== undefined && card.validation.tolerance !== tol.abs) throw new Error('the tolerance in vectors.json differs from the card');
    if (!model) throw new Error('no model to run');
    const got = await runOnnx(model, feeds);
    let maxAbs = 0, fails = 0;
    for (let i = 0; i < expected.length; i++) {
      const d = Math.abs(got[i] - expected[i]);
      if (!(d <= tol.abs + tol.rel * Math.abs(expected[i]))) fails++;
      maxAbs = Math.max(maxAbs, Number.isNaN(d) ? Infinity : d);
    }
    add('test-vectors', fails === 0 && got.length === expected.length, `${expected.length} vectors, max |Δ| = ${maxAbs.toExponential(2)}, tolerance ${tol.abs}${fails ? `, ${fails} outside` : ''}`);
  } catch (e) {
    add('test-vectors', false, `could not run the test vectors: ${(e as Error).message}`);
  }
  return done();
}
