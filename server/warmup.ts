/**
 * JIT warm-up: a fresh server process has not optimised the YAML parser and the validator yet, so the first few
 * validations after startup run several times slower than later ones. Parsing a small analysis a few dozen times
 * in idle turns of the event loop (never in front of a request) makes the first keystrokes as fast as later ones.
 */
const SAMPLE = `hml: 1
name: warmup
samples:
  w: { label: signal, generator: { engine: builtin, process: w-jets, events: 1000, pt: [250, 300] } }
  q:
    label: background
    generator:
      engine: madgraph5
      processes: ["p p > j j"]
      settings: { ptj: 200, etaj: 2.5 }
reconstruction:
  fatjet: { algorithm: antikt, r: 1.0, min_pt: 200 }
preselection:
  - fatjet.size > 0 and abs(fatjet0.eta) < 2
datasets:
  f:
    type: set
    observables: [fatjet0.mass, fatjet0.tau21, "jet0,jet1.delta_r"]
    split: { train: 0.7, test: 0.3 }
  i:
    type: image
    height: fatjet0.constituents.phi
    width: fatjet0.constituents.eta
methods:
  b: { type: gbdt, dataset: f, trees: 10 }
  c: { type: cnn, dataset: i }
evaluation:
  metrics: [auc, rejection@0.5]
`;

/** Runs `parse` on variants of a small analysis, one per idle turn, `rounds` times in all. */
export function warmUp(parse: (text: string, i: number) => void, rounds = 40): void {
  let i = 0;
  const step = (): void => {
    if (i >= rounds) return;
    parse(SAMPLE.replace('trees: 10', `trees: ${10 + i}`), i);
    i++;
    setImmediate(step);
  };
  setImmediate(step);
}
