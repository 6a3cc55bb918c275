/**
 * Helpers shared by the clustering tests and bench/clustering.ts: build our copy of fastjet-ref
 * (test/fixtures/fastjet-ref.cc) against Debian's libfastjet into test/.cache/, run it, and generate seeded
 * events in its text format.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../../core/util/random';

const here = dirname(fileURLToPath(import.meta.url));
export const ROOT = resolve(here, '..', '..');
const SRC = join(ROOT, 'test', 'fixtures', 'fastjet-ref.cc');
const BIN = join(ROOT, 'test', '.cache', 'fastjet-ref');

/** Compiles fastjet-ref if needed; returns its path, or null when g++ or libfastjet is missing. */
export function buildFastjetRef(): string | null {
  if (existsSync(BIN) && statSync(BIN).mtimeMs >= statSync(SRC).mtimeMs) return BIN;
  mkdirSync(dirname(BIN), { recursive: true });
  // test files run in parallel: build under a private name, then rename (atomic) so nobody runs a half binary
  const tmp = `${BIN}.${process.pid}.tmp`;
  try {
    execFileSync('g++', ['-O2', '-o', tmp, SRC, '-lfastjet'], { stdio: 'pipe' });
    renameSync(tmp, BIN);
    return BIN;
  } catch {
    return null;
  }
}

export function runFastjetRef(bin: string, args: string[], input: string): string {
  return execFileSync(bin, args, { input, maxBuffer: 1 << 28 }).toString();
}

/** One event as flat columns (GeV). */
export interface TextEvent {
  px: Float64Array;
  py: Float64Array;
  pz: Float64Array;
  e: Float64Array;
}

/** Shortest round-trip text of a double, keeping the sign of zero (φ = −π needs py = −0). */
function num(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

/** Writes events in fastjet-ref's text format with round-trip precision. */
export function formatEvents(events: TextEvent[]): string {
  const out: string[] = [];
  for (const ev of events) {
    out.push('#');
    for (let i = 0; i < ev.px.length; i++) out.push(`${num(ev.px[i])} ${num(ev.py[i])} ${num(ev.pz[i])} ${num(ev.e[i])}`);
  }
  return out.join('\n') + '\n';
}

function fromList(list: number[][]): TextEvent {
  const n = list.length;
  const ev = { px: new Float64Array(n), py: new Float64Array(n), pz: new Float64Array(n), e: new Float64Array(n) };
  list.forEach(([x, y, z, t], i) => {
    ev.px[i] = x;
    ev.py[i] = y;
    ev.pz[i] = z;
    ev.e[i] = t;
  });
  return ev;
}

function massless(pt: number, eta: number, phi: number, m = 0): number[] {
  const px = pt * Math.cos(phi), py = pt * Math.sin(phi), pz = pt * Math.sinh(eta);
  return [px, py, pz, Math.sqrt(px * px + py * py + pz * pz + m * m)];
}

/**
 * A pile-up-like event: `nHard` collimated sprays (hard jets with a few dozen particles) on top of soft
 * particles spread uniformly in |η| < etaMax, total n particles. Some particles carry a pion mass.
 */
export function generateEvent(rng: Rng, n: number, etaMax = 5, nHard = 3): TextEvent {
  const list: number[][] = [];
  const hard: [number, number, number][] = [];
  for (let h = 0; h < nHard; h++) hard.push([50 + 300 * rng.uniform(), rng.range(-2.5, 2.5), rng.range(-Math.PI, Math.PI)]);
  for (let i = 0; i < n; i++) {
    const m = rng.uniform() < 0.5 ? 0.13957 : 0;
    if (hard.length > 0 && rng.uniform() < 0.3) {
      const [ptj, etaj, phij] = hard[rng.int(hard.length)];
      const z = Math.max(1e-3, rng.exponential() * 0.05);
      list.push(massless(ptj * z, etaj + 0.15 * rng.normal(), phij + 0.15 * rng.normal(), m));
    } else {
      list.push(massless(0.2 + 1.5 * rng.exponential(), rng.range(-etaMax, etaMax), rng.range(-Math.PI, Math.PI), m));
    }
  }
  return fromList(list);
}

/**
 * An event full of exact ties that do not depend on the last bit of log/atan2 (V8's and glibc's differ in about
 * 1 value in 10): every particle has a mirror image with −pz (|y| bitwise equal, same φ), some are duplicated, pT
 * takes three values (equal kt²), and two particles sit exactly at φ = π from both sides (py = +0 and −0).
 */
export function generateTieEvent(rng: Rng, nBase: number): TextEvent {
  const list: number[][] = [];
  const pts = [5, 10, 20];
  for (let i = 0; i < nBase; i++) {
    const pt = pts[rng.int(pts.length)];
    const v = massless(pt, rng.range(0, 1.5), rng.range(-Math.PI, Math.PI));
    list.push(v);
    list.push([v[0], v[1], -v[2], v[3]]);
    if (rng.uniform() < 0.3) list.push(v.slice());
  }
  list.push([-7, 0, 3, Math.sqrt(49 + 9)]);
  list.push([-7, -0, -3, Math.sqrt(49 + 9)]);
  list.push([-7, 0, 0, 7]);
  return fromList(list);
}

/** Hand-made small events: empty, one particle, two particles at φ = ±π, η up to ±5, collinear pairs. */
export function edgeEvents(): TextEvent[] {
  return [
    fromList([]),
    fromList([massless(30, 0.3, 1.0)]),
    fromList([massless(25, 0, Math.PI), massless(25, 0.1, -Math.PI + 1e-12), massless(10, 0.05, Math.PI - 0.2)]),
    fromList([massless(40, 4.99, 0.2), massless(40, -4.99, 0.2), massless(30, 5, -0.1), massless(30, -5, 3.0)]),
    fromList([massless(20, 1, 1), massless(20, 1, 1), massless(20, 1.4, 1)]),
    fromList([[0, 0, 50, 50], [0, 0, -30, 30], massless(20, 0, 0)]),
  ];
}

export interface RefJet {
  pt: number;
  rap: number;
  phi: number;
  m: number;
  nconst: number;
  constituents?: number[];
  subjets?: { pt: number; rap: number; phi: number; m: number; nconst: number }[];
  tau?: number[];
}

/** Parses fastjet-ref's output (with the optional c/s/t lines). */
export function parseRefOutput(text: string): RefJet[][] {
  const events: RefJet[][] = [];
  let cur: RefJet[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('#event')) {
      cur = [];
      events.push(cur);
    } else if (line.startsWith('c')) {
      cur[cur.length - 1].constituents = line.slice(1).trim() === '' ? [] : line.slice(1).trim().split(' ').map(Number);
    } else if (line.startsWith('s ')) {
      const [pt, rap, phi, m, nconst] = line.slice(2).split(' ').map(Number);
      const j = cur[cur.length - 1];
      (j.subjets ??= []).push({ pt, rap, phi, m, nconst });
    } else if (line.startsWith('t ')) {
      cur[cur.length - 1].tau = line.slice(2).split(' ').map(Number);
    } else if (line.trim() !== '' && !line.startsWith('#')) {
      const [pt, rap, phi, m, nconst] = line.split(' ').map(Number);
      cur.push({ pt, rap, phi, m, nconst });
    }
  }
  return events;
}
