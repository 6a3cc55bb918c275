/**
 * Parse + validate time of a 2,000-line analysis file (target < 20 ms) and of the examples, next to the anchor:
 * the `yaml` package's own parseDocument on the same text (the floor any YAML-based validator pays). Best of N
 * runs, wall and CPU time (the machine is shared and noisy; the minimum is the figure least disturbed by other
 * work, CPU time less disturbed than wall time).
 */
import { parseDocument } from 'yaml';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseAnalysisText } from '../core/analysis/index';
import { bigAnalysis } from './analysis-validate-text';

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

const dir = join(import.meta.dirname, '..', 'examples');
for (const f of readdirSync(dir).filter((x) => x.endsWith('.hml.yaml'))) {
  const t = readFileSync(join(dir, f), 'utf8');
  const o = best(50, () => parseAnalysisText(t));
  const a = best(50, () => parseDocument(t));
  console.log(`  ${f.padEnd(34)} ${String(t.split('\n').length).padStart(3)} lines: hml cpu ${o.cpu.toFixed(2)} ms, yaml cpu ${a.cpu.toFixed(2)} ms, ratio ${(o.cpu / a.cpu).toFixed(2)}x`);
}
