// Shared helpers of the event-source tests: fixture paths, a scratch folder, and the HepMC3 C++ peer.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES = resolve(REPO, '../shared/fixtures');
export const MG5_TREE = join(FIXTURES, 'mg5/pp2tt');
export const LHE_RUN01 = join(MG5_TREE, 'Events/run_01/unweighted_events.lhe.gz');
export const HEPMC3_FILE = join(FIXTURES, 'hepmc3/example_ee_Z_tautau_100ev.hepmc3');
export const DELPHES_FILE = join(FIXTURES, 'delphes/delphes_cms_10ev.root');

export function scratch(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `hml-${prefix}-`));
}

/** Builds test/fixtures/hepmc3-peer.cc against Debian's libhepmc3 into test/.cache (rebuilt when the source changes). */
export function hepmc3Peer(): string {
  const src = join(REPO, 'test/fixtures/hepmc3-peer.cc');
  const cache = join(REPO, 'test/.cache');
  mkdirSync(cache, { recursive: true });
  const exe = join(cache, 'hepmc3-peer');
  if (!existsSync(exe) || statSync(exe).mtimeMs < statSync(src).mtimeMs) {
    execFileSync('g++', ['-O1', '-std=c++17', '-o', exe, src, '-lHepMC3'], { stdio: 'pipe' });
  }
  return exe;
}

export function runPeer(args: string[]): string {
  return execFileSync(hepmc3Peer(), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}
