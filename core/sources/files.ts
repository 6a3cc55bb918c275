/**
 * The `files:` engine: a sample made of event files the user already has (LHE, HepMC3, Delphes ROOT, mixed
 * formats allowed), read one after the other as one stream of batches with continuous event numbers.
 *
 * Weights: each file is normalised on its own (Σw = σ_file), then scaled by 1 / (number of files), so that the
 * sample's Σw is the mean cross section of its files: the right thing for several statistically independent runs
 * of the same process (MG5 multi_run, split jobs). A `crossSection` given by the caller replaces every file's σ.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, resolve, dirname, join, sep } from 'node:path';
import { HmlError } from '../util/errors';
import { openEventFile } from './open';
import type { CrossSection, EventFile, ReadOptions, SourceEventBatch } from './types';

export interface FilesSourceSettings {
  /**
   * Paths or glob patterns (`*`, `?`, `[abc]` within a path segment, `**` for any depth), expanded in natural
   * order (run_2 before run_10); relative ones are resolved against `baseFile`'s folder or the working directory.
   */
  files: readonly string[];
  /** The analysis file, for relative paths and messages. */
  baseFile?: string;
  /** `auto` (sniff), or the format every file must have (`hepmc` is accepted for HepMC3). */
  format?: 'auto' | 'lhe' | 'hepmc' | 'hepmc3' | 'delphes';
  /** Tree name for Delphes files. */
  tree?: string;
}

const GLOB = /[*?[]/;

function segmentRegex(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const ch = seg[i];
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else if (ch === '[') {
      const end = seg.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        const body = seg.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += `[${body.startsWith('!') ? '^' + body.slice(1) : body}]`;
        i = end;
      }
    } else re += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Expands one absolute glob pattern (no matches: empty list). */
export function expandGlob(pattern: string): string[] {
  if (!GLOB.test(pattern)) return [pattern];
  const parts = pattern.split(sep);
  let current = [parts[0] === '' ? sep : parts[0]];
  for (let k = 1; k < parts.length; k++) {
    const seg = parts[k];
    if (seg === '') continue;
    const next: string[] = [];
    for (const dir of current) {
      if (seg === '**') {
        // zero or more folders
        const stack = [dir];
        while (stack.length > 0) {
          const d = stack.pop()!;
          next.push(d);
          for (const name of safeList(d)) if (isDir(join(d, name))) stack.push(join(d, name));
        }
      } else if (!GLOB.test(seg)) {
        const p = join(dir, seg);
        if (existsSync(p)) next.push(p);
      } else {
        const re = segmentRegex(seg);
        for (const name of safeList(dir)) if (re.test(name)) next.push(join(dir, name));
      }
    }
    current = [...new Set(next)];
  }
  return current.filter((p) => !isDir(p)).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
}

function safeList(d: string): string[] {
  try {
    return readdirSync(d).filter((n) => !n.startsWith('.'));
  } catch {
    return [];
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export interface FilesSource {
  files: EventFile[];
  /** Σ events over the files where every file knows its count. */
  nEvents?: number;
  /** Mean σ of the files (pb) with the error of the mean, where every file has one. */
  crossSection?: CrossSection;
  batches(): AsyncIterable<SourceEventBatch>;
}

export async function openFilesSource(settings: FilesSourceSettings, opts: ReadOptions = {}): Promise<FilesSource> {
  if (settings.files.length === 0) {
    throw new HmlError('files-empty', 'a `files:` sample needs at least one event file (LHE, HepMC3 or Delphes ROOT)', { location: { file: settings.baseFile } });
  }
  const base = settings.baseFile ? dirname(settings.baseFile) : process.cwd();
  const files: EventFile[] = [];
  const format = settings.format === 'hepmc' ? 'hepmc3' : (settings.format ?? opts.format);
  const readOpts: ReadOptions = { ...opts, format, tree: settings.tree ?? opts.tree };
  for (const f of settings.files) {
    const abs = isAbsolute(f) ? f : resolve(base, f);
    const paths = expandGlob(abs);
    if (paths.length === 0) {
      throw new HmlError('files-no-match', `no file matches ${f}; check the pattern (it is relative to the analysis file)`, { location: { file: settings.baseFile ?? abs } });
    }
    for (const p of paths) files.push(await openEventFile(p, readOpts));
  }
  const nEvents = files.every((f) => f.nEvents !== undefined) ? files.reduce((s, f) => s + (f.nEvents ?? 0), 0) : undefined;
  let crossSection: CrossSection | undefined;
  if (files.every((f) => f.crossSection)) {
    const v = files.reduce((s, f) => s + f.crossSection!.value, 0) / files.length;
    const e2 = files.reduce((s, f) => s + (f.crossSection!.error ?? 0) ** 2, 0);
    crossSection = { value: v, error: Math.sqrt(e2) / files.length };
  }
  const share = 1 / files.length;
  return {
    files,
    nEvents,
    crossSection,
    async *batches() {
      let offset = 0;
      let left = opts.maxEvents ?? Infinity;
      for (const f of files) {
        if (left <= 0) break;
        for await (const b of f.batches()) {
          const size = Math.min(b.size, left);
          const weights = b.weights.map((w) => w * share);
          const out: SourceEventBatch = size === b.size ? { ...b, firstEvent: offset, weights } : sliceBatch({ ...b, firstEvent: offset, weights }, size);
          offset += out.size;
          left -= out.size;
          yield out;
          if (left <= 0) break;
        }
      }
    },
  };
}

/** The first `n` events of a batch (used when `maxEvents` ends inside a batch). */
export function sliceBatch(b: SourceEventBatch, n: number): SourceEventBatch {
  const collections = new Map<string, import('../physics/events').Collection>();
  for (const [name, c] of b.collections) {
    const rows = c.offsets[n];
    let constituents = c.constituents;
    if (constituents) constituents = { source: constituents.source, offsets: constituents.offsets.slice(0, rows + 1), index: constituents.index.slice(0, constituents.offsets[rows]) };
    const fields: Record<string, Float64Array> = {};
    for (const [k, v] of Object.entries(c.fields)) fields[k] = v.slice(0, rows);
    collections.set(name, { ...c, offsets: c.offsets.slice(0, n + 1), px: c.px.slice(0, rows), py: c.py.slice(0, rows), pz: c.pz.slice(0, rows), e: c.e.slice(0, rows), fields, constituents });
  }
  let namedWeights: Map<string, Float64Array> | undefined;
  if (b.namedWeights) namedWeights = new Map([...b.namedWeights].map(([k, v]) => [k, v.slice(0, n)]));
  return { size: n, firstEvent: b.firstEvent, weights: b.weights.slice(0, n), collections, namedWeights };
}
