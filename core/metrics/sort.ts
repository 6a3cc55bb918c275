/**
 * Argsort of scores in descending order. Every ROC-like metric starts with this sort, and on 10⁶ scores a
 * comparator sort over an index array is the dominant cost, so large inputs use an LSD radix sort over the
 * 64-bit pattern of the float64 value (order-preserving bit transform), skipping 16-bit digits that are the same
 * for every key (float32 scores widened to float64 have 29 zero low bits, so two of four passes vanish).
 *
 * NaN sorts below −∞ (a NaN score is the least signal-like); −0 and +0 are tied.
 * Ties keep their input order (the sort is stable), which makes every derived sum deterministic.
 */
export function argsortDescending(scores: ArrayLike<number>): Uint32Array {
  const n = scores.length;
  if (n < 4096) return comparatorArgsort(scores);
  return radixArgsort(scores);
}

function comparatorArgsort(scores: ArrayLike<number>): Uint32Array {
  const n = scores.length;
  const idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  const key = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    key[i] = Number.isNaN(s) ? -Infinity : s === 0 ? 0 : s;
  }
  const nan = new Uint8Array(n);
  for (let i = 0; i < n; i++) nan[i] = Number.isNaN(scores[i]) ? 1 : 0;
  // Typed-array sort is not guaranteed stable with a comparator, so the index breaks ties.
  idx.sort((a, b) => key[b] - key[a] || nan[a] - nan[b] || a - b);
  return idx;
}

function radixArgsort(scores: ArrayLike<number>): Uint32Array {
  const n = scores.length;
  const f = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = scores[i];
    f[i] = s === 0 ? 0 : s; // collapses −0 onto +0
  }
  const words = new Uint32Array(f.buffer); // little-endian: [lo, hi] per value
  const hi = new Uint32Array(n);
  const lo = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(f[i])) {
      // all ones: the largest key, so NaN ends up last in the descending order
      hi[i] = 0xffffffff;
      lo[i] = 0xffffffff;
      continue;
    }
    let h = words[2 * i + 1];
    let l = words[2 * i];
    if (h & 0x80000000) {
      // negative numbers: invert every bit, so that a larger magnitude sorts lower
      h = ~h >>> 0;
      l = ~l >>> 0;
    } else {
      h = (h | 0x80000000) >>> 0;
    }
    // ascending order of the complemented key is descending order of the score
    hi[i] = ~h >>> 0;
    lo[i] = ~l >>> 0;
  }
  let idx = new Uint32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  let tmp = new Uint32Array(n);
  const count = new Uint32Array(65536);
  const passes: [Uint32Array, number][] = [
    [lo, 0],
    [lo, 16],
    [hi, 0],
    [hi, 16],
  ];
  for (const [key, shift] of passes) {
    count.fill(0);
    for (let i = 0; i < n; i++) count[(key[i] >>> shift) & 0xffff]++;
    if (count[(key[0] >>> shift) & 0xffff] === n) continue; // this digit is the same everywhere
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const r = idx[i];
      tmp[count[(key[r] >>> shift) & 0xffff]++] = r;
    }
    const t = idx;
    idx = tmp;
    tmp = t;
  }
  return idx;
}
