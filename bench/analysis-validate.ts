/**
 * Parse + validate time of a 2,000-line analysis file (target < 20 ms), next to the anchor: the `yaml` package's
 * own parseDocument on the same text (the floor any YAML-based validator pays). Best of N runs (the machine is
 * shared and noisy, so the minimum is the figure least disturbed by other work).
 */
import { parseDocument } from 'yaml';
import { parseAnalysisText } from '../core/analysis/index';

/** A valid analysis of about `lines` lines: many samples, datasets and methods. */
export function bigAnalysis(lines: number): string {
  const out = ['hml: 1', 'name: big', 'seed: 1', 'samples:'];
  let i = 0;
  const body: string[] = [];
  while (out.length + body.length < lines * 0.3) {
    out.push(`  s${i}:`, `    label: ${i % 2 ? 'signal' : 'background'}`, '    generator:', '      engine: builtin', `      process: ${i % 2 ? 'w-jets' : 'qcd-jets'}`, '      events: 10000', '      pt: [250, 300]');
    i++;
  }
  out.push('reconstruction:', '  jet: { algorithm: antikt, r: 0.4, min_pt: 20 }', '  fatjet: { algorithm: antikt, r: 1.0, min_pt: 200 }', 'preselection:', '  - fatjet.size > 0 and jet.size > 1', '  - 60 < fatjet0.mass < 120 or abs(fatjet0.eta) < 2', 'datasets:');
  let d = 0;
  while (out.length + body.length < lines * 0.7) {
    out.push(`  d${d}:`, '    type: set', '    observables: [fatjet0.mass, fatjet0.tau21, "jet0,jet1.delta_r", fatjet0.d2, sum(jet.pt), abs(jet0.eta)]', '    split: { train: 0.6, validation: 0.1, test: 0.3 }');
    d++;
  }
  out.push('methods:');
  let m = 0;
  while (out.length < lines - 3) {
    out.push(`  m${m}: { type: gbdt, dataset: d${m % d}, trees: 100, depth: 3 }`);
    m++;
  }
  out.push('evaluation:', '  metrics: [accuracy, auc, rejection@0.5]');
  return out.join('\n') + '\n';
}

/** Best of n, in ms: wall time and CPU time of this process (CPU time is less disturbed by other processes). */
function best(n: number, f: () => void): { wall: number; cpu: number } {
  let wall = Infinity;
  let cpu = Infinity;
  for (let i = 0; i < n; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    f();
    wall = Math.min(wall, performance.now() - t);
    const d = process.cpuUsage(c);
    cpu = Math.min(cpu, (d.user + d.system) / 1000);
  }
  return { wall, cpu };
}

const text = bigAnalysis(2000);
const check = parseAnalysisText(text);
if (check.diagnostics.length) throw new Error(`benchmark file is not clean: ${check.diagnostics[0].message}`);
for (let i = 0; i < 5; i++) parseAnalysisText(text);
const ours = best(30, () => parseAnalysisText(text));
const anchor = best(30, () => parseDocument(text));
console.log(`analysis of ${text.split('\n').length - 1} lines, best of 30:`);
console.log(`  hml parse+validate   wall ${ours.wall.toFixed(2)} ms   cpu ${ours.cpu.toFixed(2)} ms   (target < 20 ms)`);
console.log(`  yaml parseDocument   wall ${anchor.wall.toFixed(2)} ms   cpu ${anchor.cpu.toFixed(2)} ms   (anchor: YAML parsing alone)`);
console.log(`  ratio (cpu)          ${(ours.cpu / anchor.cpu).toFixed(2)}x`);
