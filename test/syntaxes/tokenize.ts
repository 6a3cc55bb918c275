/**
 * Tokenises text with the real TextMate engine (vscode-textmate + Oniguruma, as VS Code does) using our grammar
 * and the YAML grammar it embeds (`source.yaml`, from tm-grammars).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as Onig from 'vscode-oniguruma';
import type * as Vsctm from 'vscode-textmate';

const require = createRequire(import.meta.url);
// Both packages are CommonJS bundles; require gives their real export objects.
const oniguruma = require('vscode-oniguruma') as typeof Onig;
const vsctm = require('vscode-textmate') as typeof Vsctm;
const ROOT = join(import.meta.dirname, '..', '..');

export interface Tok {
  text: string;
  scopes: string[];
}

let grammarPromise: Promise<Vsctm.IGrammar> | undefined;

export function loadGrammar(): Promise<Vsctm.IGrammar> {
  grammarPromise ??= (async () => {
    const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
    await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
    const registry = new vsctm.Registry({
      onigLib: Promise.resolve({ createOnigScanner: (p: string[]) => new oniguruma.OnigScanner(p), createOnigString: (s: string) => new oniguruma.OnigString(s) }),
      loadGrammar: async (scope: string) => {
        if (scope === 'source.hml') return vsctm.parseRawGrammar(readFileSync(join(ROOT, 'syntaxes', 'hml.tmLanguage.json'), 'utf8'), 'hml.tmLanguage.json');
        if (scope === 'source.yaml') return vsctm.parseRawGrammar(readFileSync(require.resolve('tm-grammars/grammars/yaml.json'), 'utf8'), 'yaml.json');
        return null;
      },
    });
    const g = await registry.loadGrammar('source.hml');
    if (!g) throw new Error('grammar source.hml not found');
    return g;
  })();
  return grammarPromise;
}

/** Tokens of every line. */
export async function tokenize(text: string): Promise<Tok[][]> {
  const g = await loadGrammar();
  let state = vsctm.INITIAL;
  const out: Tok[][] = [];
  for (const line of text.split('\n')) {
    const r = g.tokenizeLine(line, state);
    out.push(r.tokens.map((t) => ({ text: line.slice(t.startIndex, t.endIndex), scopes: t.scopes })));
    state = r.ruleStack;
  }
  return out;
}
