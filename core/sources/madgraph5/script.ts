/**
 * MG5 command scripts. Generation is two MG5 invocations in a fresh work folder:
 *  1. the process script: `import model`, `define`, `generate` / `add process`, `output <work>/proc -f`;
 *  2. the launch script: cluster options at the MG5_aMC> prompt (`set run_mode` … — MG5 options, never inside the
 *     launch dialogue), `launch -i <proc>`, `generate_events` or `multi_run N`, the shower / detector / madspin
 *     switches, then the card stage: user cards, seeded Pythia8 / Delphes cards, `set key value` for every
 *     run-card setting, `decay` lines, `done`.
 * The split lets the seeded copies of the default Pythia8 / Delphes cards be made from the process folder that
 * step 1 writes, before step 2 reads them.
 */
import { join } from 'node:path';
import { HmlError } from '../../util/errors';
import { MAX_MG5_SEED, resolveUserPath, type Mg5Scalar, type Mg5Settings } from './settings';

export interface SeededCard {
  kind: 'pythia8' | 'delphes';
  /** Where the seeded copy is written. */
  path: string;
  /** The card it is copied from: the user's card, or MG5's default in the process folder. */
  from: string;
}

export interface Mg5Plan {
  workDir: string;
  /** MG5 process folder (`output`). */
  procDir: string;
  processScriptPath: string;
  launchScriptPath: string;
  processScript: string;
  launchScript: string;
  seededCards: SeededCard[];
  seed: number;
}

const MODEL_NAME = /^[A-Za-z0-9_.+-]+$/;
const KEY = /^[A-Za-z0-9_:.+-]+$/;

function invalid(message: string): HmlError {
  return new HmlError('mg5-bad-setting', message, { exitCode: 2 });
}

/** One script line from user text: no line breaks, no comment characters that MG5 would cut the line at. */
function oneLine(what: string, s: string): string {
  if (/[\r\n]/.test(s)) throw invalid(`${what} must be a single line: "${s.replace(/[\r\n]+/g, '⏎')}"`);
  if (s.includes('#')) throw invalid(`${what} must not contain '#' (MG5 would read the rest of the line as a comment): "${s}"`);
  const t = s.trim();
  if (t === '') throw invalid(`${what} is empty`);
  return t;
}

function formatValue(v: Mg5Scalar): string {
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

/** Builds both scripts and the list of seeded cards, without touching the disk. */
export function planMadgraph5(s: Mg5Settings, workDir: string): Mg5Plan {
  if (s.processes.length === 0) throw invalid('a madgraph5 sample needs at least one process line, e.g. "p p > t t~"');
  if (!Number.isInteger(s.seed) || s.seed < 1 || s.seed > MAX_MG5_SEED) throw invalid(`the MG5 seed must be an integer in 1…${MAX_MG5_SEED}, got ${s.seed}`);
  if (!Number.isInteger(s.events) || s.events < 1) throw invalid(`events must be a positive integer, got ${s.events}`);
  if (!Number.isInteger(s.multi_run) || s.multi_run < 1) throw invalid(`multi_run must be a positive integer, got ${s.multi_run}`);
  if ((s.pileup ?? 0) > 0 && !s.cards?.delphes) {
    throw invalid('pile-up with MadGraph5 needs a Delphes card with a PileUpMerger module: give it as cards.delphes, or set pileup: 0');
  }
  const procDir = join(workDir, 'proc');
  const cardsDir = join(workDir, 'cards');
  const model = oneLine('model', s.model);
  const modelArg = MODEL_NAME.test(model) && !model.includes('/') ? model : resolveUserPath(s, model);

  const p: string[] = [`# HEP ML Lab: MadGraph5 process script (step 1 of 2)`, 'set automatic_html_opening False', `import model ${modelArg}`];
  for (const [label, particles] of Object.entries(s.definitions ?? {})) {
    if (!KEY.test(label)) throw invalid(`definition label "${label}" may hold only letters, digits and _ + - ~`);
    p.push(`define ${label} = ${oneLine(`definition ${label}`, particles)}`);
  }
  s.processes.forEach((proc, i) => p.push(`${i === 0 ? 'generate' : 'add process'} ${oneLine('process', proc)}`));
  p.push(`output ${procDir} -f`, 'quit', '');

  const l: string[] = [`# HEP ML Lab: MadGraph5 launch script (step 2 of 2), seed ${s.seed}`, 'set automatic_html_opening False'];
  const c = s.cluster ?? {};
  if (c.run_mode !== undefined) l.push(`set run_mode ${c.run_mode}`);
  if (c.cluster_type !== undefined) l.push(`set cluster_type ${oneLine('cluster_type', c.cluster_type)}`);
  if (c.cluster_queue !== undefined) l.push(`set cluster_queue ${oneLine('cluster_queue', c.cluster_queue)}`);
  if (c.nb_core !== undefined) {
    if (!Number.isInteger(c.nb_core) || c.nb_core < 1) throw invalid(`nb_core must be a positive integer, got ${c.nb_core}`);
    l.push(`set nb_core ${c.nb_core}`);
  }
  const madspin = s.madspin || (s.decays?.length ?? 0) > 0;
  l.push(
    `launch -i ${procDir}`,
    s.multi_run === 1 ? 'generate_events' : `multi_run ${s.multi_run}`,
    `shower=${s.shower === 'pythia8' ? 'Pythia8' : 'OFF'}`,
    `detector=${s.detector === 'delphes' ? 'Delphes' : 'OFF'}`,
    `madspin=${madspin ? 'ON' : 'OFF'}`,
    'done',
  );
  // user cards first, so that the `set` lines below apply on top of them
  for (const kind of ['param', 'run', 'madspin'] as const) {
    const card = s.cards?.[kind];
    if (card) l.push(resolveUserPath(s, oneLine(`cards.${kind}`, card)));
  }
  const seededCards: SeededCard[] = [];
  if (s.shower === 'pythia8') {
    seededCards.push({ kind: 'pythia8', path: join(cardsDir, 'pythia8_card.dat'), from: s.cards?.pythia8 ? resolveUserPath(s, s.cards.pythia8) : join(procDir, 'Cards/pythia8_card_default.dat') });
  }
  if (s.detector === 'delphes') {
    seededCards.push({ kind: 'delphes', path: join(cardsDir, 'delphes_card.dat'), from: s.cards?.delphes ? resolveUserPath(s, s.cards.delphes) : join(procDir, 'Cards/delphes_card_default.dat') });
  }
  for (const card of seededCards) l.push(card.path);
  const sets = new Map<string, string>();
  sets.set('nevents', String(s.events));
  sets.set('iseed', String(s.seed));
  if (s.sqrt_s !== undefined) {
    sets.set('ebeam1', formatValue(s.sqrt_s / 2));
    sets.set('ebeam2', formatValue(s.sqrt_s / 2));
  }
  for (const [k, v] of Object.entries(s.settings ?? {})) {
    if (!KEY.test(k)) throw invalid(`run-card setting "${k}" is not a run-card name`);
    if (['run_mode', 'cluster_type', 'cluster_queue', 'nb_core'].includes(k)) {
      throw invalid(`${k} is an MG5 option, not a run-card setting: give it as a cluster option (it is set at the MG5_aMC> prompt before launch)`);
    }
    sets.set(k, oneLine(`setting ${k}`, formatValue(v)));
  }
  for (const [k, v] of sets) l.push(`set ${k} ${v}`);
  for (const d of s.decays ?? []) l.push(`decay ${oneLine('decay', d)}`);
  l.push('done', 'quit', '');
  return {
    workDir,
    procDir,
    processScriptPath: join(workDir, 'process.mg5'),
    launchScriptPath: join(workDir, 'launch.mg5'),
    processScript: p.join('\n'),
    launchScript: l.join('\n'),
    seededCards,
    seed: s.seed,
  };
}

/** The dry run: both scripts and the seeded cards, as a user reads them. */
export function renderDryRun(plan: Mg5Plan): string {
  const out = [`# ${plan.processScriptPath}`, plan.processScript, `# ${plan.launchScriptPath}`, plan.launchScript];
  for (const c of plan.seededCards) {
    out.push(`# ${c.path}: copy of ${c.from} with ${c.kind === 'pythia8' ? `Random:setSeed = on, Random:seed = ${plan.seed}` : `set RandomSeed ${plan.seed}`}`);
  }
  return out.join('\n') + '\n';
}
