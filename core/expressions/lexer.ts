/**
 * Lexer of the expression language. Hand-written so that whitespace is never required around operators
 * (`fatjet0.mass>60`), names are never split inside words (`notjet` is one name, `fatjet` is not `fat jet`) and
 * every token keeps its offsets.
 */
import type { ExprDiagnostic, TextRange } from './ast';

export type TokenKind =
  | 'ident'
  | 'number'
  | 'op' // + - * / < <= > >= == != && || ! = & |
  | '('
  | ')'
  | ','
  | '.'
  | ':'
  | 'eof';

export interface Token {
  kind: TokenKind;
  /** Source text of the token. */
  text: string;
  /** Numeric value for `number` tokens. */
  value?: number;
  start: number;
  end: number;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isIdentStart = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isIdentPart = (c: number): boolean => isIdentStart(c) || isDigit(c);
const isSpace = (c: number): boolean => c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0 || c === 0xfeff;

const TWO_CHAR_OPS = new Set(['<=', '>=', '==', '!=', '&&', '||']);
const ONE_CHAR_OPS = new Set(['+', '-', '*', '/', '<', '>', '!', '=', '&', '|']);

export interface LexResult {
  tokens: Token[];
  diagnostics: ExprDiagnostic[];
}

/**
 * Splits `text` into tokens. Offsets are shifted by `baseOffset`. Unknown characters become diagnostics and are
 * skipped; the token list always ends with one `eof` token.
 */
export function lex(text: string, baseOffset = 0): LexResult {
  const tokens: Token[] = [];
  const diagnostics: ExprDiagnostic[] = [];
  const n = text.length;
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number, value?: number): void => {
    tokens.push({ kind, text: text.slice(start, end), value, start: start + baseOffset, end: end + baseOffset });
  };
  const range = (s: number, e: number): TextRange => ({ start: s + baseOffset, end: e + baseOffset });
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (isIdentStart(c)) {
      const s = i;
      while (i < n && isIdentPart(text.charCodeAt(i))) i++;
      push('ident', s, i);
      continue;
    }
    if (isDigit(c) || (c === 46 && i + 1 < n && isDigit(text.charCodeAt(i + 1)))) {
      const s = i;
      while (i < n && isDigit(text.charCodeAt(i))) i++;
      // A dot belongs to the number only when a digit follows: `jet:3.constituents` keeps `.` as a separator.
      if (i < n && text.charCodeAt(i) === 46 && i + 1 < n && isDigit(text.charCodeAt(i + 1))) {
        i++;
        while (i < n && isDigit(text.charCodeAt(i))) i++;
      }
      // Exponent only when digits follow, so `2e` is not half a number.
      if (i < n && (text[i] === 'e' || text[i] === 'E')) {
        let j = i + 1;
        if (j < n && (text[j] === '+' || text[j] === '-')) j++;
        if (j < n && isDigit(text.charCodeAt(j))) {
          i = j;
          while (i < n && isDigit(text.charCodeAt(i))) i++;
        }
      }
      const numEnd = i;
      if (i < n && isIdentPart(text.charCodeAt(i))) {
        // `50and`, `2jet`: a number glued to a word. Never split words: report and swallow the word.
        while (i < n && isIdentPart(text.charCodeAt(i))) i++;
        diagnostics.push({
          code: 'expr-glued-number',
          severity: 'error',
          message: `'${text.slice(s, i)}' mixes a number and a name; put a space or an operator between them (e.g. '${text.slice(s, numEnd)} ${text.slice(numEnd, i)}').`,
          range: range(s, i),
          fixes: [{ title: `Insert a space after ${text.slice(s, numEnd)}`, edits: [{ range: range(numEnd, numEnd), newText: ' ' }] }],
        });
      }
      push('number', s, numEnd, Number(text.slice(s, numEnd)));
      continue;
    }
    const two = text.slice(i, i + 2);
    if (TWO_CHAR_OPS.has(two)) {
      push('op', i, i + 2);
      i += 2;
      continue;
    }
    const ch = text[i];
    if (ONE_CHAR_OPS.has(ch)) {
      push('op', i, i + 1);
      i++;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',' || ch === '.' || ch === ':') {
      push(ch, i, i + 1);
      i++;
      continue;
    }
    // Unknown character (including lone surrogates and control characters): report once per run of them.
    const s = i;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (isSpace(d) || isIdentPart(d) || '()+-*/<>=!&|,.:'.includes(text[i])) break;
      i++;
    }
    diagnostics.push({
      code: 'expr-bad-character',
      severity: 'error',
      message: `Unexpected character${i - s > 1 ? 's' : ''} '${text.slice(s, Math.min(i, s + 20))}' in an expression; expressions use names, numbers, + - * / ( ) , . : and comparisons.`,
      range: range(s, i),
      fixes: [{ title: 'Remove the character', edits: [{ range: range(s, i), newText: '' }] }],
    });
  }
  tokens.push({ kind: 'eof', text: '', start: n + baseOffset, end: n + baseOffset });
  return { tokens, diagnostics };
}
