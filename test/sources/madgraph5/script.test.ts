import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAnalysisText, type MadGraph5Generator } from '../../../core/analysis/index';
import { planMadgraph5, renderDryRun } from '../../../core/sources/madgraph5/script';
import { fromGenerator, mg5Seed, type Mg5Settings } from '../../../core/sources/madgraph5/settings';
import { seedDelphesCard, seedPythia8Card } from '../../../core/sources/madgraph5/cards';
import { HmlError } from '../../../core/util/errors';
import { REPO } from '../helpers';

const GOLDEN = join(REPO, 'test/fixtures/mg5-golden');

const base: Mg5Settings = { model: 'sm', processes: ['p p > t t~'], shower: 'pythia8', detector: 'delphes', madspin: false, events: 1000, multi_run: 1, seed: 1234 };

test('dry-run scripts of every example with madgraph5 samples match the reviewed golden files', () => {
  let checked = 0;
  for (const file of readdirSync(join(REPO, 'examples')).filter((f) => f.endsWith('.hml.yaml')).sort()) {
    const parsed = parseAnalysisText(readFileSync(join(REPO, 'examples', file), 'utf8'), file);
    assert.ok(parsed.analysis, `${file} validates`);
    const a = parsed.analysis!;
    for (const [name, sample] of Object.entries(a.samples)) {
      if (sample.generator.engine !== 'madgraph5') continue;
      const settings = fromGenerator(sample.generator as MadGraph5Generator, { analysisSeed: a.seed, sample: name, baseDir: '/analysis' });
      const text = renderDryRun(planMadgraph5(settings, `/analysis/.hml/${name}/generate`));
      const golden = join(GOLDEN, `${file.replace(/\.hml\.yaml$/, '')}.${name}.mg5.txt`);
      if (process.env.HML_UPDATE_GOLDEN === '1') writeFileSync(golden, text);
      assert.ok(existsSync(golden), `missing golden ${golden} (HML_UPDATE_GOLDEN=1 writes it; review it before committing)`);
      assert.equal(text, readFileSync(golden, 'utf8'), `dry run of ${file} sample ${name}`);
      checked++;
    }
  }
  assert.ok(checked >= 2, 'the zjets-vs-qcd-madgraph example has two madgraph5 samples');
});

test('launch script: cluster options at the MG5_aMC> prompt before launch, switches, cards, every setting, decays', () => {
  const plan = planMadgraph5(
    {
      ...base,
      model: 'models/MyUFO',
      baseDir: '/ana',
      definitions: { lep: 'e+ e- mu+ mu-' },
      processes: ['p p > t t~', 'p p > t t~ j'],
      decays: ['t > w+ b, w+ > j j', 't~ > w- b~, w- > l- vl~'],
      madspin: true,
      settings: { ptj: 20, use_syst: false, pdlabel: 'lhapdf' },
      cards: { param: 'cards/param_card.dat', delphes: '/abs/delphes_card_ATLAS.tcl' },
      multi_run: 4,
      sqrt_s: 13600,
      cluster: { run_mode: 1, cluster_type: 'slurm', cluster_queue: 'long', nb_core: 16 },
    },
    '/w',
  );
  const p = plan.processScript.split('\n');
  assert.ok(p.includes('import model /ana/models/MyUFO'));
  assert.ok(p.includes('define lep = e+ e- mu+ mu-'));
  assert.ok(p.indexOf('generate p p > t t~') < p.indexOf('add process p p > t t~ j'));
  assert.ok(p.includes('output /w/proc -f'));
  const l = plan.launchScript.split('\n');
  const launch = l.indexOf('launch -i /w/proc');
  for (const opt of ['set run_mode 1', 'set cluster_type slurm', 'set cluster_queue long', 'set nb_core 16']) {
    assert.ok(l.indexOf(opt) >= 0 && l.indexOf(opt) < launch, `${opt} before launch`);
  }
  assert.deepEqual(l.slice(launch + 1, launch + 6), ['multi_run 4', 'shower=Pythia8', 'detector=Delphes', 'madspin=ON', 'done']);
  const after = l.slice(launch + 6);
  assert.ok(after.includes('/ana/cards/param_card.dat'));
  assert.ok(after.includes('/w/cards/pythia8_card.dat') && after.includes('/w/cards/delphes_card.dat'));
  for (const s of ['set nevents 1000', 'set iseed 1234', 'set ebeam1 6800', 'set ebeam2 6800', 'set ptj 20', 'set use_syst False', 'set pdlabel lhapdf', 'decay t > w+ b, w+ > j j', 'decay t~ > w- b~, w- > l- vl~']) {
    assert.ok(after.includes(s), s);
  }
  assert.ok(after.indexOf('/ana/cards/param_card.dat') < after.indexOf('set ptj 20'), 'user cards come before the set lines that refine them');
  assert.equal(after.filter((x) => /run_mode|cluster_|nb_core/.test(x)).length, 0, 'no cluster option inside the launch dialogue');
  assert.deepEqual(plan.seededCards.map((c) => [c.kind, c.from]), [['pythia8', '/w/proc/Cards/pythia8_card_default.dat'], ['delphes', '/abs/delphes_card_ATLAS.tcl']]);
  // shower and detector off
  const parton = planMadgraph5({ ...base, shower: 'none', detector: 'none' }, '/w').launchScript;
  assert.match(parton, /generate_events\nshower=OFF\ndetector=OFF\nmadspin=OFF\ndone\nset nevents/);
});

test('bad MadGraph5 settings are refused with a fixing message (no script injection, cluster keys not in the run card)', () => {
  const bad = (s: Partial<Mg5Settings>, re: RegExp) =>
    assert.throws(() => planMadgraph5({ ...base, ...s }, '/w'), (e: unknown) => e instanceof HmlError && e.code === 'mg5-bad-setting' && re.test(e.message));
  bad({ processes: ['p p > t t~\nshell rm -rf /'] }, /single line/);
  bad({ processes: ['p p > t t~ # comment'] }, /#/);
  bad({ settings: { run_mode: 1 } }, /MG5 option.*cluster option/);
  bad({ settings: { 'bad key': 1 } }, /not a run-card name/);
  bad({ seed: 0 }, /seed/);
  bad({ seed: 900_000_001 }, /seed/);
  bad({ processes: [] }, /at least one process/);
  bad({ pileup: 50 }, /PileUpMerger/);
  bad({ cluster: { nb_core: 0 } }, /nb_core/);
});

test('seeds: per-sample seed in 1…900,000,000, seeded Pythia8 and Delphes cards', () => {
  const a = mg5Seed(42, 'zjets');
  const b = mg5Seed(42, 'qcd');
  assert.notEqual(a, b);
  assert.equal(a, mg5Seed(42, 'zjets'));
  for (let s = 0; s < 200; s++) {
    const x = mg5Seed(s, 'x');
    assert.ok(Number.isInteger(x) && x >= 1 && x <= 900_000_000);
  }
  const py = seedPythia8Card('Main:numberOfEvents = -1\nRandom:setSeed = off\nRandom:seed = 7\n', 99);
  assert.match(py, /Random:setSeed = on\nRandom:seed = 99\n$/);
  assert.doesNotMatch(py, /seed = 7|setSeed = off/);
  const de = seedDelphesCard('set RandomSeed 5\nset ExecutionPath {\n}\n', 99);
  assert.match(de, /^# seeded by HEP ML Lab\nset RandomSeed 99\n/);
  assert.equal(de.match(/RandomSeed/g)!.length, 1);
  // decays switch MadSpin on through the analysis model adapter
  const gen = { engine: 'madgraph5', model: 'sm', processes: ['p p > t t~'], shower: 'pythia8', detector: 'delphes', madspin: false, decays: ['t > w+ b'], events: 10, sqrt_s: 13000, multi_run: 1, pileup: 0 } as MadGraph5Generator;
  const s = fromGenerator(gen, { analysisSeed: 1, sample: 'tt' });
  assert.equal(s.madspin, true);
  assert.equal(s.seed, mg5Seed(1, 'tt'));
});
