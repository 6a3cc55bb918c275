/**
 * Where the cursor is, read from the text around it rather than from the YAML tree: while a line is being typed
 * (`    lab`, `dataset: `, `[fatjet0.mass, fatjet0.`) the tree is incomplete or has moved the half-typed word
 * elsewhere, but indentation and the brackets on the line still say which key or value is meant.
 */
import type { Path } from '../validate';

export interface KeyContext {
  kind: 'key';
  /** Path of the mapping whose key is being typed. */
  parent: Path;
  /** Word typed so far and its offsets in the file. */
  prefix: string;
  start: number;
  end: number;
  /** Column where the key starts (for multi-line snippets). */
  column: number;
  /** The key is written inside a flow mapping `{ … }` (single-line snippets only). */
  flow: boolean;
}

export interface ValueContext {
  kind: 'value';
  /** Path of the value (list items get index 0: every list of the schema has one item type). */
  path: Path;
  /** Text of the value from its first character up to the cursor (quotes removed). */
  text: string;
  /** Offset of `text`'s first character in the file. */
  textStart: number;
  /** The last word of `text` (what completion replaces) and its offsets. */
  prefix: string;
  start: number;
  end: number;
  /** Inside a quoted string. */
  quoted: boolean;
}

export type CursorContext = KeyContext | ValueContext | { kind: 'none' };

const KEY_LINE = /^(\s*)((?:-\s+)*)(["']?)([^\s#"'{}[\],:][^#:{}[\]]*?)\3\s*:(?:\s|$)/;

interface LineInfo {
  /** Column of the line's content (after indentation and list dashes). */
  col: number;
  /** Column of the first dash, when the line starts a list item. */
  dash: number;
  key?: string;
}

function lineInfo(line: string): LineInfo | undefined {
  if (/^\s*(#|$)/.test(line)) return undefined;
  const m = KEY_LINE.exec(line);
  if (m) return { col: m[1].length + m[2].length, dash: m[2] ? m[1].length : -1, key: m[4].trim() };
  const d = /^(\s*)((?:-(?:\s+|$))*)/.exec(line)!;
  return { col: d[1].length + d[2].length, dash: d[2] ? d[1].length : -1 };
}

/** Path of the block mapping or list that owns content starting at column `col` on line `lineNo`. */
function blockParent(lines: string[], lineNo: number, col: number, siblingDash = -1): Path {
  const path: Path = [];
  let c = col;
  for (let i = lineNo - 1; i >= 0 && c > 0; i--) {
    const li = lineInfo(lines[i]);
    if (!li) continue;
    // Earlier items of the same list are siblings, not parents.
    if (path.length === 0 && siblingDash >= 0 && li.dash === siblingDash) continue;
    if (li.col < c && li.key !== undefined) {
      path.unshift(li.key);
      c = li.col;
      if (li.dash >= 0) {
        // `- key: v` — the key belongs to a list item; the item's list belongs to the line above the dash.
        path.unshift(0);
        c = li.dash;
      }
    } else if (li.dash >= 0 && li.dash < c) {
      path.unshift(0);
      c = li.dash;
    } else if (li.col < c) {
      // A plain scalar line (continuation): not a parent.
      c = Math.min(c, li.col);
    }
  }
  return path;
}

interface Frame {
  bracket: '{' | '[';
}

/**
 * The cursor context at `offset` in `text`. Comments, block scalars and multi-line flow collections give
 * `none` or the nearest sensible context; never throws.
 */
export function cursorContext(text: string, offset: number): CursorContext {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset).replace(/\r$/, '');
  if (before.length > 2000) return { kind: 'none' };
  const head = /^(\s*)((?:-\s+)*)/.exec(before)!;
  const contentCol = head[0].length;
  const hasDash = head[2].length > 0;
  // Only the lines above matter for the parent; a cheap split of the part above (bounded to ~400 lines of context).
  const aboveStart = Math.max(0, lineStart - 40_000);
  const above = text.slice(aboveStart, lineStart).split(/\r?\n/);
  above.pop();
  // A list item's parent may sit at the dash's own column (`key:` then `- item` unindented): half a column in.
  const base: Path = hasDash ? blockParent(above, above.length, head[1].length + 0.5, head[1].length) : blockParent(above, above.length, contentCol);
  if (hasDash) base.push(0);

  // Scan the content of the line up to the cursor: keys, brackets, quotes.
  const stack: (Frame & { key: Path })[] = [];
  let keyPath: Path = [];
  let segStart = contentCol;
  let curKey: string | undefined;
  let quote = '';
  let quoteStart = -1;
  for (let i = contentCol; i < before.length; i++) {
    const ch = before[i];
    if (quote) {
      if (ch === quote) {
        if (quote === "'" && before[i + 1] === "'") i++;
        else quote = '';
      } else if (ch === '\\' && quote === '"') i++;
      continue;
    }
    if (ch === '#' && (i === 0 || /\s/.test(before[i - 1]))) return { kind: 'none' };
    if ((ch === '"' || ch === "'") && /^\s*$/.test(before.slice(segStart, i))) {
      quote = ch;
      quoteStart = i;
      continue;
    }
    if (ch === ':' && (i + 1 >= before.length || /[\s,}\]]/.test(before[i + 1])) && (stack.length === 0 || stack[stack.length - 1].bracket === '{')) {
      curKey = before.slice(segStart, i).trim().replace(/^["']|["']$/g, '');
      segStart = i + 1;
      continue;
    }
    if (ch === '{' || ch === '[') {
      if (!/^\s*$/.test(before.slice(segStart, i))) continue;
      const owner: Path = [...keyPath];
      if (curKey !== undefined) owner.push(curKey);
      else if (stack.length && stack[stack.length - 1].bracket === '[') owner.push(0);
      stack.push({ bracket: ch, key: keyPath });
      keyPath = owner;
      curKey = undefined;
      segStart = i + 1;
      continue;
    }
    if (ch === '}' || ch === ']') {
      const f = stack.pop();
      if (f) keyPath = f.key;
      curKey = undefined;
      segStart = i + 1;
      continue;
    }
    if (ch === ',' && stack.length) {
      curKey = undefined;
      segStart = i + 1;
    }
  }
  const wordOf = (s: string) => /[A-Za-z0-9_@-]*$/.exec(s)![0];
  const inner = stack.length ? stack[stack.length - 1].bracket : undefined;
  const path: Path = [...base, ...keyPath];
  if (quote) {
    const t = before.slice(quoteStart + 1);
    const w = wordOf(t);
    return { kind: 'value', path: curKey !== undefined ? [...path, curKey] : inner === '[' || (!inner && hasDash) ? [...path, 0] : path, text: t, textStart: lineStart + quoteStart + 1, prefix: w, start: offset - w.length, end: offset, quoted: true };
  }
  const seg = before.slice(segStart);
  const lead = seg.length - seg.trimStart().length;
  const valueText = seg.trimStart();
  const textStart = lineStart + segStart + lead;
  if (curKey !== undefined) {
    const w = wordOf(valueText);
    return { kind: 'value', path: [...path, curKey], text: valueText, textStart, prefix: w, start: offset - w.length, end: offset, quoted: false };
  }
  if (inner === '[' || (!inner && hasDash && !/^[\w-]*$/.test(valueText))) {
    const w = wordOf(valueText);
    return { kind: 'value', path: inner === '[' ? [...path, 0] : path, text: valueText, textStart, prefix: w, start: offset - w.length, end: offset, quoted: false };
  }
  if (!inner && hasDash) {
    // `- word`: a list item value (the schema has no lists of mappings), unless the list's parent says otherwise.
    const w = wordOf(valueText);
    return { kind: 'value', path, text: valueText, textStart, prefix: w, start: offset - w.length, end: offset, quoted: false };
  }
  if (/[^\w-]/.test(valueText)) return { kind: 'none' };
  return { kind: 'key', parent: path, prefix: valueText, start: offset - valueText.length, end: offset, column: contentCol, flow: inner === '{' };
}
