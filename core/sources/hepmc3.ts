/**
 * HepMC3 ASCII event files (`HepMC::Asciiv3`), plain or gzip: a streaming reader and a writer.
 *
 * Reader: the final-state particles (status 1) become the `particle` collection (fields `pdg_id`, `charge`,
 * `status`, `generated_mass`), momenta converted to GeV when the event says `U MEV`. Event attributes kept:
 * `GenCrossSection` (pb; the last event's value is the best estimate of a running generator), the weights with
 * the run's weight names. Weights are normalised so that Σw = σ over the file when σ is known (CONTRACTS "Event
 * weights"); that needs Σw of the whole file, so opening makes one counting pass first.
 * A last event without the `END_EVENT_LISTING` footer is kept when it is complete (HepMC3's own ReaderAscii
 * drops it); an event with fewer particle lines than its `E` line announces is a cut-off event and an error.
 *
 * Writer: final-state particles only (no vertices), units GEV MM, one `W` value per weight name, the cross
 * section as `GenCrossSection`; written to a temporary file and renamed, so no half file is left behind.
 */
import { closeSync, createWriteStream, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import { createGzip } from 'node:zlib';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { CollectionBuilder, type EventBatch } from '../physics/events';
import { HmlError } from '../util/errors';
import { simulateDiskFull, temporaryPathFor } from '../util/atomic';
import { assembleBatch, batchSizeOf, requestedCollections, weightScale } from './batch';
import { readLines, scanLineStarts } from './lines';
import { pdgCharge } from './pdg';
import type { CrossSection, EventFile, ReadOptions, SourceEventBatch } from './types';

const FIELDS = ['pdg_id', 'charge', 'status', 'generated_mass'] as const;

export interface Hepmc3Header {
  version?: string;
  /** Run-level weight names (`W` line before the first event). */
  weightNames: string[];
  /** Run attributes (`A name value` before the first event). */
  attributes: Record<string, string>;
  /** Tools (`T` lines). */
  tools: string[];
}

interface Scan {
  nEvents: number;
  /** Every particle line (all statuses). */
  nParticles: number;
  sumWeights: number;
  lastCrossSection?: CrossSection;
}

function bad(path: string, code: string, message: string, line?: number, event?: number): HmlError {
  return new HmlError(code, message, { location: { file: path, line, event } });
}

/** `W a\|b\|c` (HepMC3 escapes the newline between names as `\|`). */
function splitWeightNames(rest: string): string[] {
  return rest.split('\\|').map((s) => s.trim()).filter((s) => s.length > 0);
}

function parseCrossSection(value: string): CrossSection | undefined {
  const t = value.trim().split(/\s+/).map(Number);
  if (t.length < 2 || !Number.isFinite(t[0])) return undefined;
  return { value: t[0], error: Number.isFinite(t[1]) ? t[1] : undefined };
}

/** Header + counting pass in one go (bounded memory; particle lines are counted without being decoded). */
async function scanHepmc3(path: string): Promise<{ header: Hepmc3Header; scan: Scan }> {
  const header: Hepmc3Header = { weightNames: [], attributes: {}, tools: [] };
  const scan: Scan = { nEvents: 0, nParticles: 0, sumWeights: 0 };
  let lineNo = 0;
  let started = false;
  let inEvent = false;
  let eventHasWeight = false;
  let failure: HmlError | undefined;
  const P = 80, E = 69, W = 87, A = 65, T = 84, H = 72;
  await scanLineStarts(
    path,
    (c) => !started || c === W || c === A || c === T || c === H,
    (c, line) => {
      lineNo++;
      if (!started) {
        const l = line ?? '';
        if (l.trim() === '') return;
        if (l.startsWith('HepMC::Version')) {
          header.version = l.slice(14).trim();
          return;
        }
        if (l.startsWith('HepMC::Asciiv3-START_EVENT_LISTING')) {
          started = true;
          return;
        }
        if (l.startsWith('HepMC::IO_GenEvent-START_EVENT_LISTING') || l.startsWith('HepMC::Asciiv2')) {
          failure = bad(path, 'hepmc3-unsupported-version', `this is a HepMC2 file; convert it to HepMC3 ASCII (HepMC3's convert_example) or give the LHE file instead`, lineNo);
        } else {
          failure = bad(path, 'hepmc3-bad-header', `the file is not a HepMC3 ASCII file: expected "HepMC::Version" and "HepMC::Asciiv3-START_EVENT_LISTING" at the top, found "${l.slice(0, 60)}"`, lineNo);
        }
        return false;
      }
      if (c === P) {
        scan.nParticles++;
      } else if (c === E) {
        if (inEvent && !eventHasWeight) scan.sumWeights += 1;
        scan.nEvents++;
        inEvent = true;
        eventHasWeight = false;
      } else if (c === W) {
        const l = line!;
        if (!inEvent) header.weightNames = splitWeightNames(l.slice(2));
        else {
          const sp = l.indexOf(' ', 2);
          scan.sumWeights += Number(sp < 0 ? l.slice(2) : l.slice(2, sp));
          eventHasWeight = true;
        }
      } else if (c === A) {
        const l = line!;
        if (!inEvent) {
          const r = /^A\s+(\S+)\s*(.*)$/.exec(l);
          if (r) header.attributes[r[1]] = r[2];
        } else if (l.startsWith('A 0 GenCrossSection ')) {
          scan.lastCrossSection = parseCrossSection(l.slice(20)) ?? scan.lastCrossSection;
        }
      } else if (c === T && !inEvent) {
        header.tools.push(line!.slice(2));
      } else if (c === H && line!.startsWith('HepMC::Asciiv3-END_EVENT_LISTING')) {
        return false;
      }
    },
  );
  if (failure) throw failure;
  if (!started) throw bad(path, 'hepmc3-bad-header', `the file is empty or not a HepMC3 ASCII file`, 1);
  if (inEvent && !eventHasWeight) scan.sumWeights += 1;
  return { header, scan };
}

/** Opens a HepMC3 ASCII file (plain or gzip). */
export async function openHepmc3(path: string, opts: ReadOptions = {}): Promise<EventFile> {
  const { header, scan } = await scanHepmc3(path);
  const sigma = opts.crossSection ?? scan.lastCrossSection?.value;
  const scale = weightScale(sigma, scan.sumWeights);
  return {
    path,
    format: 'hepmc3',
    nEvents: scan.nEvents,
    crossSection: opts.crossSection !== undefined ? { value: opts.crossSection } : scan.lastCrossSection,
    available: ['particle'],
    info: { version: header.version, particles: scan.nParticles, weightNames: header.weightNames, attributes: header.attributes, tools: header.tools, sumWeights: scan.sumWeights, weightScale: scale },
    batches: () => hepmc3Batches(path, opts, scale, header.weightNames),
  };
}

async function* hepmc3Batches(path: string, opts: ReadOptions, scale: number, weightNames: string[]): AsyncGenerator<SourceEventBatch> {
  const size = batchSizeOf(opts);
  const requested = requestedCollections(opts);
  const want = !requested || requested.has('particle');
  const max = opts.maxEvents ?? Infinity;
  let builder = new CollectionBuilder('particle', FIELDS);
  let weights: number[] = [];
  let named = new Map<string, number[]>(weightNames.map((n) => [n, []]));
  let first = 0;
  let event = -1;
  let inEvent = false;
  let announced = 0;
  let seen = 0;
  let unit = 1;
  let hasWeight = false;
  let eventLine = 0;
  let lineNo = 0;
  let started = false;
  const flush = (): SourceEventBatch => {
    const b = assembleBatch(first, weights, want ? [builder.finish()] : [], requested, named);
    first += weights.length;
    builder = new CollectionBuilder('particle', FIELDS);
    weights = [];
    named = new Map(weightNames.map((n) => [n, []]));
    return b;
  };
  /** Closes the current event; false when the batch is full. */
  const closeEvent = (): void => {
    if (seen < announced) {
      throw bad(path, 'hepmc3-truncated-event', `the event (starting on line ${eventLine}) is cut off: its E line announces ${announced} particles but only ${seen} follow; the file is incomplete, regenerate or re-copy it`, lineNo, event);
    }
    if (!hasWeight) {
      weights.push(scale);
      for (const col of named.values()) col.push(NaN);
    }
    if (want) builder.endEvent();
    inEvent = false;
  };
  for await (const line of readLines(path)) {
    lineNo++;
    if (!started) {
      if (line.startsWith('HepMC::Asciiv3-START_EVENT_LISTING')) started = true;
      continue;
    }
    const c = line.charCodeAt(0);
    if (c === 80 /* P */) {
      if (!inEvent) continue;
      seen++;
      if (!want) continue;
      // P id parent pid px py pz e m status
      const t = line.split(' ');
      const status = Number(t[9]);
      if (status !== 1) continue;
      const pid = Number(t[3]);
      const px = Number(t[4]) * unit;
      const py = Number(t[5]) * unit;
      const pz = Number(t[6]) * unit;
      const e = Number(t[7]) * unit;
      const m = Number(t[8]) * unit;
      if (t.length < 10 || ![pid, px, py, pz, e].every(Number.isFinite)) {
        throw bad(path, 'hepmc3-bad-event', `particle line "${line.slice(0, 80)}" must read "P id parent pid px py pz e m status"`, lineNo, event);
      }
      builder.add(px, py, pz, e, { pdg_id: pid, charge: pdgCharge(pid), status, generated_mass: m });
    } else if (c === 69 /* E */) {
      if (inEvent) {
        closeEvent();
        if (weights.length >= size) yield flush();
      }
      if (event + 1 >= max) break;
      const t = line.split(/\s+/);
      event++;
      eventLine = lineNo;
      announced = Number(t[3]);
      if (!Number.isInteger(announced)) throw bad(path, 'hepmc3-bad-event', `the E line must read "E number vertices particles"`, lineNo, event);
      seen = 0;
      unit = 1;
      hasWeight = false;
      inEvent = true;
    } else if (c === 85 /* U */ && inEvent) {
      const u = line.split(/\s+/)[1];
      if (u === 'MEV') unit = 1e-3;
      else if (u === 'GEV') unit = 1;
      else throw bad(path, 'hepmc3-bad-units', `unknown momentum unit "${u}" (HepMC3 knows MEV and GEV)`, lineNo, event);
    } else if (c === 87 /* W */ && inEvent) {
      const t = line.trim().split(/\s+/);
      weights.push(Number(t[1]) * scale);
      for (let i = 0; i < weightNames.length; i++) named.get(weightNames[i])!.push(Number(t[1 + i]));
      hasWeight = true;
    } else if (line.startsWith('HepMC::Asciiv3-END_EVENT_LISTING')) {
      break;
    }
  }
  if (inEvent) closeEvent();
  if (weights.length > 0) yield flush();
}

export interface Hepmc3WriteOptions {
  /** Cross section (pb) and its error, written as each event's `GenCrossSection`. */
  crossSection?: CrossSection;
  /** Names of extra weights to take from `SourceEventBatch.namedWeights` (written after the nominal weight). */
  weightNames?: readonly string[];
  /** Collection holding the particles to write (default `particle`). */
  collection?: string;
}

function num(x: number): string {
  return Number.isFinite(x) ? x.toExponential(16) : '0.0000000000000000e+00';
}

/**
 * Writes batches as a HepMC3 ASCII file (gzip when the path ends in `.gz`). Momenta in GeV; the nominal weight is
 * the batch weight. Atomic: a temporary file beside the target is renamed into place only when complete.
 */
export async function writeHepmc3(path: string, batches: AsyncIterable<EventBatch> | Iterable<EventBatch>, opts: Hepmc3WriteOptions = {}): Promise<{ events: number }> {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = temporaryPathFor(path);
  const file = createWriteStream(tmp);
  const gz = path.endsWith('.gz');
  const out = gz ? createGzip() : file;
  if (gz) out.pipe(file);
  let failed: Error | undefined;
  const onErr = (e: Error): void => {
    failed ??= e;
  };
  file.on('error', onErr);
  out.on('error', onErr);
  const write = async (s: string): Promise<void> => {
    if (failed) throw failed;
    if (!out.write(s)) await new Promise<void>((res, rej) => {
      out.once('drain', res);
      out.once('error', rej);
    });
  };
  const collName = opts.collection ?? 'particle';
  const extra = opts.weightNames ?? [];
  let events = 0;
  try {
    simulateDiskFull(path);
    await write('HepMC::Version 3.01.02\nHepMC::Asciiv3-START_EVENT_LISTING\n');
    await write(`W ${['nominal', ...extra].join('\\|')}\n`);
    await write('T hep-ml-lab\\|0.1.0\\|HEP ML Lab event export\n');
    for await (const b of batches) {
      const c = b.collections.get(collName);
      const named = (b as { namedWeights?: ReadonlyMap<string, Float64Array> }).namedWeights;
      for (let i = 0; i < b.size; i++) {
        const lo = c ? c.offsets[i] : 0;
        const hi = c ? c.offsets[i + 1] : 0;
        const lines: string[] = [`E ${b.firstEvent + i} 0 ${hi - lo}`, 'U GEV MM'];
        const ws = [b.weights[i], ...extra.map((n) => named?.get(n)?.[i] ?? 0)];
        lines.push('W ' + ws.map(num).join(' '));
        if (opts.crossSection) {
          const xs = opts.crossSection;
          lines.push(`A 0 GenCrossSection ${xs.value.toExponential(8)} ${(xs.error ?? 0).toExponential(8)} -1 -1`);
        }
        for (let r = lo; r < hi; r++) {
          const px = c!.px[r], py = c!.py[r], pz = c!.pz[r], e = c!.e[r];
          const pid = c!.fields.pdg_id?.[r];
          const m2 = e * e - px * px - py * py - pz * pz;
          const m = c!.fields.generated_mass?.[r] ?? (m2 > 0 ? Math.sqrt(m2) : 0);
          const st = c!.fields.status?.[r];
          lines.push(`P ${r - lo + 1} 0 ${Number.isFinite(pid) ? pid : 0} ${num(px)} ${num(py)} ${num(pz)} ${num(e)} ${num(Number.isFinite(m) ? m : 0)} ${Number.isFinite(st) ? st : 1}`);
        }
        await write(lines.join('\n') + '\n');
        events++;
      }
    }
    await write('HepMC::Asciiv3-END_EVENT_LISTING\n\n');
    await new Promise<void>((res, rej) => {
      file.once('finish', res);
      file.once('error', rej);
      out.end();
    });
    if (failed) throw failed;
    const fd = openSync(tmp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    file.destroy();
    rmSync(tmp, { force: true });
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
      throw new HmlError('disk-full', `no space left on the device while writing ${path}; free some space and run again`, { exitCode: 1, cause: err });
    }
    throw err;
  }
  return { events };
}
