import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'hml.mjs');
const CACHE = join(ROOT, 'test', '.cache', 'cli-validate');

function hml(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Newest modification time of the sources the CLI bundle is built from. */
function newestSource(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newestSource(p));
    else if (e.name.endsWith('.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

before(() => {
  // The test runs the real bundle, as a user would after `npm run build`. `npm test` has just built it; rebuilding
  // only when it is missing or older than the sources avoids rewriting dist/ while other tests may be using it.
  const bundle = join(ROOT, 'dist', 'cli.mjs');
  const stale = !existsSync(bundle) || statSync(bundle).mtimeMs < Math.max(...['core', 'cli', 'protocol'].map((d) => newestSource(join(ROOT, d))));
  if (stale) {
    const b = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(b.status, 0, b.stderr);
  }
  mkdirSync(CACHE, { recursive: true });
});

test('hml validate on the examples: no output, exit 0', () => {
  const r = hml('validate', 'examples/top-tagging.hml.yaml', 'examples/wjets-vs-qcd.hml.yaml', 'examples/zjets-vs-qcd-madgraph.hml.yaml');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /3 files checked: 0 errors, 0 warnings/);
  assert.equal(hml('validate', 'examples').code, 0, 'a directory means its analysis files');
});

test('problem-matcher lines with 1-based positions, exit 1 on errors', () => {
  const f = join(CACHE, 'broken.hml.yaml');
  writeFileSync(f, 'hml: 1\nsamples:\n  s:\n    label: sig\n    generator: { engine: builtin, process: w-jets, events: 10 }\ndatasets:\n  d: { type: set, observables: [fatjet0.tau2l] }\n');
  const r = hml('validate', f);
  assert.equal(r.code, 1);
  const lines = r.stdout.trim().split('\n');
  for (const l of lines) assert.match(l, /^.+:\d+:\d+: (error|warning|info): .+ \[[a-z0-9-]+\]$/);
  assert.ok(lines.includes(`${f}:4:12: error: 'sig' is not a valid label. Allowed: signal, background. [bad-label]`), r.stdout);
  assert.ok(lines.some((l) => l.startsWith(`${f}:7:41: error: Unknown observable 'tau2l'. Did you mean 'tau21'?`)), r.stdout);
  assert.ok(lines.some((l) => l.startsWith(`${f}:5:60: warning: Only 10 events`)), r.stdout);
});

test('--format json gives LSP diagnostics with file and code', () => {
  const f = join(CACHE, 'warn.hml.yaml');
  writeFileSync(f, 'hml: 1\nsamples:\n  s:\n    label: signal\n    generator: { engine: builtin, process: w-jets }\nreconstruction:\n  fatjet: { r: 1.0 }\ndatasets:\n  d: { type: set, observables: [fatjet0.mass] }\n');
  const r = hml('validate', '--format', 'json', f);
  assert.equal(r.code, 0, 'warnings alone do not fail');
  const out = JSON.parse(r.stdout) as { file: string; code: string; severity: number; range: { start: { line: number; character: number } }; source: string; message: string }[];
  assert.equal(out.length, 1);
  assert.equal(out[0].file, f);
  assert.equal(out[0].code, 'no-background');
  assert.equal(out[0].severity, 2);
  assert.equal(out[0].source, 'hml');
  assert.deepEqual(out[0].range.start, { line: 1, character: 0 });
  const clean = hml('validate', '--format=json', 'examples/top-tagging.hml.yaml');
  assert.deepEqual(JSON.parse(clean.stdout), []);
});

test('usage errors and unreadable files exit 2', () => {
  assert.equal(hml('validate').code, 2);
  assert.equal(hml('validate', '--format', 'xml', 'examples/top-tagging.hml.yaml').code, 2);
  assert.equal(hml('validate', '--bogus', 'x').code, 2);
  const r = hml('validate', 'does/not/exist.hml.yaml');
  assert.equal(r.code, 2);
  assert.match(r.stdout, /^does\/not\/exist\.hml\.yaml:1:1: error: Cannot read the file \(no such file\); check the path\. \[file-unreadable\]/);
  assert.equal(hml('validate', '--help').code, 0);
});

test('hml schema prints the JSON Schema', () => {
  const r = hml('schema');
  assert.equal(r.code, 0);
  const s = JSON.parse(r.stdout) as { $schema: string; properties: Record<string, unknown> };
  assert.match(s.$schema, /json-schema\.org/);
  assert.ok('samples' in s.properties && 'methods' in s.properties);
  assert.equal(hml('schema', 'extra').code, 2);
});
