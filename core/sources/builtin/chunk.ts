/**
 * One fixed-size chunk of built-in events: the unit of work of the worker threads and the unit of seeding.
 * Each chunk's random stream is seeded from deriveSeed(seed, chunk index) (CONTRACTS "Seeds"), so a sample is the
 * same whatever the number of workers or the batch size.
 */
import type { EventBatch, Collection } from '../../physics/events';
import { FastRng, deriveSeed } from '../../util/random';
import { Detector, type DetectorOutput } from './detector';
import { EventGenerator, type StepTimes } from './event';
import { ColBuilder } from './output';
import type { BuiltinProcess } from './processes';
import { DEFAULT_SHOWER } from './shower';

/** Events per chunk (fixed: changing it changes every sample). */
export const CHUNK_EVENTS = 250;

/** Settings of one chunk (plain data: crosses the worker boundary). */
export interface ChunkSettings {
  process: BuiltinProcess;
  pt: [number, number];
  sqrtS: number;
  pileup: number;
  underlyingEvent: boolean;
  /** Seed as a decimal string (bigint does not need special handling in postMessage, but strings are simpler). */
  seed: string;
  alphaSMz?: number;
  recoil?: 'parton' | 'invisible';
}

export interface ChunkRequest {
  settings: ChunkSettings;
  chunk: number;
  firstEvent: number;
  events: number;
  /** Weight per event, pb. */
  weight: number;
}

/** Per-step time (ms) of a chunk, when asked for (bench). */
export interface ChunkTimes extends StepTimes {
  detector: number;
}

let cached: { key: string; gen: EventGenerator; det: Detector } | undefined;

function generatorFor(s: ChunkSettings): { gen: EventGenerator; det: Detector } {
  const key = JSON.stringify([s.process, s.pt, s.sqrtS, s.pileup, s.underlyingEvent, s.alphaSMz, s.recoil]);
  if (!cached || cached.key !== key) {
    const gen = new EventGenerator({
      process: s.process,
      pt: s.pt,
      sqrtS: s.sqrtS,
      pileup: s.pileup,
      underlyingEvent: s.underlyingEvent,
      recoil: s.recoil ?? 'parton',
      shower: { ...DEFAULT_SHOWER, alphaSMz: s.alphaSMz ?? DEFAULT_SHOWER.alphaSMz },
    });
    cached = { key, gen, det: cached?.det ?? new Detector() };
  }
  return cached;
}

/** Generates one chunk: truth particles, detector output and truth partons, as an EventBatch. */
export function generateChunk(req: ChunkRequest, times?: ChunkTimes): EventBatch {
  const { gen, det } = generatorFor(req.settings);
  gen.times = times;
  const rng = new FastRng(deriveSeed(req.settings.seed, req.chunk));
  // capacities from typical rows per event (w-jets, no pile-up) so that the builders rarely grow
  const n = req.events * (1 + req.settings.pileup);
  const out: DetectorOutput = {
    particle: new ColBuilder('particle', ['pdg_id', 'charge', 'status', 'vertex'], 360 * n),
    track: new ColBuilder('track', ['pdg_id', 'charge', 'vertex'], 120 * n),
    eflowtrack: new ColBuilder('eflowtrack', ['pdg_id', 'charge', 'vertex'], 120 * n),
    eflowphoton: new ColBuilder('eflowphoton', [], 50 * n),
    eflowneutralhadron: new ColBuilder('eflowneutralhadron', [], 40 * n),
    tower: new ColBuilder('tower', ['eem', 'ehad'], 100 * n),
    missinget: new ColBuilder('missinget', ['met', 'phi'], req.events),
    electron: new ColBuilder('electron', ['pdg_id', 'charge'], 64),
    muon: new ColBuilder('muon', ['pdg_id', 'charge'], 64),
    photon: new ColBuilder('photon', ['pdg_id'], 64),
  };
  const parton = new ColBuilder('parton', ['pdg_id', 'status'], 8 * req.events);
  const all = [...Object.values(out), parton];
  for (let i = 0; i < req.events; i++) {
    gen.generate(rng);
    const t0 = times ? performance.now() : 0;
    det.simulate(gen.hadrons, out, rng);
    if (times) times.detector += performance.now() - t0;
    const pl = gen.partons;
    for (let k = 0; k < gen.truthIdx.length; k++) {
      const p = gen.truthIdx[k];
      const r = parton.add(pl.px[p], pl.py[p], pl.pz[p], pl.e[p]);
      parton.f[0][r] = pl.pdg[p];
      parton.f[1][r] = gen.truthStatus[k];
    }
    for (const b of all) b.endEvent();
  }
  const collections = new Map<string, Collection>();
  for (const b of all) collections.set(b.name, b.finish());
  return { size: req.events, firstEvent: req.firstEvent, weights: new Float64Array(req.events).fill(req.weight), collections };
}
