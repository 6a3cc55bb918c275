/**
 * Neovim 0.7 (Debian `neovim`) as a second, independent LSP client: headless, `vim.lsp.start_client` on the built
 * server over stdio. Diagnostics and completion must arrive. Skipped (with a note) where nvim is not installed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBuilt, SERVER } from './lsp-client';

const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
const have = nvim.status === 0;

test('Neovim receives diagnostics, completion and hover from hml-language-server', { skip: have ? false : 'nvim not installed (apt-get install neovim)' }, () => {
  ensureBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'hml-nvim-'));
  // A misspelt label (an error) and the cursor after `fatjet0.` in the observables list.
  const text = 'hml: 1\nsamples:\n  w: { label: signl, generator: { engine: builtin, process: w-jets } }\n  q: { label: background, generator: { engine: builtin, process: qcd-jets } }\nreconstruction:\n  fatjet: { r: 1.0 }\ndatasets:\n  d:\n    type: set\n    observables: [fatjet0.tau21]\n';
  const file = join(dir, 'a.hml.yaml');
  writeFileSync(file, text);
  const out = join(dir, 'out.json');
  const r = spawnSync('nvim', ['--headless', '--clean', '-c', `luafile ${join(import.meta.dirname, 'nvim-client.lua')}`], {
    encoding: 'utf8',
    timeout: 40_000,
    env: { ...process.env, HML_OUT: out, HML_SERVER: SERVER, HML_FILE: file, HML_NODE: process.execPath, HML_LINE: '9', HML_CHAR: String('    observables: [fatjet0.'.length), XDG_CONFIG_HOME: dir, XDG_DATA_HOME: dir, XDG_STATE_HOME: dir, XDG_CACHE_HOME: dir },
  });
  const res = JSON.parse(readFileSync(out, 'utf8')) as { nvim: string; diagnostics?: { code: string; range: { start: { line: number; character: number } } }[]; completion?: string[]; hover?: string; error?: string };
  assert.equal(r.status, 0, `nvim exit ${r.status}: ${res.error ?? ''} ${r.stderr}`);
  assert.match(res.nvim, /^0\./);
  const bad = res.diagnostics!.find((d) => d.code === 'bad-label');
  assert.ok(bad, JSON.stringify(res.diagnostics));
  assert.deepEqual(bad.range.start, { line: 2, character: 14 });
  for (const l of ['tau21', 'mass', 'constituents']) assert.ok(res.completion!.includes(l), l);
  assert.match(res.hover ?? '', /N-subjettiness/);
});
