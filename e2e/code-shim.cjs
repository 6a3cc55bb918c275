#!/usr/bin/env node
/*
 * A stand-in for a desktop VS Code executable (offline there is none): starts code-server's bundled VS Code
 * server (server-main.js, Node 24) with the smoke-test driver, opens its web workbench in headless Debian
 * Chromium with the extension under development and the tests module in the payload, and exits with the
 * tests' exit code. Same command-line shape as `code --extensionDevelopmentPath=… --extensionTestsPath=… FOLDER`.
 *
 * After the tests report, it looks into the webview frames for the results panel's ROC chart
 * (E2E_EXPECT_ROC=1 makes its absence a failure) and saves a screenshot (E2E_SCREENSHOT=path).
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const net = require('node:net');
const util = require('node:util');
const { createRequire } = require('node:module');
const { chromium } = createRequire(path.join(__dirname, '..', 'package.json'))('playwright-core');

const argv = process.argv.slice(2);
const opt = (name) => argv.filter((a) => a.startsWith(`--${name}=`)).map((a) => a.slice(name.length + 3));
const devPaths = opt('extensionDevelopmentPath');
const [testsPath] = opt('extensionTestsPath');
const folder = argv.find((a) => !a.startsWith('-'));
const freePort = () => new Promise((r) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });

let server;
const killServer = (sig) => { try { process.kill(-server.pid, sig); } catch { /* gone */ } };

async function findRoc(page) {
  // webviews are nested iframes; the results panel's page exposes its charts on window.__hml
  for (const f of page.frames()) {
    try {
      const r = await f.evaluate(() => {
        const h = window.__hml;
        const roc = h && h.charts && h.charts.roc;
        return roc ? { methods: roc.data.datasets.map((d) => ({ label: d.label, points: d.data.length })) } : null;
      });
      if (r) return r;
    } catch { /* cross-origin or detached frame */ }
  }
  return null;
}

(async () => {
  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hml-vscode-'));
  fs.mkdirSync(path.join(tmp, 'data/User'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'data/User/settings.json'), JSON.stringify({ 'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'chat.disableAIFeatures': true, 'workbench.colorTheme': process.env.E2E_THEME || 'Default Dark Modern' }));
  server = spawn(process.env.SERVER_NODE || 'node', [process.env.VSCODE_SERVER_MAIN, '--host', '127.0.0.1', '--port', String(port),
    '--without-connection-token', '--accept-server-license-terms', '--enable-smoke-test-driver', '--disable-telemetry', '--disable-workspace-trust',
    '--user-data-dir', path.join(tmp, 'data'), '--server-data-dir', path.join(tmp, 'data'), '--extensions-dir', path.join(tmp, 'ext')],
  { stdio: ['ignore', 'pipe', 'pipe'], env: process.env, detached: true });
  await new Promise((resolve, reject) => {
    server.stdout.on('data', (d) => { if (/Extension host agent listening/.test(d)) resolve(); });
    server.on('exit', (c) => reject(new Error(`server exited ${c}`)));
  });
  const remote = (p) => `vscode-remote://${host}${path.resolve(p)}`;
  const payload = [...devPaths.map((p) => ['extensionDevelopmentPath', remote(p)]), ['extensionTestsPath', remote(testsPath)], ['skipWelcome', 'true']];
  const url = `http://${host}/?${folder ? `folder=${encodeURIComponent(path.resolve(folder))}&` : ''}payload=${encodeURIComponent(JSON.stringify(payload))}`;
  const ctx = await chromium.launchPersistentContext(path.join(tmp, 'browser'), {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const page = ctx.pages()[0] || await ctx.newPage();
  let code = 1;
  const done = new Promise((resolve) => page.exposeFunction('codeAutomationExit', (c) => { code = c; resolve(); }));
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const s = util.format(...(args || []));
    if (!/^(Resolv|Creating|\[|Updating)/.test(s) && !/ENOTFOUND|open-vsx/.test(s)) (type === 'error' ? console.error : console.log)(s);
  });
  await page.goto(url);
  let t;
  const timedOut = new Promise((r) => { t = setTimeout(() => { console.error('shim: timeout'); code = 2; r(); }, Number(process.env.SHIM_TIMEOUT_MS || 300000)); });
  await Promise.race([done, timedOut]);
  clearTimeout(t);
  if (process.env.E2E_EXPECT_ROC) {
    let roc = null;
    for (let i = 0; i < 120 && !roc; i++) { roc = await findRoc(page); if (!roc) await new Promise((r) => setTimeout(r, 250)); }
    console.log(`shim: results panel ROC in the workbench: ${roc ? JSON.stringify(roc) : 'NOT FOUND'}`);
    if (!roc && code === 0) code = 3;
  }
  if (process.env.E2E_SCREENSHOT) await page.screenshot({ path: process.env.E2E_SCREENSHOT }).catch((e) => console.error(`shim: screenshot: ${e}`));
  await ctx.close().catch(() => {});
  const exited = new Promise((r) => (server.exitCode !== null ? r() : server.once('exit', r)));
  killServer('SIGTERM'); // the server leaves agent-host helpers behind otherwise
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  killServer('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(code);
})().catch((e) => { console.error(e); if (server) killServer('SIGKILL'); process.exit(1); });
