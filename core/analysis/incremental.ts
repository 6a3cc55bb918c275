/**
 * Incremental YAML parsing for the editor: after an edit that stays inside one entry of the file (a top-level key
 * such as `hml:`, or one sample / dataset / method / … under a top-level section), only that entry's lines are
 * parsed again with the `yaml` package and spliced into the previous document, every other node keeping its
 * objects with ranges moved by the edit's length. Parsing is most of the validation time of a large file, and an
 * entry is a few lines, so this is what makes diagnostics after a keystroke cheap.
 *
 * The result must be exactly what a full parse gives, so anything unusual falls back to one (returns undefined):
 * a previous document with YAML errors or warnings, anchors or aliases anywhere, flow-style root, an edit that
 * crosses an entry's boundary or changes its indentation, an edit in the last entry of a section or of the file
 * (where the parents' ends depend on it), an entry that no longer parses (in its context) into exactly one clean key
 * at the same place, a renamed key equal to a sibling's, or any range of an outer node that ends inside the edited
 * entry. test/analysis/incremental.test.ts compares both on random edits from a fixed seed.
 */
import { isAlias, isMap, isScalar, parseDocument, visit, type Document, type Node as YamlNode, type Pair, type YAMLMap } from 'yaml';

/** The options every analysis file is parsed with (full and incremental parses must agree). */
export const YAML_OPTIONS = { prettyErrors: false, uniqueKeys: true, keepSourceTokens: false } as const;

/** Documents known to hold no anchor, alias, error or warning (checked once per full parse, on first reuse). */
const cleanDocs = new WeakSet<Document>();

function hasAnchorsOrAliases(n: Document | YamlNode): boolean {
  let found = false;
  visit(n, (_k, x) => {
    if (isAlias(x) || (x as { anchor?: string } | null)?.anchor) {
      found = true;
      return visit.BREAK;
    }
    return undefined;
  });
  return found;
}

function isClean(doc: Document): boolean {
  if (cleanDocs.has(doc)) return true;
  if (doc.errors.length || doc.warnings.length || hasAnchorsOrAliases(doc)) return false;
  cleanDocs.add(doc);
  return true;
}

function lineStart(text: string, offset: number): number {
  let i = offset;
  while (i > 0 && text.charCodeAt(i - 1) !== 10 && text.charCodeAt(i - 1) !== 13) i--;
  return i;
}

/** The block of a map entry: its key's line start up to the next entry's line start (or `end`). */
interface Block {
  map: YAMLMap;
  index: number;
  keyStart: number;
  start: number;
  end: number;
}

function blockOf(text: string, map: YAMLMap, index: number, end: number): Block | undefined {
  if (map.flow) return undefined;
  const pair = map.items[index] as Pair<YamlNode, YamlNode | null>;
  const key = pair.key;
  if (!key || !isScalar(key) || !key.range) return undefined;
  const keyStart = key.range[0];
  const start = lineStart(text, keyStart);
  // Only indentation may precede a block entry's key on its line.
  if (!/^ *$/.test(text.slice(start, keyStart))) return undefined;
  let blockEnd = end;
  if (index + 1 < map.items.length) {
    const next = (map.items[index + 1] as Pair<YamlNode>).key;
    if (!next || !isScalar(next) || !next.range) return undefined;
    blockEnd = lineStart(text, next.range[0]);
    if (blockEnd <= keyStart) return undefined;
  }
  return { map, index, keyStart, start, end: blockEnd };
}

/** The block containing the changed span [from, to) of the old text, with room to keep its boundaries intact. */
function contains(b: Block, from: number, to: number, textLength: number): boolean {
  // The key's indentation stays, and the newline that ends the block stays (unless the block ends the text).
  return from >= b.keyStart && (to < b.end || (b.end === textLength && to <= b.end));
}

function findBlock(text: string, root: YAMLMap, from: number, to: number): Block | undefined {
  for (let i = 0; i < root.items.length; i++) {
    const outer = blockOf(text, root, i, text.length);
    if (!outer) return undefined;
    if (!contains(outer, from, to, text.length)) continue;
    const value = (root.items[i] as Pair<YamlNode, YamlNode | null>).value;
    if (value && isMap(value) && !value.flow) {
      for (let j = 0; j < value.items.length; j++) {
        const inner = blockOf(text, value, j, outer.end);
        if (!inner) break;
        if (contains(inner, from, to, text.length)) return inner;
      }
    }
    return outer;
  }
  return undefined;
}

type Range3 = [number, number, number];

/**
 * The document of `text` built from `previous` (the document of `previousText`, which is modified in place and
 * must not be used afterwards), or undefined where only a full parse gives the right answer.
 */
export function reparseIncremental(previousText: string, previous: Document | undefined, text: string): Document | undefined {
  if (!previous || previousText === text) return undefined;
  const root = previous.contents as YamlNode | null;
  if (!root || !isMap(root) || root.flow || !isClean(previous)) return undefined;
  // The changed span: common prefix and suffix of the two texts.
  const n = Math.min(previousText.length, text.length);
  let from = 0;
  while (from < n && previousText.charCodeAt(from) === text.charCodeAt(from)) from++;
  let tail = 0;
  while (tail < n - from && previousText.charCodeAt(previousText.length - 1 - tail) === text.charCodeAt(text.length - 1 - tail)) tail++;
  const to = previousText.length - tail;
  const delta = text.length - previousText.length;
  const block = findBlock(previousText, root, from, to);
  if (!block) return undefined;
  const newEnd = block.end + delta;
  // The entry is parsed in the context a full parse sees: under a parent key (for a nested entry) and followed by
  // the next line (a sibling's or an outer key's), so that trailing blank and comment lines end its nodes alike.
  const prefix = block.keyStart > block.start ? 'x:\n' : '';
  let nextEnd = newEnd;
  while (nextEnd < text.length && text.charCodeAt(nextEnd) !== 10 && text.charCodeAt(nextEnd) !== 13) nextEnd++;
  const base = block.start - prefix.length;
  const part = parseDocument(prefix + text.slice(block.start, nextEnd), YAML_OPTIONS);
  if (part.errors.length || part.warnings.length) return undefined;
  const proot = part.contents as YamlNode | null;
  if (!proot || !isMap(proot) || proot.flow || proot.items.length === 0) return undefined;
  let entries: YAMLMap = proot;
  const keyOffsets: number[] = [];
  if (prefix) {
    const outer = proot.items[0] as Pair<YamlNode, YamlNode | null>;
    if (!isScalar(outer.key) || outer.key.range?.[0] !== 0 || !outer.value || !isMap(outer.value) || outer.value.flow) return undefined;
    entries = outer.value;
    for (const it of proot.items.slice(1)) keyOffsets.push((it as Pair<YamlNode>).key?.range?.[0] ?? -1);
  }
  for (const it of entries.items.slice(1)) keyOffsets.push((it as Pair<YamlNode>).key?.range?.[0] ?? -1);
  // Besides the entry, at most the next line's key, where that line starts.
  const nextKey = newEnd + (/^ */.exec(text.slice(newEnd, nextEnd))?.[0].length ?? 0);
  if (keyOffsets.length > 1 || (keyOffsets.length === 1 && (nextEnd === newEnd || keyOffsets[0] + base !== nextKey))) return undefined;
  if (keyOffsets.length === 0 && nextEnd > newEnd) return undefined;
  const pair = entries.items[0] as Pair<YamlNode, YamlNode | null>;
  const key = pair.key;
  if (!key || !isScalar(key) || !key.range || key.range[0] + base !== block.keyStart) return undefined;
  if (hasAnchorsOrAliases(part)) return undefined;
  // A renamed key must not equal a sibling's (a full parse would report a duplicate key on the parent map).
  for (let i = 0; i < block.map.items.length; i++) {
    const k = (block.map.items[i] as Pair<YamlNode>).key;
    if (i !== block.index && isScalar(k) && k.value === key.value) return undefined;
  }
  // Plan the range moves of every outer node first: an outer range ending inside the block means a full parse.
  const oldPair = block.map.items[block.index];
  const moves: Range3[] = [];
  let inside = false;
  const plan = (r: Range3 | null | undefined): void => {
    if (!r) return;
    for (const x of r) if (x > block.keyStart && x < block.end) inside = true;
    // An outer node that ends with the block (its parents, when it is their last entry) ends where the block's
    // content makes it end (trailing comment lines, end of text): only a full parse tells.
    if (r[0] <= block.keyStart && (r[1] === block.end || r[2] === block.end)) inside = true;
    moves.push(r);
  };
  plan(previous.range as Range3);
  visit(previous, (_k, x) => {
    if (x === oldPair) return visit.SKIP;
    plan((x as { range?: Range3 | null } | null)?.range);
    return undefined;
  });
  if (inside) return undefined;
  for (const r of moves) for (let i = 0; i < 3; i++) if (r[i] >= block.end) r[i] += delta;
  const move = (_k: unknown, x: unknown): void => {
    const r = (x as { range?: Range3 | null } | null)?.range;
    if (r) for (let i = 0; i < 3; i++) r[i] += base;
  };
  visit(key, move);
  if (pair.value) visit(pair.value, move);
  block.map.items[block.index] = pair;
  cleanDocs.add(previous);
  return previous;
}
