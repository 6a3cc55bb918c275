// `npm run package`: the .vsix. The bundles (dist/) carry the extension, the language server, the CLI and the
// webviews; only the packages the CLI loads from node_modules at run time (scripts/build.mjs `external`) are
// shipped, with their runtime dependencies and without browser bundles, sources, maps or docs. A staging folder
// keeps vsce away from the 480 MB of development node_modules. onnxruntime-node and @tensorflow/tfjs-node are
// left out: the engine uses them when they are installed and falls back otherwise.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const stage = join(tmpdir(), `hml-vsix-${process.pid}`);
const out = resolve(root, process.argv[2] ?? 'hep-ml-lab.vsix');
const RUNTIME = ['@tensorflow/tfjs', '@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-wasm', 'h5wasm', 'jsroot'];
// optional at run time, or used by jsroot only for drawing (the engine only reads ROOT files with it)
const SKIP = new Set(['@tensorflow/tfjs-node', 'onnxruntime-node', 'canvas', 'mathjax', 'three', '@resvg/resvg-js']);
// browser-only bundles and development files inside runtime packages
const DROP = /(\.map|\.tsbuildinfo|\.md|\.html|\.ts|\.min\.js|\.es2017\.js|\.fesm\.js|\.esm\.js|tf\.js|tf-[a-z-]+\.js)$|\/(test|tests|docs|demo)\//;

function pkgDir(name, from) {
  for (let d = from; ; d = dirname(d)) {
    const p = join(d, 'node_modules', name);
    if (existsSync(join(p, 'package.json'))) return p;
    if (d === dirname(d)) return undefined;
  }
}

const seen = new Map();
function walk(name, from) {
  if (SKIP.has(name)) return;
  const dir = pkgDir(name, from);
  if (!dir || seen.has(dir)) return;
  seen.set(dir, name);
  const pj = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const dep of Object.keys({ ...pj.dependencies, ...pj.optionalDependencies })) walk(dep, dir);
}
for (const n of RUNTIME) walk(n, root);

rmSync(stage, { recursive: true, force: true });
mkdirSync(stage, { recursive: true });
for (const p of ['dist', 'syntaxes', 'extension/media', 'bin', 'README.md']) {
  if (existsSync(join(root, p))) cpSync(join(root, p), join(stage, p), { recursive: true, filter: (src) => !src.endsWith('.map') });
}
mkdirSync(join(stage, 'examples'));
for (const f of ['wjets-vs-qcd.hml.yaml', 'top-tagging.hml.yaml', 'zjets-vs-qcd-madgraph.hml.yaml']) {
  if (existsSync(join(root, 'examples', f))) cpSync(join(root, 'examples', f), join(stage, 'examples', f));
}
for (const dir of seen.keys()) {
  cpSync(dir, join(stage, relative(root, dir)), { recursive: true, filter: (src) => !DROP.test(src.replace(/\\/g, '/')) || src === dir });
}
// the staged copies no longer declare what was left out (vsce's `npm list` checks declared dependencies)
for (const dir of seen.keys()) {
  const f = join(stage, relative(root, dir), 'package.json');
  const p = JSON.parse(readFileSync(f, 'utf8'));
  for (const k of ['dependencies', 'optionalDependencies', 'peerDependencies', 'devDependencies']) {
    if (!p[k]) continue;
    for (const d of Object.keys(p[k])) if (SKIP.has(d) || k === 'devDependencies') delete p[k][d];
  }
  writeFileSync(f, JSON.stringify(p, null, 2) + '\n');
}
const pj = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
delete pj.devDependencies;
delete pj.scripts;
delete pj.overrides;
delete pj.optionalDependencies;
pj.dependencies = Object.fromEntries(RUNTIME.map((n) => [n, pj.dependencies[n] ?? '*']));
writeFileSync(join(stage, 'package.json'), JSON.stringify(pj, null, 2) + '\n');
writeFileSync(join(stage, '.vscodeignore'), '**/*.map\n');
const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
const r = spawnSync(process.execPath, [vsce, 'package', '--skip-license', '--allow-missing-repository', '--out', out], { cwd: stage, stdio: 'inherit' });
rmSync(stage, { recursive: true, force: true });
process.exit(r.status ?? 1);
