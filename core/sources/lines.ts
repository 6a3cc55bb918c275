/**
 * Streaming line reader for plain or gzip-compressed text event files (LHE, HepMC3). Memory stays bounded: one
 * decompressed chunk plus the unfinished line. Gzip is recognised by its magic bytes, not by the file name.
 * A truncated or corrupt gzip stream ends in an HmlError that names the file and the last line read.
 */
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { StringDecoder } from 'node:string_decoder';
import { HmlError } from '../util/errors';

/** True when the file starts with the gzip magic bytes 1f 8b. */
export function isGzip(path: string): boolean {
  return headBytes(path, 2).equals(Buffer.from([0x1f, 0x8b]));
}

/** The first `n` bytes of a file (fewer if it is shorter). Throws `file-not-found` for a missing file. */
export function headBytes(path: string, n: number): Buffer {
  assertReadable(path);
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const got = readSync(fd, buf, 0, n, 0);
    return buf.subarray(0, got);
  } finally {
    closeSync(fd);
  }
}

export function assertReadable(path: string): void {
  let st;
  try {
    st = statSync(path);
  } catch (err) {
    throw new HmlError('file-not-found', `event file not found; check the path (relative paths are relative to the analysis file)`, { location: { file: path }, cause: err });
  }
  if (!st.isFile()) throw new HmlError('file-not-found', `not a file; give the path of an event file`, { location: { file: path } });
}

/** The first `n` decompressed characters of a text file (plain or gzip), for format sniffing. */
export async function headText(path: string, n: number): Promise<string> {
  let out = '';
  for await (const line of readLines(path)) {
    out += line + '\n';
    if (out.length >= n) break;
  }
  return out.slice(0, n);
}

/**
 * Yields the lines of a text file (without the line break, CRLF or LF), decompressing gzip on the fly. Callers
 * count lines themselves for their messages.
 */
export async function* readLines(path: string): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let lines = 0;
  for await (const chunk of decompressedChunks(path, () => lines)) {
    const text = rest + decoder.write(chunk);
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      lines++;
      yield text.slice(start, end);
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  rest += decoder.end();
  if (rest.length > 0) yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}

/** Decompressed chunks of a plain or gzip file; stream errors become one HmlError naming the file and line. */
async function* decompressedChunks(path: string, linesSoFar: () => number): AsyncGenerator<Buffer> {
  const gz = isGzip(path);
  const raw = createReadStream(path, { highWaterMark: 1 << 20 });
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  if (gz) raw.on('error', (e) => stream.destroy(e));
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) yield chunk;
  } catch (err) {
    if (err instanceof HmlError) throw err;
    const msg = (err as Error).message;
    const lines = linesSoFar();
    throw new HmlError(
      gz ? 'gzip-corrupt' : 'file-read-error',
      gz
        ? `the gzip stream is truncated or corrupt after line ${lines} (${msg}); the file was probably cut off while copying or writing: regenerate or re-copy it`
        : `cannot read the file after line ${lines} (${msg})`,
      { location: { file: path, line: lines + 1 }, cause: err },
    );
  } finally {
    stream.destroy();
    raw.destroy();
  }
}

/**
 * Fast counting pass over the lines of a (plain or gzip) ASCII file without decoding most of them: `onLine` gets
 * every line's first non-blank byte (10 for an empty line), and the line's text (latin1, line break removed) only
 * when `wantText(thatByte)`. Returning false from `onLine` stops the scan.
 */
export async function scanLineStarts(path: string, wantText: (firstByte: number) => boolean, onLine: (firstByte: number, text: string | undefined) => boolean | void): Promise<void> {
  let carry: Buffer | undefined;
  let lines = 0;
  const emit = (data: Buffer, start: number, end: number): boolean => {
    lines++;
    let k = start;
    while (k < end && (data[k] === 32 || data[k] === 9)) k++;
    const first = k < end ? data[k] : 10;
    let e = end;
    if (e > start && data[e - 1] === 13) e--;
    return onLine(first, wantText(first) ? data.toString('latin1', start, e) : undefined) !== false;
  };
  for await (const chunk of decompressedChunks(path, () => lines)) {
    const data = carry ? Buffer.concat([carry, chunk]) : chunk;
    let pos = 0;
    for (;;) {
      const nl = data.indexOf(10, pos);
      if (nl < 0) break;
      if (!emit(data, pos, nl)) return;
      pos = nl + 1;
    }
    carry = pos < data.length ? Buffer.from(data.subarray(pos)) : undefined;
  }
  if (carry && carry.length > 0) emit(carry, 0, carry.length);
}
