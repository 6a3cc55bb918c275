import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkMg5Tools, findMg5, generateMadgraph5, Mg5LogWatcher, type Mg5Progress } from '../../../core/sources/madgraph5/runner';
import type { Mg5Settings } from '../../../core/sources/madgraph5/settings';
import { generateMadgraph5Sample, openMadgraph5Events } from '../../../core/sources/madgraph5/index';
import type { MadGraph5Generator } from '../../../core/analysis/model';
import { openEventFile } from '../../../core/sources/open';
import { HmlError } from '../../../core/util/errors';
import { FIXTURES, REPO, scratch } from '../helpers';

const FAKE = join(REPO, 'test/fixtures/fake-mg5');
const MG5 = join(FAKE, 'bin/mg5_aMC');

/** True while a process runs (a zombie, killed but not yet reaped by a container's init, counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, PATH: `${join(FAKE, 'root/bin')}:${process.env.PATH}`, FAKE_MG5_SHARED: FIXTURES, ...extra };
}

const settings: Mg5Settings = {
  model: 'sm',
  processes: ['p p > t t~'],
  shower: 'pythia8',
  detector: 'delphes',
  madspin: false,
  events: 100,
  sqrt_s: 13000,
  multi_run: 2,
  seed: 42,
  settings: { ptj: 20 },
  cluster: { run_mode: 1, cluster_type: 'slurm', cluster_queue: 'short', nb_core: 4 },
};

test('fake MG5 end to end: multi_run 2 with Pythia8 + Delphes, progress stages, banner cross section and seeds, event files', async () => {
  const dir = scratch('mg5-run');
  const work = join(dir, 'generate');
  const record = join(dir, 'commands.txt');
  const progress: Mg5Progress[] = [];
  const log: string[] = [];
  const r = await generateMadgraph5(settings, work, { executable: MG5, env: env({ FAKE_MG5_RECORD: record }), onProgress: (p) => progress.push(p), onLog: (l) => log.push(l) });
  assert.deepEqual(progress.map((p) => p.stage), ['process', 'survey', 'refine', 'pythia8', 'delphes', 'storing', 'survey', 'refine', 'pythia8', 'delphes', 'storing', 'done']);
  assert.deepEqual(progress.map((p) => p.done), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 10]);
  assert.ok(progress.every((p) => p.total === 10));
  assert.equal(r.crossSection, 504.184);
  assert.equal(r.crossSectionError, 1.97083);
  assert.equal(r.nEvents, 200);
  // asked for 42; the sub-runs really used 48 and 54 (what the banners say)
  assert.deepEqual(r.run.subRuns.map((s) => s.seed), [48, 54]);
  assert.equal(r.format, 'delphes');
  assert.equal(r.files.length, 2);
  const f = await openEventFile(r.files[0], { collections: ['fatjet'] });
  assert.equal(f.format, 'delphes');
  assert.equal(f.nEvents, 10);
  // the sample's events: both sub-runs' files, Σw = banner σ of the combined run
  const sample = await openMadgraph5Events(r, { collections: ['fatjet'] });
  let sw = 0;
  let n = 0;
  for await (const b of sample.batches()) {
    n += b.size;
    for (const w of b.weights) sw += w;
  }
  assert.equal(n, 20);
  assert.ok(Math.abs(sw - 504.184) < 1e-9);
  // seeded cards exist and carry the seed
  assert.match(readFileSync(join(work, 'cards/pythia8_card.dat'), 'utf8'), /Random:setSeed = on\nRandom:seed = 42/);
  assert.match(readFileSync(join(work, 'cards/delphes_card.dat'), 'utf8'), /^# seeded by HEP ML Lab\nset RandomSeed 42\n/);
  // cluster options were accepted at the MG5_aMC> prompt, before launch
  const cmds = readFileSync(record, 'utf8').trim().split('\n');
  const launch = cmds.findIndex((c) => c.startsWith('MG5_aMC|launch -i '));
  for (const o of ['set run_mode 1', 'set cluster_type slurm', 'set cluster_queue short', 'set nb_core 4']) {
    const i = cmds.indexOf(`MG5_aMC|${o}`);
    assert.ok(i >= 0 && i < launch, o);
  }
  assert.ok(cmds.includes('cards|set iseed 42') && cmds.includes('cards|set ptj 20'));
  assert.ok(log.some((l) => l.includes('Output to directory')));
  assert.ok(readFileSync(r.logPath, 'utf8').includes('INFO: Running Delphes'));
  // a second generation into the same folder is refused: fresh folder per stage
  await assert.rejects(generateMadgraph5(settings, work, { executable: MG5, env: env() }), (e: unknown) => e instanceof HmlError && e.code === 'mg5-workdir-not-fresh');
});

test('fake MG5: single run, parton level, and MadSpin-decayed run files', async () => {
  const dir = scratch('mg5-single');
  const lhe = await generateMadgraph5({ ...settings, shower: 'none', detector: 'none', multi_run: 1, cluster: undefined }, join(dir, 'a'), { executable: MG5, env: env() });
  assert.equal(lhe.format, 'lhe');
  assert.equal(lhe.seed, 42);
  assert.equal(lhe.crossSection, 503.647);
  assert.equal((await openEventFile(lhe.files[0])).nEvents, 100);
  const ms = await generateMadgraph5({ ...settings, shower: 'pythia8', detector: 'none', madspin: true, decays: ['t > w+ b'], multi_run: 1, cluster: undefined }, join(dir, 'b'), { executable: MG5, env: env() });
  assert.equal(ms.format, 'hepmc3');
  assert.equal(ms.run.decayed.length, 1);
  assert.match(ms.files[0], /run_01_decayed_1\/tag_1_pythia8_events\.hepmc\.gz$/);
});

test('fake MG5 is strict: a cluster option inside the launch dialogue and an unknown command are rejected, and detected', () => {
  const dir = scratch('mg5-strict');
  const run = (lines: string[]): string => {
    const script = join(dir, `s${Math.random().toString(36).slice(2)}.mg5`);
    writeFileSync(script, lines.join('\n') + '\n');
    return execFileSync(MG5, [script], { encoding: 'utf8', env: env(), cwd: dir });
  };
  const proc = join(dir, 'proc');
  const good = run(['import model sm', 'generate p p > t t~', `output ${proc} -f`]);
  assert.match(good, /Output to directory .* done\./);
  const inDialogue = run([`launch -i ${proc}`, 'generate_events', 'shower=OFF', 'done', 'set run_mode 1', 'done']);
  const unknown = run(['import model sm', 'frobnicate p p > t t~']);
  for (const [out, what] of [[inDialogue, /run_mode is not a parameter of any card/], [unknown, /frobnicate/]] as const) {
    assert.match(out, what);
    const w = new Mg5LogWatcher(5);
    out.split('\n').forEach((l) => w.line(l));
    assert.ok(w.error !== undefined, 'the runner recognises the MG5 error');
    assert.match(w.errorExcerpt ?? '', /InvalidCmd/);
  }
});

test('MG5 failing halfway: one error with the MG5 log excerpt, non-zero exit code, partial output removed', async () => {
  const dir = scratch('mg5-fail');
  const work = join(dir, 'generate');
  await assert.rejects(generateMadgraph5(settings, work, { executable: MG5, env: env({ FAKE_MG5_FAIL: 'refine' }) }), (e: unknown) => {
    assert.ok(e instanceof HmlError);
    assert.equal(e.code, 'mg5-failed');
    assert.equal(e.exitCode, 1);
    assert.match(e.message, /event generation \(step 2\).*interrupted with error/);
    assert.match(e.detail ?? '', /ZeroResult : the refine step found no events/);
    assert.match(e.detail ?? '', /Running Survey/);
    return true;
  });
  assert.deepEqual(readdirSync(work), ['mg5.log']);
  // a non-zero exit without a recognisable error line is a failure too
  await assert.rejects(generateMadgraph5(settings, join(dir, 'b'), { executable: MG5, env: env({ FAKE_MG5_FAIL: 'pythia8', FAKE_MG5_FAIL_CODE: '3' }) }), (e: unknown) => e instanceof HmlError && e.code === 'mg5-failed');
});

test('cancel kills the whole MG5 process tree and removes the partial output', async () => {
  const dir = scratch('mg5-cancel');
  const work = join(dir, 'generate');
  const pidFile = join(dir, 'child.pid');
  const ac = new AbortController();
  let aliveAtAbort = false;
  const t0 = Date.now();
  const p = generateMadgraph5(settings, work, {
    executable: MG5,
    env: env({ FAKE_MG5_HANG: 'refine', FAKE_MG5_CHILD_PID: pidFile }),
    signal: ac.signal,
    killGraceSeconds: 1,
    onLog: (l) => {
      if (l.includes('waiting for jobs')) {
        aliveAtAbort = alive(Number(readFileSync(pidFile, 'utf8')));
        ac.abort();
      }
    },
  });
  await assert.rejects(p, (e: unknown) => e instanceof HmlError && e.code === 'cancelled' && e.exitCode === 130);
  assert.ok(Date.now() - t0 < 15000);
  const child = Number(readFileSync(pidFile, 'utf8'));
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(aliveAtAbort, true, 'the grandchild ran when cancel was asked for');
  assert.equal(alive(child), false, 'the grandchild ("madevent") is gone too');
  assert.deepEqual(readdirSync(work), ['mg5.log']);
});

test('finding MG5 and its tools: clear messages for what is missing', () => {
  assert.throws(() => findMg5({ env: { PATH: '/nonexistent' } }), (e: unknown) => e instanceof HmlError && e.code === 'mg5-not-found' && /PATH/.test(e.message));
  assert.throws(() => findMg5({ executable: '/nonexistent/mg5_aMC' }), (e: unknown) => e instanceof HmlError && /hml\.madgraph5\.executable/.test(e.message));
  assert.equal(findMg5({ env: { PATH: join(FAKE, 'bin') } }), MG5);
  const tools = checkMg5Tools(MG5, { shower: true, detector: true }, env());
  assert.equal(tools.pythia8, join(FAKE, 'HEPTools/pythia8'));
  assert.equal(tools.delphes, join(FAKE, 'Delphes'));
  // no ROOT on PATH
  assert.throws(() => checkMg5Tools(MG5, { shower: true, detector: true }, { PATH: '/nonexistent' }), (e: unknown) => e instanceof HmlError && e.code === 'mg5-missing-tool' && /ROOT/.test(e.message) && !/Pythia8/.test(e.message));
  // an installation without Pythia8 and Delphes
  const dir = scratch('mg5-bare');
  mkdirSync(join(dir, 'bin'));
  mkdirSync(join(dir, 'input'));
  cpSync(MG5, join(dir, 'bin/mg5_aMC'));
  writeFileSync(join(dir, 'input/mg5_configuration.txt'), '# pythia8_path = ./HEPTools/pythia8\n');
  assert.throws(() => checkMg5Tools(join(dir, 'bin/mg5_aMC'), { shower: true, detector: true }, env()), (e: unknown) => e instanceof HmlError && /Pythia8.*install pythia8/.test(e.message) && /Delphes.*install Delphes/.test(e.message));
  assert.doesNotThrow(() => checkMg5Tools(join(dir, 'bin/mg5_aMC'), { shower: false, detector: false }, env()));
  assert.equal(existsSync(join(dir, 'bin/mg5_aMC')), true);
});

test('generateMadgraph5Sample: an analysis generator block to normalised events in one call', async () => {
  const dir = scratch('mg5-sample');
  const gen = { engine: 'madgraph5', model: 'sm', processes: ['p p > t t~'], shower: 'none', detector: 'none', madspin: false, events: 100, sqrt_s: 13000, multi_run: 1, pileup: 0 } as MadGraph5Generator;
  const { result, source } = await generateMadgraph5Sample(gen, { analysisSeed: 42, sample: 'tt', workDir: join(dir, 'generate') }, { executable: MG5, env: env() });
  assert.equal(result.format, 'lhe');
  assert.equal(source.nEvents, 100);
  let sw = 0;
  for await (const b of source.batches()) for (const w of b.weights) sw += w;
  assert.ok(Math.abs(sw - 503.647) < 1e-9);
  assert.match(readFileSync(result.plan.launchScriptPath, 'utf8'), new RegExp(`set iseed ${result.plan.seed}\\n`));
});
