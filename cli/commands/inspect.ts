/**
 * `hml inspect FILE [--format json] [--max-events N]`: what an event file holds (LHE, HepMC3, Delphes ROOT):
 * format, number of events, collections with object counts, cross section (pb) if known, weights, and a summary
 * of the first event. JSON keys: `file`, `format`, `events`, `cross_section` ({value, error, unit: "pb"} or null),
 * `collections` ({name: {objects, events_with, mean_per_event}}), `weights` ({sum, min, max, negative}),
 * `first_event` ({weight, collections: {name: [{pt, eta, phi, mass, ...fields}]}}), `info`.
 */
import { openEventFile } from '../../core/sources/open';
import type { Collection } from '../../core/physics/events';
import { HmlError } from '../../core/util/errors';

export const summary = 'show what an event file (LHE, HepMC3, Delphes ROOT) holds';

const USAGE = 'usage: hml inspect FILE [--format text|json] [--max-events N] [--objects N]';

export interface InspectReport {
  file: string;
  format: string;
  events: number;
  cross_section: { value: number; error: number | null; unit: 'pb' } | null;
  collections: Record<string, { objects: number; events_with: number; mean_per_event: number }>;
  weights: { sum: number; min: number | null; max: number | null; negative: number };
  first_event: { weight: number; collections: Record<string, Record<string, number | null>[]> } | null;
  info: Record<string, unknown>;
}

function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}

function describe(c: Collection, row: number): Record<string, number | null> {
  const px = c.px[row], py = c.py[row], pz = c.pz[row], e = c.e[row];
  const pt = Math.hypot(px, py);
  const out: Record<string, number | null> = {
    pt: finiteOrNull(pt),
    eta: finiteOrNull(pt > 0 ? Math.asinh(pz / pt) : NaN),
    phi: finiteOrNull(Math.atan2(py, px)),
    mass: finiteOrNull(Math.sqrt(Math.max(0, e * e - px * px - py * py - pz * pz))),
  };
  for (const [k, v] of Object.entries(c.fields)) out[k] = finiteOrNull(v[row]);
  if (c.constituents) out.constituents = c.constituents.offsets[row + 1] - c.constituents.offsets[row];
  return out;
}

/** Reads the whole file (streaming) and summarises it. */
export async function inspectFile(path: string, opts: { maxEvents?: number; objects?: number } = {}): Promise<InspectReport> {
  const f = await openEventFile(path, { maxEvents: opts.maxEvents });
  const collections: InspectReport['collections'] = {};
  const weights = { sum: 0, min: Infinity, max: -Infinity, negative: 0 };
  let events = 0;
  let first: InspectReport['first_event'] = null;
  for await (const b of f.batches()) {
    for (const w of b.weights) {
      weights.sum += w;
      if (w < weights.min) weights.min = w;
      if (w > weights.max) weights.max = w;
      if (w < 0) weights.negative++;
    }
    for (const [name, c] of b.collections) {
      const s = (collections[name] ??= { objects: 0, events_with: 0, mean_per_event: 0 });
      s.objects += c.offsets[b.size] - c.offsets[0];
      for (let i = 0; i < b.size; i++) if (c.offsets[i + 1] > c.offsets[i]) s.events_with++;
    }
    if (!first && b.size > 0) {
      first = { weight: b.weights[0], collections: {} };
      for (const [name, c] of b.collections) {
        const rows: Record<string, number | null>[] = [];
        for (let r = c.offsets[0]; r < Math.min(c.offsets[1], c.offsets[0] + (opts.objects ?? 5)); r++) rows.push(describe(c, r));
        first.collections[name] = rows;
      }
    }
    events += b.size;
  }
  for (const s of Object.values(collections)) s.mean_per_event = events > 0 ? s.objects / events : 0;
  return {
    file: path,
    format: f.format,
    events,
    cross_section: f.crossSection ? { value: f.crossSection.value, error: f.crossSection.error ?? null, unit: 'pb' } : null,
    collections,
    weights: { sum: weights.sum, min: finiteOrNull(weights.min), max: finiteOrNull(weights.max), negative: weights.negative },
    first_event: first,
    info: f.info,
  };
}

function text(r: InspectReport): string {
  const lines = [`${r.file}`, `  format         ${r.format}`, `  events         ${r.events}`];
  lines.push(`  cross section  ${r.cross_section ? `${r.cross_section.value.toPrecision(6)}${r.cross_section.error !== null ? ` ± ${r.cross_section.error.toPrecision(3)}` : ''} pb` : 'unknown'}`);
  lines.push(`  weights        Σw = ${r.weights.sum.toPrecision(6)}${r.weights.negative ? `, ${r.weights.negative} negative` : ''}`);
  lines.push('  collections    objects   events with   per event');
  for (const [name, s] of Object.entries(r.collections)) lines.push(`    ${name.padEnd(20)} ${String(s.objects).padStart(8)} ${String(s.events_with).padStart(12)} ${s.mean_per_event.toFixed(2).padStart(11)}`);
  if (r.first_event) {
    lines.push('  first event');
    for (const [name, rows] of Object.entries(r.first_event.collections)) {
      for (const [i, o] of rows.entries()) {
        const f = (x: number | null) => (x === null ? 'nan' : x.toFixed(3));
        lines.push(`    ${name}[${i}]  pt ${f(o.pt)}  eta ${f(o.eta)}  phi ${f(o.phi)}  m ${f(o.mass)}`);
      }
    }
  }
  return lines.join('\n');
}

/** Where the command writes; tests pass their own. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const STDIO: Io = { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) };

export async function run(argv: string[], io: Io = STDIO): Promise<number> {
  let format = 'text';
  let file: string | undefined;
  let maxEvents: number | undefined;
  let objects: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      io.out(USAGE + '\n');
      return 0;
    } else if (a === '--format') format = argv[++i] ?? '';
    else if (a.startsWith('--format=')) format = a.slice(9);
    else if (a === '--max-events') maxEvents = Number(argv[++i]);
    else if (a === '--objects') objects = Number(argv[++i]);
    else if (a.startsWith('-')) {
      io.err(`hml inspect: unknown option ${a}\n${USAGE}\n`);
      return 2;
    } else if (file === undefined) file = a;
    else {
      io.err(`hml inspect: one file at a time\n${USAGE}\n`);
      return 2;
    }
  }
  if (!file || (format !== 'text' && format !== 'json') || (maxEvents !== undefined && !(maxEvents > 0)) || (objects !== undefined && !(objects >= 0))) {
    io.err(`${USAGE}\n`);
    return 2;
  }
  try {
    const r = await inspectFile(file, { maxEvents, objects });
    io.out((format === 'json' ? JSON.stringify(r, null, 2) : text(r)) + '\n');
    return 0;
  } catch (err) {
    if (err instanceof HmlError && format === 'json') {
      io.out(JSON.stringify({ error: { code: err.code, message: err.message, file: err.location?.file ?? file, event: err.location?.event ?? null, line: err.location?.line ?? null } }) + '\n');
      io.err(`hml: ${err.format()}\n`);
      return err.exitCode;
    }
    throw err;
  }
}
