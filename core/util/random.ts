import { createHash } from 'node:crypto';

/**
 * Seeded randomness. CONTRACTS.md: every random stream is seeded from hash(analysis seed, stage key, chunk
 * index), never from time or thread order. `deriveSeed` does that hashing; `Rng` is the generator.
 */
export function deriveSeed(...parts: (string | number)[]): bigint {
  const h = createHash('sha256').update(parts.map(String).join('\u0000')).digest();
  return h.readBigUInt64LE(0);
}

/**
 * Splitmix64 expansion of a 64-bit seed into `n` 32-bit words (lo, hi pairs): how both generators below turn one
 * seed into their state.
 */
function splitmix64Words(seed: bigint | number, n: number): number[] {
  let x = BigInt.asUintN(64, BigInt(seed));
  const words: number[] = [];
  for (let i = 0; i < n / 2; i++) {
    x = BigInt.asUintN(64, x + 0x9e3779b97f4a7c15n);
    let z = x;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    z = z ^ (z >> 31n);
    words.push(Number(z & 0xffffffffn), Number(z >> 32n));
  }
  return words;
}

/** The distributions, shared by both generators: each generator supplies only `uniform()`. */
abstract class RandomStream {
  private spareNormal = 0;
  private hasSpare = false;

  /** Uniform in [0, 1) with 53 random bits. */
  abstract uniform(): number;

  /** Uniform in [a, b). */
  range(a: number, b: number): number {
    return a + (b - a) * this.uniform();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal (Marsaglia polar method). */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spareNormal;
    }
    let u: number, v: number, s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    this.hasSpare = true;
    return u * f;
  }

  /** Exponential with mean 1. */
  exponential(): number {
    return -Math.log(1 - this.uniform());
  }

  /** Poisson with the given mean (Knuth for small means, normal approximation above 50). */
  poisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * this.normal()));
    const l = Math.exp(-mean);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.uniform();
    } while (p > l);
    return k - 1;
  }

  /** In-place Fisher–Yates shuffle. */
  shuffle<T extends { length: number; [i: number]: unknown }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
}

/**
 * xoshiro256** (Blackman & Vigna): fast, 2^256 − 1 period, good statistical quality. State seeded with
 * splitmix64 from a 64-bit seed. BigInt is avoided in the hot path: the state is kept as 32-bit halves.
 */
export class Rng extends RandomStream {
  private s: Uint32Array; // four 64-bit words as (lo, hi) pairs

  constructor(seed: bigint | number) {
    super();
    this.s = Uint32Array.from(splitmix64Words(seed, 8));
  }

  /** A child generator for a named sub-stream (e.g. one per event chunk). */
  static from(...parts: (string | number)[]): Rng {
    return new Rng(deriveSeed(...parts));
  }

  /** Next 64 random bits as two uint32 (hi first), xoshiro256** step on 32-bit halves. */
  private next64(out: Uint32Array): void {
    const s = this.s;
    // result = rotl(s1 * 5, 7) * 9
    const [m5lo, m5hi] = mul64(s[2], s[3], 5, 0);
    const [rlo, rhi] = rotl64(m5lo, m5hi, 7);
    const [r9lo, r9hi] = mul64(rlo, rhi, 9, 0);
    out[0] = r9hi;
    out[1] = r9lo;
    // t = s1 << 17
    const tlo = (s[2] << 17) >>> 0;
    const thi = ((s[3] << 17) | (s[2] >>> 15)) >>> 0;
    s[4] ^= s[0]; s[5] ^= s[1];
    s[6] ^= s[2]; s[7] ^= s[3];
    s[2] ^= s[4]; s[3] ^= s[5];
    s[0] ^= s[6]; s[1] ^= s[7];
    s[4] ^= tlo; s[5] ^= thi;
    const [r45lo, r45hi] = rotl64(s[6], s[7], 45);
    s[6] = r45lo; s[7] = r45hi;
  }

  private buf = new Uint32Array(2);

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    this.next64(this.buf);
    return (this.buf[0] >>> 11) * 2 ** -21 + this.buf[1] * 2 ** -53;
  }
}

function mul64(alo: number, ahi: number, blo: number, bhi: number): [number, number] {
  // 64-bit multiply mod 2^64 from 16-bit limbs (exact in doubles).
  const a0 = alo & 0xffff, a1 = alo >>> 16, a2 = ahi & 0xffff, a3 = ahi >>> 16;
  const b0 = blo & 0xffff, b1 = blo >>> 16, b2 = bhi & 0xffff, b3 = bhi >>> 16;
  let c0 = a0 * b0;
  let c1 = (c0 >>> 16) + a0 * b1;
  let c2 = c1 >>> 16;
  c1 = (c1 & 0xffff) + a1 * b0;
  c2 += c1 >>> 16;
  c2 += a0 * b2;
  let c3 = c2 >>> 16;
  c2 = (c2 & 0xffff) + a1 * b1;
  c3 += c2 >>> 16;
  c2 = (c2 & 0xffff) + a2 * b0;
  c3 += c2 >>> 16;
  c3 += a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  c0 &= 0xffff; c1 &= 0xffff; c2 &= 0xffff; c3 &= 0xffff;
  return [((c1 << 16) | c0) >>> 0, ((c3 << 16) | c2) >>> 0];
}

function rotl64(lo: number, hi: number, k: number): [number, number] {
  if (k >= 32) {
    [lo, hi] = [hi, lo];
    k -= 32;
  }
  if (k === 0) return [lo >>> 0, hi >>> 0];
  return [((lo << k) | (hi >>> (32 - k))) >>> 0, ((hi << k) | (lo >>> (32 - k))) >>> 0];
}

/**
 * xoshiro128** (Blackman & Vigna) on native 32-bit integer arithmetic: about 20× faster than `Rng` because it
 * needs no 64-bit emulation, for hot loops that draw thousands of numbers per event (the built-in generator).
 * Seeded like `Rng`: a 64-bit seed (from `deriveSeed`) expanded by splitmix64. Period 2^128 − 1.
 */
export class FastRng extends RandomStream {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: bigint | number) {
    super();
    [this.a, this.b, this.c, this.d] = splitmix64Words(seed, 4);
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** Next 32 random bits as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl32(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl32(this.d, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextUint32() >>> 5;
    const lo = this.nextUint32() >>> 6;
    return (hi * 67108864 + lo) * 1.1102230246251565e-16;
  }
}

function rotl32(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
