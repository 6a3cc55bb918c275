/**
 * Reads what MadGraph5 left in a process folder: runs (`Events/run_NN`), their multi_run sub-runs
 * (`run_NN_0`, `run_NN_1`, …) and MadSpin-decayed runs (`run_NN_decayed_1`), each with its cross section ± error
 * in pb, number of events, the seed that was really used, and the event files (LHE, Pythia8 HepMC, Delphes ROOT).
 *
 * The cross section is the banner's "Integrated weight (pb)" (full precision), not the rounded crossx.html table;
 * its error comes from the banner's `<init>` block, else from the run's LHE `<init>`. The seed is the banner's
 * `iseed`: MG5 changes seeds itself (multi_run sub-runs get their own), so the seed asked for is not proof.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HmlError } from '../../util/errors';
import { readLheHeader } from '../lhe';

export interface Mg5RunFiles {
  /** Parton-level events (`unweighted_events.lhe.gz`). */
  lhe?: string;
  /** Pythia8 output (`tag_N_pythia8_events.hepmc.gz`). */
  hepmc?: string;
  /** Delphes output (`tag_N_delphes_events.root`). */
  delphes?: string;
}

export interface Mg5Run {
  /** Folder name, e.g. `run_02`, `run_02_1`, `run_01_decayed_1`. */
  name: string;
  dir: string;
  banner?: string;
  /** Run tag from the banner name (`tag_1`). */
  tag?: string;
  /** pb. */
  crossSection?: number;
  /** pb. */
  crossSectionError?: number;
  nEvents?: number;
  /** iseed from the banner's run card: the seed MG5 really used. */
  seed?: number;
  files: Mg5RunFiles;
  /** multi_run sub-runs, in order. */
  subRuns: Mg5Run[];
  /** MadSpin-decayed versions of this run. */
  decayed: Mg5Run[];
}

export interface BannerFacts {
  crossSection?: number;
  crossSectionError?: number;
  nEvents?: number;
  seed?: number;
}

/** Facts of a banner text. */
export function parseBanner(text: string): BannerFacts {
  const facts: BannerFacts = {};
  const w = /Integrated weight \(pb\)\s*:\s*([-+\d.eE]+)/.exec(text);
  if (w) facts.crossSection = Number(w[1]);
  const n = /Number of Events\s*:\s*(\d+)/.exec(text);
  if (n) facts.nEvents = Number(n[1]);
  const s = /^\s*(\d+)\s*=\s*iseed\b/m.exec(text);
  if (s) facts.seed = Number(s[1]);
  const init = /<init>\s*\n[^\n]*\n\s*([-+\d.eE]+)\s+([-+\d.eE]+)/.exec(text);
  if (init) {
    facts.crossSectionError = Number(init[2]);
    if (facts.crossSection === undefined) facts.crossSection = Number(init[1]);
  }
  return facts;
}

const RUN_NAME = /^(run_\d+)(?:_(\d+))?(?:_decayed_(\d+))?$/;

function findFile(dir: string, test: (name: string) => boolean): string | undefined {
  if (!existsSync(dir)) return undefined;
  const names = readdirSync(dir).filter(test).sort();
  return names.length > 0 ? join(dir, names[0]) : undefined;
}

async function readRun(eventsDir: string, name: string): Promise<Mg5Run> {
  const dir = join(eventsDir, name);
  // banner: inside the run folder, or (multi_run) beside it as run_NN_banner.txt
  const banner = findFile(dir, (n) => n.endsWith('_banner.txt')) ?? (existsSync(join(eventsDir, `${name}_banner.txt`)) ? join(eventsDir, `${name}_banner.txt`) : undefined);
  const run: Mg5Run = {
    name,
    dir,
    banner,
    tag: banner ? /_(tag_\d+)_banner\.txt$/.exec(banner)?.[1] : undefined,
    files: {
      lhe: findFile(dir, (n) => /^unweighted_events\.lhe(\.gz)?$/.test(n)) ?? findFile(dir, (n) => /\.lhe(\.gz)?$/.test(n)),
      hepmc: findFile(dir, (n) => /pythia8_events\.hepmc(\.gz)?$/.test(n)) ?? findFile(dir, (n) => /\.hepmc3?(\.gz)?$/.test(n)),
      delphes: findFile(dir, (n) => /delphes_events\.root$/.test(n)) ?? findFile(dir, (n) => n.endsWith('.root')),
    },
    subRuns: [],
    decayed: [],
  };
  if (banner) Object.assign(run, stripUndefined(parseBanner(readFileSync(banner, 'utf8'))));
  if (run.crossSectionError === undefined && run.files.lhe) {
    try {
      const h = await readLheHeader(run.files.lhe);
      run.crossSectionError = h.crossSection?.error;
      run.crossSection ??= h.crossSection?.value;
    } catch {
      // a broken LHE file is reported when it is read; the run listing stays usable
    }
  }
  return run;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Every run of a MG5 process folder, in run order, with sub-runs and decayed runs attached. */
export async function parseMg5Output(procDir: string): Promise<Mg5Run[]> {
  const eventsDir = join(procDir, 'Events');
  if (!existsSync(eventsDir)) {
    throw new HmlError('mg5-no-output', `no Events folder in ${procDir}: MadGraph5 did not produce any run there`, { location: { file: procDir } });
  }
  const names = readdirSync(eventsDir).filter((n) => RUN_NAME.test(n) && statSync(join(eventsDir, n)).isDirectory());
  const byKey = (n: string): [number, number, number] => {
    const m = RUN_NAME.exec(n)!;
    return [Number(m[1].slice(4)), m[2] === undefined ? -1 : Number(m[2]), m[3] === undefined ? -1 : Number(m[3])];
  };
  names.sort((a, b) => {
    const x = byKey(a), y = byKey(b);
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
  const top = new Map<string, Mg5Run>();
  const pending: { run: Mg5Run; parent: string; sub: boolean }[] = [];
  for (const n of names) {
    const m = RUN_NAME.exec(n)!;
    const run = await readRun(eventsDir, n);
    if (m[2] === undefined && m[3] === undefined) top.set(m[1], run);
    else if (m[3] !== undefined) pending.push({ run, parent: m[2] === undefined ? m[1] : `${m[1]}_${m[2]}`, sub: false });
    else pending.push({ run, parent: m[1], sub: true });
  }
  // multi_run writes the combined banner beside the sub-runs: a run may exist only as sub-runs + banner
  for (const { parent, sub } of pending) {
    if (sub && !top.has(parent)) top.set(parent, await readRun(eventsDir, parent));
  }
  const all = new Map<string, Mg5Run>([...top]);
  for (const { run, parent, sub } of pending) {
    if (sub) {
      top.get(parent)!.subRuns.push(run);
      all.set(run.name, run);
    }
  }
  for (const { run, parent, sub } of pending) {
    if (!sub) (all.get(parent) ?? top.get(parent.replace(/_\d+$/, '')))?.decayed.push(run);
  }
  return [...top.values()];
}

/**
 * The event files a sample should read from a run: Delphes ROOT when the detector ran, else Pythia8 HepMC, else
 * LHE; taken from the run itself or, for multi_run, from its sub-runs (MadSpin-decayed versions preferred).
 */
export function eventFilesOf(run: Mg5Run, want: 'delphes' | 'hepmc' | 'lhe'): string[] {
  const pick = (r: Mg5Run): string | undefined => (r.decayed.length > 0 ? r.decayed[r.decayed.length - 1].files[want] : undefined) ?? r.files[want];
  const own = pick(run);
  if (own && (run.subRuns.length === 0 || want === 'lhe')) return [own];
  const subs = run.subRuns.map(pick).filter((f): f is string => f !== undefined);
  if (subs.length > 0) return subs;
  return own ? [own] : [];
}
