/**
 * Renders a panel's page (the extension's own HTML shell and bundle) in headless Debian Chromium through
 * playwright-core, with a stand-in for VS Code's webview API that records posted messages and state.
 */
import * as esbuild from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { panelHtml } from '../../webviews/shared/html';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Screenshots land here (look at them). */
export const cacheDir = join(root, 'test/.cache/webviews');
/** Bundles and pages per test process: test files run in parallel and must not overwrite each other's files. */
const buildDir = join(cacheDir, `build-${process.pid}`);

/** Builds the three webview bundles into test/.cache (not dist/, which other tests and builds share). */
export async function buildWebviews(): Promise<void> {
  mkdirSync(buildDir, { recursive: true });
  await Promise.all(['results', 'event-display', 'dataset'].map((name) => esbuild.build({
    entryPoints: [join(root, `webviews/${name}/main.ts`)], outfile: join(buildDir, `${name}.js`), bundle: true, format: 'iife', platform: 'browser', target: 'es2022', logLevel: 'error',
  })));
}

export function removeBuild(): void {
  rmSync(buildDir, { recursive: true, force: true });
}

export async function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/**
 * Polls a predicate in the page. (page.waitForFunction compiles its predicate with `new Function` inside the
 * page, which the panels' CSP rightly forbids; page.evaluate goes through the debugger protocol instead.)
 */
export async function until(page: Page, fn: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await page.evaluate(fn)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`condition not met within ${timeoutMs} ms: ${fn.toString().slice(0, 120)}`);
}

export interface OpenedPanel {
  page: Page;
  /** Console errors, CSP violations included. */
  errors: string[];
  posted(): Promise<{ type: string; [k: string]: unknown }[]>;
  send(msg: unknown): Promise<void>;
}

export async function openPanel(browser: Browser, name: 'results' | 'event-display' | 'dataset', opts: { width?: number; height?: number; bodyClass?: string } = {}): Promise<OpenedPanel> {
  const page = await browser.newPage({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 }, deviceScaleFactor: 1 });
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  // a string, not a function: tsx's name helpers would not exist in the page
  await page.addInitScript(`
    window.__posted = []; window.__state = undefined;
    window.__name = (f) => f; // tsx's keepNames helper, referenced by functions the tests pass to page.evaluate
    window.acquireVsCodeApi = () => ({ postMessage: (m) => window.__posted.push(m), getState: () => window.__state,
      setState: (s) => { window.__state = JSON.parse(JSON.stringify(s)); } });
    const cls = ${JSON.stringify(opts.bodyClass ?? '')};
    if (cls) document.addEventListener('DOMContentLoaded', () => document.body.classList.add(...cls.split(' ')));
  `);
  const html = panelHtml({ title: name, scriptUri: pathToFileURL(join(buildDir, `${name}.js`)).href, cspSource: 'file:', nonce: 'testnonce0123456789' });
  const file = join(buildDir, `${name}.html`);
  writeFileSync(file, html);
  await page.goto(pathToFileURL(file).href);
  await until(page, () => (window as unknown as { __posted: { type: string }[] }).__posted.some((m) => m.type === 'ready'));
  return {
    page,
    errors,
    posted: () => page.evaluate(() => (window as unknown as { __posted: { type: string }[] }).__posted),
    send: (msg) => page.evaluate((m) => window.postMessage(m, '*'), msg),
  };
}
