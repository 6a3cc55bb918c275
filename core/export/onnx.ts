/**
 * A small ONNX graph builder on `onnx-proto` (recipes/onnx-export.md): IR 8, opset 17, ai.onnx.ml 3, so the
 * files load in onnxruntime 1.30 and pass Debian's onnx 1.12 checker. Initializers are raw little-endian
 * float32 / int64 (packed `floatData` is 40× slower to encode); strings go into `bytes` fields as UTF-8 bytes
 * (a JS string there would be base64-decoded silently).
 */
import { endianness } from 'node:os';
import onnxProto from 'onnx-proto';
import { HmlError } from '../util/errors';

const { onnx } = onnxProto;
type AttributeInit = onnxProto.onnx.IAttributeProto;
type NodeInit = onnxProto.onnx.INodeProto;
type TensorInit = onnxProto.onnx.ITensorProto;
type ValueInfoInit = onnxProto.onnx.IValueInfoProto;

export const IR_VERSION = 8;
export const OPSET = 17;
export const ML_OPSET = 3;

export const DT = { FLOAT: 1, UINT8: 2, INT64: 7, BOOL: 9 } as const;

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

export const attr = {
  int: (name: string, i: number): AttributeInit => ({ name, type: onnx.AttributeProto.AttributeType.INT, i }),
  float: (name: string, f: number): AttributeInit => ({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f }),
  string: (name: string, s: string): AttributeInit => ({ name, type: onnx.AttributeProto.AttributeType.STRING, s: enc(s) }),
  ints: (name: string, v: readonly number[]): AttributeInit => ({ name, type: onnx.AttributeProto.AttributeType.INTS, ints: [...v] }),
  floats: (name: string, v: readonly number[]): AttributeInit => ({ name, type: onnx.AttributeProto.AttributeType.FLOATS, floats: [...v] }),
  strings: (name: string, v: readonly string[]): AttributeInit => ({ name, type: onnx.AttributeProto.AttributeType.STRINGS, strings: v.map(enc) }),
};

/** Accumulates nodes and initializers with unique names. */
export class GraphBuilder {
  readonly nodes: NodeInit[] = [];
  readonly initializers: TensorInit[] = [];
  readonly inputs: ValueInfoInit[] = [];
  readonly outputs: ValueInfoInit[] = [];
  usesMl = false;
  private counter = 0;

  constructor() {
    if (endianness() !== 'LE') throw new HmlError('onnx-endianness', 'ONNX raw_data is little-endian; exporting from a big-endian machine is not supported', { exitCode: 1 });
  }

  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  input(name: string, elemType: number, dims: readonly (number | string)[]): string {
    this.inputs.push(valueInfo(name, elemType, dims));
    return name;
  }

  output(name: string, elemType: number, dims: readonly (number | string)[]): void {
    this.outputs.push(valueInfo(name, elemType, dims));
  }

  /** A float32 initializer; values are converted to float32 here (a double next to a float input fails). */
  f32(prefix: string, dims: readonly number[], values: ArrayLike<number>): string {
    const name = this.fresh(prefix);
    const f = values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
    if (f.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`initializer ${name}: ${f.length} values for dims ${dims.join('×')}`);
    this.initializers.push({ name, dims: [...dims], dataType: DT.FLOAT, rawData: new Uint8Array(f.buffer, f.byteOffset, f.byteLength) });
    return name;
  }

  i64(prefix: string, dims: readonly number[], values: readonly number[]): string {
    const name = this.fresh(prefix);
    const b = BigInt64Array.from(values.map((v) => BigInt(v)));
    this.initializers.push({ name, dims: [...dims], dataType: DT.INT64, rawData: new Uint8Array(b.buffer, b.byteOffset, b.byteLength) });
    return name;
  }

  /** Adds a node; returns its first output name (fresh unless given). */
  op(opType: string, inputs: readonly string[], attributes: AttributeInit[] = [], output?: string, domain = ''): string {
    const out = output ?? this.fresh(opType.toLowerCase());
    if (domain === 'ai.onnx.ml') this.usesMl = true;
    this.nodes.push({ opType, input: [...inputs], output: [out], attribute: attributes, domain, name: `${opType}_${out}` });
    return out;
  }

  /** Encodes the model. `metadata` values are strings (ONNX metadata_props). */
  build(opts: { name: string; docString: string; producerVersion: string; metadata?: Record<string, string> }): Uint8Array {
    const opsetImport = [{ domain: '', version: OPSET }];
    if (this.usesMl) opsetImport.push({ domain: 'ai.onnx.ml', version: ML_OPSET });
    const m = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      producerName: 'hep-ml-lab',
      producerVersion: opts.producerVersion,
      modelVersion: 1,
      docString: opts.docString,
      opsetImport,
      metadataProps: Object.entries(opts.metadata ?? {}).map(([key, value]) => ({ key, value })),
      graph: { name: opts.name, node: this.nodes, input: this.inputs, output: this.outputs, initializer: this.initializers, docString: opts.docString },
    });
    const err = onnx.ModelProto.verify(m);
    if (err) throw new Error(`internal ONNX encoding error: ${err}`);
    return onnx.ModelProto.encode(m).finish();
  }
}

function valueInfo(name: string, elemType: number, dims: readonly (number | string)[]): ValueInfoInit {
  return { name, type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } } };
}

/** Header facts of an encoded model (for `hml check-bundle`). */
export function readModelHeader(bytes: Uint8Array): { irVersion: number; opsets: Record<string, number>; metadata: Record<string, string>; inputs: string[]; outputs: string[] } {
  const m = onnx.ModelProto.decode(bytes);
  const o = onnx.ModelProto.toObject(m, { longs: Number }) as {
    irVersion?: number;
    opsetImport?: { domain?: string; version?: number }[];
    metadataProps?: { key?: string; value?: string }[];
    graph?: { input?: { name?: string }[]; output?: { name?: string }[] };
  };
  const opsets: Record<string, number> = {};
  for (const x of o.opsetImport ?? []) opsets[x.domain ?? ''] = Number(x.version ?? 0);
  const metadata: Record<string, string> = {};
  for (const p of o.metadataProps ?? []) if (p.key) metadata[p.key] = p.value ?? '';
  return {
    irVersion: Number(o.irVersion ?? 0),
    opsets,
    metadata,
    inputs: (o.graph?.input ?? []).map((i) => i.name ?? ''),
    outputs: (o.graph?.output ?? []).map((i) => i.name ?? ''),
  };
}
