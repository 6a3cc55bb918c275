/** Text of a large valid analysis file, shared by the validation benchmark and its profiling scripts. */
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

