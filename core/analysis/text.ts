/**
 * Positions in text as LSP counts them: 0-based line and character, characters in UTF-16 code units (which is
 * what JavaScript string indices are). Lines end at `\n`, `\r\n` or `\r`.
 */
export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Line-start table of a text: converts offsets to positions and back in O(log lines). */
export class LineIndex {
  private readonly starts: number[];

  constructor(readonly text: string) {
    const starts = [0];
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (text.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.starts = starts;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Offset of the first character of `line` (clamped). */
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }

  positionAt(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: o - this.starts[lo] };
  }

  offsetAt(pos: Position): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.starts.length) return this.text.length;
    const start = this.starts[pos.line];
    const next = pos.line + 1 < this.starts.length ? this.starts[pos.line + 1] : this.text.length;
    // Never past the line's end-of-line characters.
    let lineEnd = next;
    if (pos.line + 1 < this.starts.length) {
      if (this.text.charCodeAt(lineEnd - 1) === 10) lineEnd--;
      if (lineEnd > start && this.text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    }
    return Math.min(start + Math.max(0, pos.character), Math.max(start, lineEnd));
  }

  range(start: number, end: number): Range {
    return { start: this.positionAt(start), end: this.positionAt(end) };
  }
}

/** One-off conversion (builds a LineIndex; keep one per document when converting many offsets). */
export function offsetToPosition(text: string, offset: number): Position {
  return new LineIndex(text).positionAt(offset);
}

export function positionToOffset(text: string, pos: Position): number {
  return new LineIndex(text).offsetAt(pos);
}
