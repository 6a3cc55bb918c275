/**
 * NumPy .npy files (format 1.0) for validation vectors: what a physicist opens with `numpy.load` in one line,
 * little-endian, C order. Only the dtypes the bundles use.
 */
import { HmlError } from '../util/errors';

type NpyArray = Float32Array | Uint8Array | Int8Array | Float64Array;
const DESCR: [new (n: number) => NpyArray, string][] = [
  [Float32Array, '<f4'],
  [Float64Array, '<f8'],
  [Uint8Array, '|u1'],
  [Int8Array, '|i1'],
];

export function encodeNpy(data: NpyArray, shape: readonly number[]): Uint8Array {
  const descr = DESCR.find(([C]) => data instanceof C)?.[1];
  if (!descr) throw new Error('unsupported npy dtype');
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  // magic(6) + version(2) + len(2) + header + '\n' padded to a multiple of 64
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), total);
  return out;
}

export function decodeNpy(bytes: Uint8Array, what = 'npy file'): { data: NpyArray; shape: number[] } {
  const bad = (why: string): never => {
    throw new HmlError('npy-invalid', `${what} is not a valid .npy file (${why})`, { exitCode: 1 });
  };
  if (bytes.length < 10 || bytes[0] !== 0x93 || String.fromCharCode(...bytes.subarray(1, 6)) !== 'NUMPY') bad('bad magic');
  const hlen = bytes[8] | (bytes[9] << 8);
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + hlen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined || /'fortran_order':\s*True/.test(header)) bad('unsupported header');
  const shape = shapeText!.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const C = DESCR.find(([, d]) => d === descr)?.[0];
  if (!C) bad(`dtype ${descr}`);
  const n = shape.reduce((a, b) => a * b, 1);
  const body = bytes.subarray(10 + hlen);
  const data = new C!(n);
  if (body.length !== data.byteLength) bad(`${body.length} data bytes for shape (${shape.join(', ')})`);
  new Uint8Array(data.buffer).set(body);
  return { data, shape };
}
