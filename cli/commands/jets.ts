/**
 * `hml jets FILE|- [--algorithm antikt|kt|cambridge|genkt] [--p P] [--r 0.4] [--min-pt 20] [--format text|json]
 * [--input NAME[,NAME...]]`: clusters the events of a file and prints the inclusive jets of each event.
 *
 * Input: the plain text format of fastjet-ref (`#` starts an event, then `px py pz E` per line, GeV), from a file
 * or stdin (`-`); LHE, HepMC3 and Delphes ROOT files are recognised by content and read with openEventFile
 * (their `particle` collection, or for Delphes the particle flow eflowtrack+eflowphoton+eflowneutralhadron;
 * `--input` picks other collections).
 *
 * Output (text): exactly fastjet-ref's layout and conventions, so the two can be diffed: per event
 * `#event i njets`, then one line `pt rap phi m nconst` per jet with pT ≥ min-pt, sorted by pT, in C's `%.10g`
 * (pt and m in GeV, rapidity y, φ in [0, 2π)). JSON: `{"algorithm", "r", "min_pt", "events": [{"event", "jets":
 * [{"pt", "rap", "phi", "m", "nconst", "constituents"}]}]}` with the same conventions and constituent indices
 * (0-based, within the event's input particles).
 */
import { readFileSync } from 'node:fs';
import { cluster, type JetAlgorithm } from '../../core/jets/cluster';
import { concatCollections } from '../../core/jets/reconstruct';
import type { EventBatch } from '../../core/physics/events';
import { validateMomenta } from '../../core/physics/fourvector';
import { openEventFile } from '../../core/sources/open';
import { readTextEvents } from '../../core/sources/text';
import { HmlError } from '../../core/util/errors';

export const summary = 'cluster the events of a file into jets (anti-kt, kt, Cambridge/Aachen; FastJet-exact)';

const USAGE = `usage: hml jets FILE|- [--algorithm antikt|kt|cambridge|genkt] [--p P] [--r 0.4] [--min-pt 20] [--format text|json] [--input NAME[,NAME...]]
  FILE    text events (fastjet-ref format: '#' starts an event, then 'px py pz E' per line, GeV), '-' for stdin,
          or an LHE / HepMC3 / Delphes ROOT file
  --algorithm  jet algorithm (default antikt); genkt needs --p
  --r          jet radius in y-phi (default 0.4)
  --min-pt     minimum jet pT in GeV (default 20)
  --format     text (fastjet-ref's layout, default) or json
  --input      collections to cluster for LHE/HepMC3/Delphes files (default particle; Delphes: particle flow)`;

/** C's printf `%.{p}g`, so our numbers print exactly as fastjet-ref's. */
export function formatG(x: number, p = 10): string {
  if (Number.isNaN(x)) return '-nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mant, e] = x.toExponential(p - 1).split('e');
  const X = Number(e);
  const strip = (s: string): string => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (X < -4 || X >= p) return `${strip(mant)}e${X < 0 ? '-' : '+'}${String(Math.abs(X)).padStart(2, '0')}`;
  return strip(x.toFixed(p - 1 - X));
}

interface Options {
  file: string;
  algorithm: JetAlgorithm;
  p?: number;
  r: number;
  minPt: number;
  format: 'text' | 'json';
  input?: string[];
}

function parseArgs(argv: string[]): Options | string {
  const o: Partial<Options> = { algorithm: 'antikt', r: 0.4, minPt: 20, format: 'text' };
  const num = (flag: string, v: string | undefined): number => {
    const x = Number(v);
    if (v === undefined || v === '' || !Number.isFinite(x)) throw new HmlError('cli.bad-number', `${flag} needs a number, got '${v ?? ''}'\n${USAGE}`);
    return x;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return USAGE;
    else if (a === '--algorithm') {
      const v = argv[++i];
      if (v !== 'antikt' && v !== 'kt' && v !== 'cambridge' && v !== 'genkt') throw new HmlError('cli.bad-algorithm', `--algorithm must be antikt, kt, cambridge or genkt, got '${v ?? ''}'`);
      o.algorithm = v;
    } else if (a === '--p') o.p = num(a, argv[++i]);
    else if (a === '--r') o.r = num(a, argv[++i]);
    else if (a === '--min-pt') o.minPt = num(a, argv[++i]);
    else if (a === '--format') {
      const v = argv[++i];
      if (v !== 'text' && v !== 'json') throw new HmlError('cli.bad-format', `--format must be text or json, got '${v ?? ''}'`);
      o.format = v;
    } else if (a === '--input') o.input = (argv[++i] ?? '').split(',').filter((s) => s !== '');
    else if (a.startsWith('--')) throw new HmlError('cli.unknown-option', `unknown option '${a}'\n${USAGE}`);
    else if (o.file === undefined) o.file = a;
    else throw new HmlError('cli.extra-argument', `unexpected argument '${a}'\n${USAGE}`);
  }
  if (o.file === undefined) throw new HmlError('cli.missing-file', `hml jets needs an input file (or - for stdin)\n${USAGE}`);
  return o as Options;
}

/** Whether a file holds fastjet-ref text events (first non-blank character '#', a digit, sign or dot). */
function looksLikeText(head: string): boolean {
  const t = head.trimStart();
  return t === '' || /^[#0-9+\-.]/.test(t);
}

async function* batchesOf(o: Options): AsyncGenerator<{ batch: EventBatch; inputs: string[] }> {
  if (o.file === '-') {
    yield { batch: readTextEvents(readFileSync(0, 'utf8'), '<stdin>'), inputs: ['particle'] };
    return;
  }
  let head: string;
  try {
    head = readFileSync(o.file).subarray(0, 256).toString('latin1');
  } catch (err) {
    throw new HmlError('file-read-error', `cannot read '${o.file}' (${(err as Error).message})`, { location: { file: o.file }, cause: err });
  }
  if (!head.startsWith('root') && looksLikeText(head)) {
    yield { batch: readTextEvents(readFileSync(o.file, 'utf8'), o.file), inputs: ['particle'] };
    return;
  }
  const f = await openEventFile(o.file);
  const inputs = o.input ?? (f.format === 'delphes' ? ['eflowtrack', 'eflowphoton', 'eflowneutralhadron'] : ['particle']);
  for await (const batch of f.batches()) yield { batch, inputs };
}

export async function run(argv: string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (typeof parsed === 'string') {
    process.stdout.write(parsed + '\n');
    return 0;
  }
  const o = parsed;
  if (o.algorithm === 'genkt' && o.p === undefined) throw new HmlError('cli.genkt-needs-p', 'genkt needs --p (the exponent of kt^{2p})');
  const def = { algorithm: o.algorithm, r: o.r, p: o.p };
  const out: string[] = [];
  const json: { event: number; jets: { pt: number; rap: number; phi: number; m: number; nconst: number; constituents: number[] }[] }[] = [];
  const flush = (): void => {
    if (out.length > 0) process.stdout.write(out.join('\n') + '\n');
    out.length = 0;
  };
  for await (const { batch, inputs } of batchesOf(o)) {
    const src = concatCollections(batch, o.input && o.file !== '-' ? o.input : inputs);
    for (let i = 0; i < batch.size; i++) {
      const ev = batch.firstEvent + i;
      const from = src.offsets[i], to = src.offsets[i + 1];
      validateMomenta(src.px, src.py, src.pz, src.e, from, to, ev, o.file === '-' ? '<stdin>' : o.file);
      const cs = cluster(src.px, src.py, src.pz, src.e, def, from, to - from);
      const jets = cs.inclusiveJets(o.minPt);
      if (o.format === 'text') {
        out.push(`#event ${ev} ${jets.length}`);
        for (const j of jets) out.push(`${formatG(cs.pt(j))} ${formatG(cs.rap[j])} ${formatG(cs.phi[j])} ${formatG(cs.m(j))} ${cs.constituents(j).length}`);
        if (out.length > 4096) flush();
      } else {
        json.push({
          event: ev,
          jets: Array.from(jets, (j) => ({ pt: cs.pt(j), rap: cs.rap[j], phi: cs.phi[j], m: cs.m(j), nconst: cs.constituents(j).length, constituents: Array.from(cs.constituents(j)).sort((a, b) => a - b) })),
        });
      }
    }
  }
  if (o.format === 'text') flush();
  else process.stdout.write(JSON.stringify({ algorithm: o.algorithm, r: o.r, p: o.p ?? null, min_pt: o.minPt, events: json }) + '\n');
  return 0;
}
