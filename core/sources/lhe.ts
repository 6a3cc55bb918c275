/**
 * Les Houches Event files (LHEF, hep-ph/0609017 and its 3.0 extension), plain or gzip.
 *
 * - `<init>`: beams (PDG id, energy in GeV), PDF group / set, IDWTUP, one (σ, δσ, max weight, process id) line per
 *   process; σ in pb.
 * - events: the final-state particles (ISTUP = 1) become the `particle` collection with fields `pdg_id`,
 *   `charge` (from the PDG id), `status`; momenta in GeV.
 * - weights: normalised so that Σw = σ over the whole file (CONTRACTS "Event weights"), σ = Σ XSECUP of the init
 *   block unless the caller gives one. MG5 LO files (`event_norm = average`) carry w = σ on every event, which
 *   becomes σ / N here, so that it is never multiplied by σ twice. Negative weights keep their sign. The normalisation
 *   needs Σw of the whole file, so opening the file makes one fast counting pass (bounded memory) first.
 * - `<rwgt><wgt id="...">` alternative weights are kept raw as `namedWeights`.
 */
import { CollectionBuilder } from '../physics/events';
import { HmlError } from '../util/errors';
import { assembleBatch, batchSizeOf, requestedCollections, weightScale } from './batch';
import { readLines, scanLineStarts } from './lines';
import { pdgCharge } from './pdg';
import type { CrossSection, EventFile, ReadOptions, SourceEventBatch } from './types';

export interface LheProcess {
  /** Cross section in pb. */
  xsec: number;
  /** Its statistical error in pb. */
  error: number;
  /** Maximum event weight. */
  maxWeight: number;
  /** Process id (LPRUP). */
  id: number;
}

export interface LheInit {
  beams: [{ pdgId: number; energy: number }, { pdgId: number; energy: number }];
  pdfGroup: [number, number];
  pdfSet: [number, number];
  /** Weighting strategy (±1 … ±4), see the LHEF paper. */
  idwtup: number;
  processes: LheProcess[];
}

export interface LheHeader {
  init: LheInit;
  /** Σ XSECUP (pb) with the errors added in quadrature. */
  crossSection?: CrossSection;
  /** Ids of the `<initrwgt>` weights, in file order. */
  weightNames: string[];
  /** "Number of Events" of MadGraph5's `<MGGenerationInfo>`, where present. */
  mgNumberOfEvents?: number;
  /** "Integrated weight (pb)" of MadGraph5's `<MGGenerationInfo>`, where present. */
  mgIntegratedWeight?: number;
  /** LHEF version attribute. */
  version?: string;
}

const FIELDS = ['pdg_id', 'charge', 'status'] as const;

function bad(path: string, code: string, message: string, line?: number, event?: number): HmlError {
  return new HmlError(code, message, { location: { file: path, line, event } });
}

/** Reads the header and `<init>` block only. */
export async function readLheHeader(path: string): Promise<LheHeader> {
  let lineNo = 0;
  let sawStart = false;
  let version: string | undefined;
  const weightNames: string[] = [];
  let mgN: number | undefined;
  let mgW: number | undefined;
  let initLines: string[] | undefined;
  for await (const raw of readLines(path)) {
    lineNo++;
    const line = raw.trim();
    if (!sawStart) {
      if (line === '' || line.startsWith('<?xml') || line.startsWith('<!--')) continue;
      if (!line.startsWith('<LesHouchesEvents')) {
        throw bad(path, 'lhe-bad-header', `the file is not a Les Houches event file: expected <LesHouchesEvents ...> at the top, found "${line.slice(0, 60)}"`, lineNo);
      }
      sawStart = true;
      version = /version="?([\d.]+)/.exec(line)?.[1];
      continue;
    }
    if (initLines) {
      if (line.startsWith('</init>')) break;
      if (line.startsWith('<') || line.startsWith('#') || line === '') continue;
      initLines.push(line);
      continue;
    }
    if (/^<init[\s>]/.test(line)) {
      initLines = [];
      continue;
    }
    if (line.startsWith('<event')) break;
    const w = /<weight\s+id=["']([^"']+)["']/.exec(line);
    if (w) weightNames.push(w[1]);
    const n = /Number of Events\s*:\s*([\d.eE+-]+)/.exec(line);
    if (n) mgN = Number(n[1]);
    const iw = /Integrated weight \(pb\)\s*:\s*([\d.eE+-]+)/.exec(line);
    if (iw) mgW = Number(iw[1]);
  }
  if (!sawStart) throw bad(path, 'lhe-bad-header', `the file is empty or not a Les Houches event file`, 1);
  if (!initLines || initLines.length === 0) throw bad(path, 'lhe-no-init', `the file has no <init> block; an LHE file needs one (beams, cross sections, IDWTUP)`, lineNo);
  const head = initLines[0].split(/\s+/).map(Number);
  if (head.length < 10 || head.slice(0, 10).some((x) => !Number.isFinite(x))) {
    throw bad(path, 'lhe-bad-init', `the first line of <init> must hold 10 numbers (IDBMUP EBMUP PDFGUP PDFSUP IDWTUP NPRUP)`, lineNo);
  }
  const nprup = head[9];
  const processes: LheProcess[] = [];
  for (let i = 0; i < nprup; i++) {
    const t = (initLines[1 + i] ?? '').split(/\s+/).map(Number);
    if (t.length < 4 || t.slice(0, 4).some((x) => !Number.isFinite(x))) throw bad(path, 'lhe-bad-init', `<init> announces ${nprup} processes but process line ${i + 1} is missing or not numeric`, lineNo);
    processes.push({ xsec: t[0], error: t[1], maxWeight: t[2], id: t[3] });
  }
  const init: LheInit = {
    beams: [
      { pdgId: head[0], energy: head[2] },
      { pdgId: head[1], energy: head[3] },
    ],
    pdfGroup: [head[4], head[5]],
    pdfSet: [head[6], head[7]],
    idwtup: head[8],
    processes,
  };
  const xs = processes.reduce((s, p) => s + p.xsec, 0);
  const err = Math.sqrt(processes.reduce((s, p) => s + p.error * p.error, 0));
  return {
    init,
    crossSection: processes.length > 0 && xs !== 0 ? { value: xs, error: err } : undefined,
    weightNames,
    mgNumberOfEvents: mgN,
    mgIntegratedWeight: mgW,
    version,
  };
}

/** Counting pass: number of events and the raw Σw (first line of each event), bounded memory, most lines undecoded. */
export async function scanLhe(path: string): Promise<{ nEvents: number; sumWeights: number }> {
  let n = 0;
  let sum = 0;
  let expectHead = false;
  await scanLineStarts(
    path,
    (c) => expectHead || c === 60 /* < */,
    (_c, line) => {
      if (line === undefined) return;
      if (expectHead) {
        const t = line.trim().split(/\s+/);
        sum += Number(t[2]);
        expectHead = false;
        return;
      }
      const s = line.trimStart();
      if (s.startsWith('<event') && (s.length === 6 || s[6] === '>' || s[6] === ' ')) {
        n++;
        expectHead = true;
      }
    },
  );
  return { nEvents: n, sumWeights: sum };
}

/** Opens an LHE file: reads its header, counts its events, and gives batches of normalised events. */
export async function openLhe(path: string, opts: ReadOptions = {}): Promise<EventFile> {
  const header = await readLheHeader(path);
  const { nEvents, sumWeights } = await scanLhe(path);
  const sigma = opts.crossSection ?? header.crossSection?.value;
  const scale = weightScale(sigma, sumWeights);
  const crossSection: CrossSection | undefined = opts.crossSection !== undefined ? { value: opts.crossSection } : header.crossSection;
  return {
    path,
    format: 'lhe',
    nEvents,
    crossSection,
    available: ['particle'],
    info: { version: header.version, init: header.init, weightNames: header.weightNames, sumWeights, weightScale: scale },
    batches: () => lheBatches(path, opts, scale),
  };
}

/** Streams batches; `scale` multiplies every event weight (see `openLhe`). */
export async function* lheBatches(path: string, opts: ReadOptions, scale: number): AsyncGenerator<SourceEventBatch> {
  const size = batchSizeOf(opts);
  const requested = requestedCollections(opts);
  const wantParticles = !requested || requested.has('particle');
  const max = opts.maxEvents ?? Infinity;
  let builder = new CollectionBuilder('particle', FIELDS);
  let weights: number[] = [];
  let named = new Map<string, number[]>();
  let first = 0;
  let event = -1; // index of the event being read
  let state: 'outside' | 'head' | 'particles' | 'tail' = 'outside';
  let remaining = 0;
  let eventStartLine = 0;
  let lineNo = 0;
  let done = 0;
  let sawEnd = false;
  const flush = (): SourceEventBatch => {
    const b = assembleBatch(first, weights, wantParticles ? [builder.finish()] : [], requested, named);
    first += weights.length;
    builder = new CollectionBuilder('particle', FIELDS);
    weights = [];
    named = new Map();
    return b;
  };
  const cutOff = (why: string): HmlError =>
    bad(path, 'lhe-truncated-event', `the event (starting on line ${eventStartLine}) is cut off: ${why}; the file is incomplete, regenerate or re-copy it`, lineNo, event);

  for await (const raw of readLines(path)) {
    lineNo++;
    if (state === 'outside') {
      const s = raw.trimStart();
      if (s.startsWith('<event') && (s.length === 6 || s[6] === '>' || s[6] === ' ')) {
        if (done >= max) break;
        event++;
        eventStartLine = lineNo;
        state = 'head';
      } else if (s.startsWith('</LesHouchesEvents')) {
        sawEnd = true;
        break;
      }
      continue;
    }
    if (state === 'head') {
      const t = raw.trim().split(/\s+/);
      const nup = Number(t[0]);
      const w = Number(t[2]);
      if (t.length < 6 || !Number.isInteger(nup) || nup < 0 || !Number.isFinite(w)) {
        if (raw.trimStart().startsWith('<')) throw cutOff('the event ends before its first line');
        throw bad(path, 'lhe-bad-event', `the first line must be "NUP IDPRUP XWGTUP SCALUP AQEDUP AQCDUP", found "${raw.trim().slice(0, 80)}"`, lineNo, event);
      }
      weights.push(w * scale);
      remaining = nup;
      state = remaining > 0 ? 'particles' : 'tail';
      continue;
    }
    if (state === 'particles') {
      const t = raw.trim().split(/\s+/);
      if (t.length < 11) {
        if (raw.trimStart().startsWith('<')) throw cutOff(`${remaining} particle line(s) missing`);
        throw bad(path, 'lhe-bad-event', `a particle line needs 13 columns (IDUP ISTUP MOTHUP ICOLUP PUP VTIMUP SPINUP), found ${t.length}`, lineNo, event);
      }
      const status = Number(t[1]);
      if (status === 1 && wantParticles) {
        const id = Number(t[0]);
        const px = Number(t[6]);
        const py = Number(t[7]);
        const pz = Number(t[8]);
        const e = Number(t[9]);
        if (![id, px, py, pz, e].every(Number.isFinite)) throw bad(path, 'lhe-bad-event', `a particle line holds a non-number`, lineNo, event);
        builder.add(px, py, pz, e, { pdg_id: id, charge: pdgCharge(id), status });
      }
      if (--remaining === 0) state = 'tail';
      continue;
    }
    // tail: optional blocks until </event>
    const s = raw.trim();
    if (s.startsWith('</event')) {
      if (wantParticles) builder.endEvent();
      for (const col of named.values()) if (col.length < weights.length) col.push(NaN);
      done++;
      state = 'outside';
      if (weights.length >= size) yield flush();
      continue;
    }
    if (s.startsWith('<event') || s.startsWith('</LesHouchesEvents')) throw cutOff('no </event> before the next tag');
    if (s.startsWith('<wgt')) {
      const m = /<wgt\s+id=["']?([^"'>\s]+)["']?\s*>\s*([^<\s]+)/.exec(s);
      if (m) {
        let col = named.get(m[1]);
        if (!col) {
          // a name first seen after some events: earlier events of this batch get NaN
          col = new Array<number>(weights.length - 1).fill(NaN);
          named.set(m[1], col);
        }
        col.push(Number(m[2]));
      }
    }
  }
  if (state !== 'outside') throw cutOff('the file ends inside the event');
  if (!sawEnd && done < max && event < 0) {
    // no events at all and no closing tag: nothing to yield, but say so if the file is not even closed
    throw bad(path, 'lhe-truncated-event', `the file ends before </LesHouchesEvents> and holds no event; it is incomplete`, lineNo);
  }
  if (weights.length > 0) yield flush();
}
