/**
 * Event-file reading speed: our streaming LHE and HepMC3 readers against the C++ readers of Debian's HepMC3
 * library (the anchor: LHEF::Reader and HepMC3::ReaderAscii, built with -O2), on the same files, in the same run.
 * Figures are events per second, best of N (the machine is shared and noisy); the anchor's time is measured
 * inside the C++ program (no process start-up). Our time includes the counting pass that the weight normalisation
 * needs (Σw of the whole file) and building the columnar batches.
 *
 *   node --import tsx bench/readers.ts [repeats=5]
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { openEventFile } from '../core/sources/open';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CACHE = join(REPO, 'bench/.cache');
const FIX = resolve(REPO, '../shared/fixtures');
const N = Number(process.argv[2] ?? 5);

function peer(): string {
  const src = join(REPO, 'test/fixtures/hepmc3-peer.cc');
  const exe = join(CACHE, 'hepmc3-peer-O2');
  if (!existsSync(exe) || statSync(exe).mtimeMs < statSync(src).mtimeMs) execFileSync('g++', ['-O2', '-std=c++17', '-o', exe, src, '-lHepMC3']);
  return exe;
}

/** A HepMC3 file of `copies` × the shared 100 events, renumbered. */
function bigHepmc3(copies: number): string {
  const out = join(CACHE, `hepmc3-${copies * 100}.hepmc3`);
  if (existsSync(out)) return out;
  const text = readFileSync(join(FIX, 'hepmc3/example_ee_Z_tautau_100ev.hepmc3'), 'utf8');
  const start = text.indexOf('\nE ') + 1;
  const end = text.indexOf('HepMC::Asciiv3-END_EVENT_LISTING');
  const head = text.slice(0, start);
  const body = text.slice(start, end);
  const parts = [head];
  let n = 0;
  for (let c = 0; c < copies; c++) parts.push(body.replace(/^E \d+/gm, () => `E ${n++}`));
  parts.push('HepMC::Asciiv3-END_EVENT_LISTING\n\n');
  writeFileSync(out, parts.join(''));
  return out;
}

/** A plain LHE file of `copies` × the 100 events of the real MG5 run. */
function bigLhe(copies: number): string {
  const out = join(CACHE, `lhe-${copies * 100}.lhe`);
  if (existsSync(out)) return out;
  const text = gunzipSync(readFileSync(join(FIX, 'mg5/pp2tt/Events/run_01/unweighted_events.lhe.gz'))).toString('utf8');
  const start = text.indexOf('<event>');
  const end = text.lastIndexOf('</event>') + '</event>\n'.length;
  writeFileSync(out, text.slice(0, start) + text.slice(start, end).repeat(copies) + text.slice(end));
  return out;
}

async function ours(path: string): Promise<{ events: number; finals: number; sumAbsPx: number; seconds: number }> {
  const t0 = performance.now();
  const f = await openEventFile(path, { batchSize: 2000 });
  let events = 0;
  let finals = 0;
  let sumAbsPx = 0;
  for await (const b of f.batches()) {
    events += b.size;
    const p = b.collections.get('particle')!;
    finals += p.px.length;
    for (let i = 0; i < p.px.length; i++) sumAbsPx += Math.abs(p.px[i]);
  }
  return { events, finals, sumAbsPx, seconds: (performance.now() - t0) / 1000 };
}

function anchor(exe: string, mode: string, path: string): { events: number; finals: number; sumAbsPx: number; seconds: number } {
  const [events, finals, sumAbsPx, seconds] = execFileSync(exe, [mode, path], { encoding: 'utf8' }).trim().split(/\s+/).map(Number);
  return { events, finals, sumAbsPx, seconds };
}

async function main(): Promise<void> {
  mkdirSync(CACHE, { recursive: true });
  const exe = peer();
  const cases: [string, string, string][] = [
    ['HepMC3 ASCII (ee → Z → ττ, 12 particles/event)', bigHepmc3(200), 'count'],
    ['LHE (MG5 p p > t t~, 145 weights/event)', bigLhe(200), 'count-lhe'],
  ];
  console.log(`event-file reading, best of ${N} (events/s; ratio = ours / anchor, higher is better for us)`);
  for (const [label, path, mode] of cases) {
    let best = Infinity;
    let bestAnchor = Infinity;
    let o = await ours(path);
    let a = anchor(exe, mode, path);
    for (let k = 0; k < N; k++) {
      o = await ours(path);
      best = Math.min(best, o.seconds);
      a = anchor(exe, mode, path);
      bestAnchor = Math.min(bestAnchor, a.seconds);
    }
    if (o.events !== a.events || o.finals !== a.finals || Math.abs(o.sumAbsPx - a.sumAbsPx) > 1e-6 * a.sumAbsPx) {
      throw new Error(`${label}: ours and the anchor read different things: ${JSON.stringify(o)} vs ${JSON.stringify(a)}`);
    }
    const mb = statSync(path).size / 1e6;
    console.log(`${label}: ${o.events} events, ${mb.toFixed(1)} MB`);
    console.log(`  ours   ${(o.events / best).toFixed(0).padStart(9)} events/s  (${(mb / best).toFixed(1)} MB/s)`);
    console.log(`  anchor ${(a.events / bestAnchor).toFixed(0).padStart(9)} events/s  (${(mb / bestAnchor).toFixed(1)} MB/s, HepMC3 ${mode === 'count' ? 'ReaderAscii' : 'LHEF::Reader'} -O2)`);
    console.log(`  ratio  ${(bestAnchor / best).toFixed(2)}`);
  }
}

await main();
