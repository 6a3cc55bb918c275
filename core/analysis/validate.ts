/**
 * Parsing and validation of analysis files: YAML (with ranges) → schema check (schema.ts) → semantic rules →
 * the typed `Analysis` plus diagnostics. Never throws on any input: junk, huge, deeply nested or aliased text all
 * end as diagnostics.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode, type Scalar } from 'yaml';
import {
  checkExpression,
  closest,
  lookupObservable,
  observableAccepts,
  parseCut,
  parseExpression,
  parseObjectSelection,
  type CheckResult,
  type ExprContext,
  type ExprDiagnostic,
  type ExprNode,
  type ObjectRefNode,
  type ObservableNode,
  type TextRange,
  OBJECT_KINDS,
  CLOUD_ONLY_FEATURES,
  lookupCloudFeature,
} from '../expressions/index';
import type { ArrayNode, MapNode, NumberNode, ObjectNode, SchemaNode, StringFormat, StringNode, TaggedNode, UnionNode } from './dsl';
import type { Fix, HmlDiagnostic, Severity } from './diagnostics';
import type { Analysis } from './model';
import { ANALYSIS_SCHEMA, COMMON_CLOUD_FEATURES, METHOD_DATASET_TYPE, METRIC_DOCS } from './schema';
import { reparseIncremental, YAML_OPTIONS } from './incremental';
import { LineIndex } from './text';

export type Path = (string | number)[];

/** Largest file read as an analysis (analysis files are a few kB; this is generous). */
export const MAX_ANALYSIS_BYTES = 4 * 1024 * 1024;
/** Upper bound on schema-walk steps, so alias expansion cannot blow up. */
const MAX_VISITS = 200_000;
const MAX_DEPTH = 64;

/** Where a validated value came from. */
export interface NodeInfo {
  path: Path;
  /** The YAML node (undefined for an empty value). */
  node?: YamlNode;
  /** Offsets of the value `[start, end)`. */
  start: number;
  end: number;
  /** Offsets of the key that introduced it, for map entries. */
  keyStart?: number;
  keyEnd?: number;
  schema: SchemaNode;
}

/** An expression found in the file, parsed and checked (for the evaluator, semantic tokens and hover). */
export interface ExpressionSite {
  path: Path;
  text: string;
  format: StringFormat;
  /** Offset of the expression's first character in the file (undefined for block or escaped strings). */
  offset?: number;
  ast?: ExprNode;
  check?: CheckResult;
}

export interface ValidationResult {
  /** The validated model with defaults; present only when there is no error. */
  analysis?: Analysis;
  /** The model as far as it could be read (defaults applied where keys were valid), also when there are errors. */
  partial: unknown;
  diagnostics: HmlDiagnostic[];
  document?: Document;
  lines: LineIndex;
  /** Every value node visited, by path key (`pathKey(path)`). */
  nodes: Map<string, NodeInfo>;
  expressions: ExpressionSite[];
}

export const pathKey = (path: Path): string => path.join('\u0000');

interface Sink {
  push(d: Pending): void;
}

interface Pending {
  start: number;
  end: number;
  severity: Severity;
  code: string;
  message: string;
  fixes?: { title: string; edits: { start: number; end: number; newText: string }[]; isPreferred?: boolean }[];
  path?: Path;
}

const SKIP = Symbol('invalid');

/** Defaults are small trees of plain values; a direct copy is much cheaper than structuredClone. */
function cloneDefault(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(cloneDefault);
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, cloneDefault(x)]));
  return v;
}

/** The enum node describing a tagged node's tag values (built once per tagged node). */
const tagEnums = new WeakMap<TaggedNode, StringNode>();
function tagEnum(s: TaggedNode): StringNode {
  let e = tagEnums.get(s);
  if (!e) {
    e = { kind: 'string', description: s.description, enum: Object.entries(s.variants).map(([value, v]) => ({ value, description: v.description })) };
    tagEnums.set(s, e);
  }
  return e;
}
type Val = unknown;

function typeName(n: YamlNode | null | undefined): string {
  if (!n) return 'nothing';
  if (isMap(n)) return 'a mapping';
  if (isSeq(n)) return 'a list';
  if (isScalar(n)) {
    const v = n.value;
    if (v === null) return 'nothing';
    if (typeof v === 'number') return `the number ${n.source ?? v}`;
    if (typeof v === 'boolean') return `${v}`;
    return `the text '${String(v).slice(0, 40)}'`;
  }
  return 'an alias';
}

function expectedName(s: SchemaNode): string {
  switch (s.kind) {
    case 'string':
      return s.enum ? `one of ${s.enum.map((e) => e.value).join(', ')}` : 'text';
    case 'number':
      return s.integer ? 'a whole number' : `a number${s.unit ? ` (${s.unit})` : ''}`;
    case 'boolean':
      return 'true or false';
    case 'array':
      return 'a list';
    case 'object':
    case 'map':
    case 'tagged':
      return 'a mapping (key: value)';
    case 'union':
      return s.variants.map(expectedName).join(' or ');
    case 'scalar':
      return 'a number, text or true/false';
  }
}

class Validator {
  readonly pending: Pending[] = [];
  readonly nodes = new Map<string, NodeInfo>();
  readonly sites: { path: Path; node: Scalar; format: StringFormat }[] = [];
  private visits = 0;
  private budgetReported = false;

  constructor(
    readonly text: string,
    readonly doc: Document,
  ) {}

  report(sink: Sink, d: Pending): void {
    sink.push(d);
  }

  private bounds(n: YamlNode | null | undefined, fallback: [number, number]): [number, number] {
    const r = n?.range;
    if (!r) return fallback;
    return [r[0], Math.max(r[0], r[1])];
  }

  /** Validates `n` against `s`, returns the JS value (defaults applied) or SKIP. */
  walk(n: YamlNode | null | undefined, s: SchemaNode, path: Path, sink: Sink, at: [number, number], depth: number, key?: [number, number]): Val {
    if (++this.visits > MAX_VISITS || depth > MAX_DEPTH) {
      if (!this.budgetReported) {
        this.budgetReported = true;
        this.pending.push({ start: at[0], end: at[1], severity: 1, code: 'too-deep', message: 'The file nests or repeats (through aliases) far more than any analysis needs; simplify it.' });
      }
      return SKIP;
    }
    if (n && isAlias(n)) {
      const target = n.resolve(this.doc);
      if (!target) {
        sink.push({ start: at[0], end: at[1], severity: 1, code: 'yaml-syntax', message: `Unknown alias '*${n.source}': define the anchor '&${n.source}' before using it.`, path });
        return SKIP;
      }
      // Problems inside the anchored node are reported at the alias, where this use of it is.
      const local: Pending[] = [];
      const v = this.walk(target as YamlNode, s, path, { push: (d) => local.push(d) }, at, depth + 1, key);
      for (const d of local) sink.push({ ...d, start: at[0], end: at[1], message: `${d.message} (in the value of alias '*${n.source}')` });
      return v;
    }
    const b = this.bounds(n, at);
    this.nodes.set(pathKey(path), { path, node: n ?? undefined, start: b[0], end: b[1], keyStart: key?.[0], keyEnd: key?.[1], schema: s });
    switch (s.kind) {
      case 'object':
        return this.object(n, s, path, sink, b, depth, key);
      case 'map':
        return this.map(n, s, path, sink, b, depth);
      case 'tagged':
        return this.tagged(n, s, path, sink, b, depth, key);
      case 'array':
        return this.array(n, s, path, sink, b, depth);
      case 'union':
        return this.union(n, s, path, sink, b, depth, key);
      default:
        return this.scalar(n, s, path, sink, b);
    }
  }

  private wrongType(n: YamlNode | null | undefined, s: SchemaNode, path: Path, sink: Sink, b: [number, number]): typeof SKIP {
    const fixes: Pending['fixes'] = [];
    if (s.kind === 'array' && n && isScalar(n) && n.value !== null) {
      fixes.push({ title: 'Make it a one-element list', edits: [{ start: b[0], end: b[0], newText: '[' }, { start: b[1], end: b[1], newText: ']' }] });
    }
    sink.push({
      start: b[0],
      end: b[1],
      severity: 1,
      code: 'wrong-type',
      message: `'${path.join('.')}' must be ${expectedName(s)}, not ${typeName(n)}.${s.kind === 'number' && s.unit ? ` Give the value in ${s.unit}, without the unit.` : ''}`,
      fixes: fixes.length ? fixes : undefined,
      path,
    });
    return SKIP;
  }

  private scalar(n: YamlNode | null | undefined, s: SchemaNode, path: Path, sink: Sink, b: [number, number]): Val {
    if (!n || !isScalar(n)) return this.wrongType(n, s, path, sink, b);
    const v = n.value;
    if (s.kind === 'scalar') {
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
      return this.wrongType(n, s, path, sink, b);
    }
    if (s.kind === 'boolean') {
      if (typeof v === 'boolean') return v;
      const fixes: Pending['fixes'] = typeof v === 'string' && /^(yes|on|y)$/i.test(v) ? [{ title: 'Change to true', edits: [{ start: b[0], end: b[1], newText: 'true' }] }] : typeof v === 'string' && /^(no|off|n)$/i.test(v) ? [{ title: 'Change to false', edits: [{ start: b[0], end: b[1], newText: 'false' }] }] : undefined;
      sink.push({ start: b[0], end: b[1], severity: 1, code: 'wrong-type', message: `'${path.join('.')}' must be true or false, not ${typeName(n)}.`, fixes, path });
      return SKIP;
    }
    if (s.kind === 'number') return this.number(n, v, s, path, sink, b);
    if (s.kind === 'string') return this.string(n, v, s, path, sink, b);
    return this.wrongType(n, s, path, sink, b);
  }

  private number(n: Scalar, v: unknown, s: NumberNode, path: Path, sink: Sink, b: [number, number]): Val {
    if (typeof v !== 'number') {
      // `250 GeV`: a number with a unit written after it.
      const m = typeof v === 'string' ? /^\s*([-+]?\d*\.?\d+(?:[eE][-+]?\d+)?)\s*[A-Za-z^\-0-9]+\s*$/.exec(v) : null;
      const fixes: Pending['fixes'] = m ? [{ title: `Change to ${m[1]}`, edits: [{ start: b[0], end: b[1], newText: m[1] }] }] : undefined;
      sink.push({
        start: b[0],
        end: b[1],
        severity: 1,
        code: s.code && s.code !== 'bad-window' ? s.code : 'wrong-type',
        message: `'${path.join('.')}' must be ${expectedName(s)}, not ${typeName(n)}.${m ? ` Write the number alone${s.unit ? ` (the unit is ${s.unit})` : ''}: ${m[1]}.` : ''}`,
        fixes,
        path,
      });
      return SKIP;
    }
    const problems: string[] = [];
    if (!Number.isFinite(v)) problems.push('must be finite');
    if (s.integer && !Number.isInteger(v)) problems.push('must be a whole number');
    if (s.minimum !== undefined && v < s.minimum) problems.push(`must be at least ${s.minimum}`);
    if (s.maximum !== undefined && v > s.maximum) problems.push(`must be at most ${s.maximum}`);
    if (s.exclusiveMinimum !== undefined && v <= s.exclusiveMinimum) problems.push(`must be greater than ${s.exclusiveMinimum}`);
    if (s.exclusiveMaximum !== undefined && v >= s.exclusiveMaximum) problems.push(`must be less than ${s.exclusiveMaximum}`);
    if (problems.length) {
      const code = s.code === 'bad-version' ? 'bad-version' : s.integer && !Number.isInteger(v) && problems.length === 1 ? 'wrong-type' : 'out-of-range';
      const fixes: Pending['fixes'] = [];
      if (s.integer && Number.isFinite(v) && !Number.isInteger(v)) fixes.push({ title: `Change to ${Math.round(v)}`, edits: [{ start: b[0], end: b[1], newText: String(Math.round(v)) }] });
      const message =
        code === 'bad-version'
          ? `Format version ${n.source ?? v} is not one this engine reads (it reads \`hml: 1\`). Write \`hml: 1\`, or update HEP ML Lab if the file comes from a newer version.`
          : `'${path.join('.')}' is ${n.source ?? v}${s.unit ? ` ${s.unit}` : ''} but ${problems.join(' and ')}${s.unit ? ` (${s.unit})` : ''}.`;
      if (code === 'bad-version') fixes.push({ title: 'Change to 1', edits: [{ start: b[0], end: b[1], newText: '1' }] });
      sink.push({ start: b[0], end: b[1], severity: 1, code, message, fixes: fixes.length ? fixes : undefined, path });
      return SKIP;
    }
    return v;
  }

  private string(n: Scalar, v: unknown, s: StringNode, path: Path, sink: Sink, b: [number, number]): Val {
    if (typeof v !== 'string') {
      if (s.enum) return this.badEnum(String(n.source ?? v), s, path, sink, b);
      return this.wrongType(n, s, path, sink, b);
    }
    if (s.enum) {
      const norm = (x: string): string => x.toLowerCase().replace(/[-_ ]/g, '');
      const hit = s.enum.find((e) => e.value === v) ?? s.enum.find((e) => norm(e.value) === norm(v));
      if (!hit) return this.badEnum(v, s, path, sink, b);
      if (hit.value !== v) {
        sink.push({ start: b[0], end: b[1], severity: 1, code: s.code ?? 'bad-enum', message: `'${v}' is written '${hit.value}'.`, fixes: [{ title: `Change to '${hit.value}'`, edits: [{ start: b[0], end: b[1], newText: hit.value }], isPreferred: true }], path });
        return SKIP;
      }
      return v;
    }
    if (s.pattern && !new RegExp(s.pattern).test(v)) {
      sink.push({ start: b[0], end: b[1], severity: 1, code: 'bad-name', message: `'${v}' is not allowed here: ${s.patternMessage ?? `it must match ${s.pattern}`}.`, path });
      return SKIP;
    }
    if (s.format && s.format !== 'path' && s.format !== 'mg5-process') this.sites.push({ path, node: n, format: s.format });
    return v;
  }

  private badEnum(v: string, s: StringNode, path: Path, sink: Sink, b: [number, number]): typeof SKIP {
    const values = (s.enum ?? []).map((e) => e.value);
    const guess = closest(v, values);
    sink.push({
      start: b[0],
      end: b[1],
      severity: 1,
      code: s.code ?? 'bad-enum',
      message: `'${v}' is not a valid ${String(path[path.length - 1] ?? 'value')}.${guess ? ` Did you mean '${guess}'?` : ''} Allowed: ${values.join(', ')}.`,
      fixes: (guess ? [guess] : values.slice(0, 8)).map((g, i) => ({ title: `Change to '${g}'`, edits: [{ start: b[0], end: b[1], newText: g }], isPreferred: i === 0 && guess !== undefined })),
      path,
    });
    return SKIP;
  }

  private array(n: YamlNode | null | undefined, s: ArrayNode, path: Path, sink: Sink, b: [number, number], depth: number): Val {
    if (!n || !isSeq(n)) return this.wrongType(n, s, path, sink, b);
    const out: unknown[] = [];
    let bad = false;
    n.items.forEach((item, i) => {
      const ib = this.bounds(item as YamlNode, b);
      const v = this.walk(item as YamlNode, s.items, [...path, i], sink, ib, depth + 1);
      if (v === SKIP) bad = true;
      else out.push(v);
    });
    const len = n.items.length;
    if ((s.minItems !== undefined && len < s.minItems) || (s.maxItems !== undefined && len > s.maxItems)) {
      const want = s.minItems === s.maxItems ? `exactly ${s.minItems}` : s.maxItems === undefined ? `at least ${s.minItems}` : s.minItems === undefined ? `at most ${s.maxItems}` : `${s.minItems} to ${s.maxItems}`;
      sink.push({ start: b[0], end: b[1], severity: 1, code: 'bad-length', message: `'${path.join('.')}' has ${len} entr${len === 1 ? 'y' : 'ies'} but needs ${want}. ${s.description}`, path });
      return SKIP;
    }
    if (bad) return SKIP;
    if (s.code === 'bad-window') this.window(n, out, path, sink);
    return out;
  }

  /** `[min, max]` pairs (pT windows, image ranges) must be increasing. */
  private window(n: YamlNode, out: unknown[], path: Path, sink: Sink): void {
    const pairs: [unknown, YamlNode][] = Array.isArray(out[0]) ? out.map((o, i) => [o, (n as { items: YamlNode[] }).items[i]]) : [[out, n]];
    for (const [p, node] of pairs) {
      if (Array.isArray(p) && typeof p[0] === 'number' && typeof p[1] === 'number' && !(p[0] < p[1])) {
        const [s0, e0] = this.bounds(node, [0, 0]);
        sink.push({ start: s0, end: e0, severity: 1, code: 'bad-window', message: `The range [${p[0]}, ${p[1]}] is empty: write it as [min, max] with min < max.`, fixes: p[0] > p[1] ? [{ title: 'Swap the bounds', edits: [{ start: s0, end: e0, newText: `[${p[1]}, ${p[0]}]` }] }] : undefined, path });
      }
    }
  }

  private pairs(n: YamlNode, s: SchemaNode, path: Path, sink: Sink, b: [number, number]): { key: string; ks: number; ke: number; value: YamlNode | null }[] | undefined {
    if (!isMap(n)) {
      this.wrongType(n, s, path, sink, b);
      return undefined;
    }
    const out: { key: string; ks: number; ke: number; value: YamlNode | null }[] = [];
    for (const p of n.items) {
      if (!isPair(p)) continue;
      const k = p.key as YamlNode | null;
      const kr = this.bounds(k, b);
      if (!k || !isScalar(k) || (typeof k.value !== 'string' && typeof k.value !== 'number')) {
        sink.push({ start: kr[0], end: kr[1], severity: 1, code: 'wrong-type', message: 'Keys must be plain names.', path });
        continue;
      }
      out.push({ key: String(k.value), ks: kr[0], ke: kr[1], value: (p.value as YamlNode | null) ?? null });
    }
    return out;
  }

  private object(n: YamlNode | null | undefined, s: ObjectNode, path: Path, sink: Sink, b: [number, number], depth: number, ownerKey?: [number, number], skipKeys: string[] = [], otherVariants?: Record<string, ObjectNode>): Val {
    if (!n) return this.wrongType(n, s, path, sink, b);
    const entries = this.pairs(n, s, path, sink, b);
    if (!entries) return SKIP;
    const out: Record<string, unknown> = {};
    const seen = new Set<string>();
    for (const e of entries) {
      seen.add(e.key);
      const field = s.fields[e.key];
      const vb = this.bounds(e.value, [e.ke, e.ke]);
      if (field) {
        if (skipKeys.includes(e.key)) {
          out[e.key] = isScalar(e.value) ? e.value.value : undefined;
          continue;
        }
        const v = this.walk(e.value, field.node, [...path, e.key], sink, vb, depth + 1, [e.ks, e.ke]);
        if (v !== SKIP) out[e.key] = v;
        continue;
      }
      if (s.additional) {
        const v = this.walk(e.value, s.additional, [...path, e.key], sink, vb, depth + 1, [e.ks, e.ke]);
        if (v !== SKIP) out[e.key] = v;
        if (s.unknownKeySeverity) {
          const guess = closest(e.key, Object.keys(s.fields));
          sink.push({
            start: e.ks,
            end: e.ke,
            severity: s.unknownKeySeverity === 'warning' ? 2 : 3,
            code: 'unknown-setting',
            message: `'${e.key}' is not a documented setting here; it is passed on as written.${guess ? ` Did you mean '${guess}'?` : ''}`,
            fixes: guess ? [{ title: `Rename to '${guess}'`, edits: [{ start: e.ks, end: e.ke, newText: guess }], isPreferred: true }] : undefined,
            path: [...path, e.key],
          });
        }
        continue;
      }
      const hinted = s.hints?.[e.key];
      const guess = hinted ?? closest(e.key, Object.keys(s.fields));
      const elsewhere = otherVariants ? Object.entries(otherVariants).filter(([, v]) => e.key in v.fields).map(([name]) => name) : [];
      sink.push({
        start: e.ks,
        end: e.ke,
        severity: 1,
        code: 'unknown-key',
        message: `Unknown key '${e.key}' in '${path.join('.') || 'the analysis'}'.${guess ? ` Did you mean '${guess}'?` : ''}${elsewhere.length ? ` ('${e.key}' belongs to ${elsewhere.join(', ')}.)` : ''} Allowed: ${Object.keys(s.fields).join(', ')}.`,
        fixes: guess && !seen.has(guess) && !entries.some((x) => x.key === guess) ? [{ title: `Rename to '${guess}'`, edits: [{ start: e.ks, end: e.ke, newText: guess }], isPreferred: true }] : undefined,
        path: [...path, e.key],
      });
    }
    for (const [k, f] of Object.entries(s.fields)) {
      if (seen.has(k)) continue;
      if (f.required) {
        const where = ownerKey ?? [b[0], Math.min(b[1], b[0] + 1)];
        sink.push({
          start: where[0],
          end: where[1],
          severity: 1,
          code: 'missing-key',
          message: `'${path.join('.') || 'the analysis'}' needs '${k}': ${f.node.description.split('. ')[0].replace(/\.$/, '')}.`,
          // The format version has one right value: offer to insert it.
          fixes: path.length === 0 && k === 'hml' ? [{ title: "Insert 'hml: 1'", edits: [{ start: 0, end: 0, newText: 'hml: 1\n' }], isPreferred: true }] : undefined,
          path: [...path, k],
        });
      } else if (f.default !== undefined) {
        out[k] = cloneDefault(f.default);
      }
    }
    return out;
  }

  private map(n: YamlNode | null | undefined, s: MapNode, path: Path, sink: Sink, b: [number, number], depth: number): Val {
    if (!n) return this.wrongType(n, s, path, sink, b);
    const entries = this.pairs(n, s, path, sink, b);
    if (!entries) return SKIP;
    const out: Record<string, unknown> = {};
    for (const e of entries) {
      if (s.keyPattern && !new RegExp(s.keyPattern).test(e.key)) {
        sink.push({ start: e.ks, end: e.ke, severity: 1, code: 'bad-name', message: `'${e.key}' is not a valid ${s.keyDescription}: ${s.keyPattern.includes('a-z0-9') && !s.keyPattern.includes('A-Z') ? 'use lower-case letters, digits and _' : 'start with a letter or _, then letters, digits, _ or -'}.`, path: [...path, e.key] });
      }
      const v = this.walk(e.value, s.values, [...path, e.key], sink, this.bounds(e.value, [e.ke, e.ke]), depth + 1, [e.ks, e.ke]);
      if (v !== SKIP) out[e.key] = v;
    }
    if (s.minProperties !== undefined && entries.length < s.minProperties) {
      sink.push({ start: b[0], end: b[1], severity: 1, code: 'missing-key', message: `'${path.join('.')}' needs at least ${s.minProperties} entr${s.minProperties === 1 ? 'y' : 'ies'} (${s.keyDescription}: …).`, path });
    }
    return out;
  }

  private tagged(n: YamlNode | null | undefined, s: TaggedNode, path: Path, sink: Sink, b: [number, number], depth: number, ownerKey?: [number, number]): Val {
    if (!n || !isMap(n)) return this.wrongType(n, s, path, sink, b);
    const tagPair = n.items.find((p) => isScalar(p.key) && p.key.value === s.tag);
    const names = Object.keys(s.variants);
    if (!tagPair) {
      const where = ownerKey ?? [b[0], b[0] + 1];
      sink.push({ start: where[0], end: where[1], severity: 1, code: 'missing-key', message: `'${path.join('.')}' needs '${s.tag}': one of ${names.join(', ')}.`, path: [...path, s.tag] });
      return SKIP;
    }
    const tv = tagPair.value as YamlNode | null;
    const tb = this.bounds(tv, this.bounds(tagPair.key as YamlNode, b));
    const tag = tv && isScalar(tv) ? String(tv.value) : '';
    const variant = s.variants[tag];
    this.nodes.set(pathKey([...path, s.tag]), { path: [...path, s.tag], node: tv ?? undefined, start: tb[0], end: tb[1], schema: tagEnum(s) });
    if (!variant) {
      this.badEnum(tag, tagEnum(s), [...path, s.tag], sink, tb);
      return SKIP;
    }
    const others = Object.fromEntries(Object.entries(s.variants).filter(([k]) => k !== tag));
    return this.object(n, variant, path, sink, b, depth, ownerKey, [s.tag], others);
  }

  private union(n: YamlNode | null | undefined, s: UnionNode, path: Path, sink: Sink, b: [number, number], depth: number, key?: [number, number]): Val {
    let best: Pending[] | undefined;
    for (const v of s.variants) {
      const local: Pending[] = [];
      const sitesBefore = this.sites.length;
      const out = this.walk(n, v, path, { push: (d) => local.push(d) }, b, depth + 1, key);
      if (local.length === 0 && out !== SKIP) return out;
      this.sites.length = sitesBefore;
      // Prefer the variant whose kind matches the node (its message is the useful one).
      // A string such as `12 pb` is a number with its unit written out: the number variant explains that best.
      const numberWithUnit = n && isScalar(n) && typeof n.value === 'string' && /^\s*[-+]?\d*\.?\d+(?:[eE][-+]?\d+)?\s*[A-Za-z^\-0-9]+\s*$/.test(n.value);
      const matches =
        (v.kind === 'array' && n && isSeq(n)) ||
        (v.kind !== 'array' && n && isScalar(n) && (v.kind === 'string' ? typeof n.value === 'string' && !numberWithUnit : v.kind === 'number' ? typeof n.value === 'number' || numberWithUnit : false));
      if (matches && !best) best = local;
    }
    if (best) {
      for (const d of best) sink.push({ ...d, message: `${d.message} (Or: ${s.variants.map(expectedName).join(' or ')}.)` });
      return SKIP;
    }
    sink.push({ start: b[0], end: b[1], severity: 1, code: 'wrong-type', message: `'${path.join('.')}' must be ${expectedName(s)}, not ${typeName(n)}.`, path });
    return SKIP;
  }
}

// ---------------------------------------------------------------- expressions

interface Analyzed {
  ast?: ExprNode;
  parseDiagnostics: ExprDiagnostic[];
  check?: CheckResult;
}

/**
 * Parsed and checked expressions at offset 0, by (format, context, collections, text). Files repeat the same
 * observables and the language server re-validates on every keystroke, so most lookups hit. Bounded.
 */
const exprCache = new Map<string, Analyzed>();
const EXPR_CACHE_LIMIT = 20_000;

const sr = (r: TextRange, d: number): TextRange => ({ start: r.start + d, end: r.end + d });

function shiftRef(r: ObjectRefNode, d: number): ObjectRefNode {
  const out: ObjectRefNode = { kind: 'object', name: r.name, text: r.text, nameRange: sr(r.nameRange, d), selection: r.selection, range: sr(r.range, d) };
  if (r.child) out.child = shiftRef(r.child, d);
  return out;
}

/** Copy of a tree with every range moved by `d` (hand-written: a generic deep copy costs more than parsing). */
function shiftNode(n: ExprNode, d: number): ExprNode {
  switch (n.kind) {
    case 'number':
    case 'error':
      return { ...n, range: sr(n.range, d) };
    case 'observable': {
      const o: ObservableNode = { kind: 'observable', objects: n.objects.map((x) => shiftRef(x, d)), range: sr(n.range, d) };
      if (n.name !== undefined) {
        o.name = n.name;
        o.nameText = n.nameText;
        if (n.nameRange) o.nameRange = sr(n.nameRange, d);
      }
      return o;
    }
    case 'unary':
      return { ...n, operand: shiftNode(n.operand, d), range: sr(n.range, d) };
    case 'not':
      return { ...n, operand: shiftNode(n.operand, d), opRange: sr(n.opRange, d), range: sr(n.range, d) };
    case 'reduce':
      return { ...n, operand: shiftNode(n.operand, d), prefixRange: sr(n.prefixRange, d), range: sr(n.range, d) };
    case 'binary':
    case 'logical':
      return { ...n, left: shiftNode(n.left, d), right: shiftNode(n.right, d), opRange: sr(n.opRange, d), range: sr(n.range, d) } as ExprNode;
    case 'compare':
      return { ...n, operands: n.operands.map((x) => shiftNode(x, d)), opRanges: n.opRanges.map((x) => sr(x, d)), range: sr(n.range, d) };
    case 'call':
      return { ...n, args: n.args.map((x) => shiftNode(x, d)), nameRange: sr(n.nameRange, d), range: sr(n.range, d) };
  }
}

function shiftDiag(x: ExprDiagnostic, d: number): ExprDiagnostic {
  const out: ExprDiagnostic = { ...x, range: sr(x.range, d) };
  if (x.fixes) out.fixes = x.fixes.map((f) => ({ title: f.title, edits: f.edits.map((e) => ({ range: sr(e.range, d), newText: e.newText })) }));
  return out;
}

function analyzeExpression(raw: string, format: StringFormat, collections: string[], inImage: boolean, base: number): Analyzed {
  const key = `${format}\u0000${inImage ? 1 : 0}\u0000${collections.join(',')}\u0000${raw}`;
  let a = exprCache.get(key);
  if (!a) {
    const parsed = format === 'cut' ? parseCut(raw, 0, { collections }) : format === 'object' ? parseObjectSelection(raw, 0, { collections }) : parseExpression(raw, 0, { collections });
    const ctx: ExprContext = format === 'cut' ? 'cut' : format === 'object' ? 'object' : format === 'per-object' ? 'per-object' : 'observable';
    a = { ast: parsed.ast, parseDiagnostics: parsed.diagnostics };
    if (parsed.ast && !parsed.diagnostics.some((d) => d.severity === 'error')) a.check = checkExpression(parsed.ast, { context: ctx, collections, allowSubjet: inImage });
    if (exprCache.size >= EXPR_CACHE_LIMIT) exprCache.clear();
    exprCache.set(key, a);
  }
  // Every caller gets its own copy: trees and diagnostics are handed out and may be changed by their users.
  return {
    ast: a.ast && shiftNode(a.ast, base),
    parseDiagnostics: a.parseDiagnostics.map((x) => shiftDiag(x, base)),
    check: a.check && { ...a.check, diagnostics: a.check.diagnostics.map((x) => shiftDiag(x, base)) },
  };
}

// ---------------------------------------------------------------- semantic rules

/** Offset of a scalar's first value character, when the value is exactly its source between quotes. */
function valueOffset(text: string, node: Scalar): number | undefined {
  const r = node.range;
  if (!r) return undefined;
  const v = String(node.value);
  if (node.type === 'PLAIN') return text.startsWith(v, r[0]) ? r[0] : undefined;
  if (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') return text.startsWith(v, r[0] + 1) && text[r[0] + 1 + v.length] === text[r[0]] ? r[0] + 1 : undefined;
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Collections every sample provides (intersection), for "collection-not-produced". */
function providedCollections(samples: Record<string, unknown>): Set<string> | undefined {
  let common: Set<string> | undefined;
  for (const s of Object.values(samples)) {
    if (!isRecord(s) || !isRecord(s.generator)) return undefined;
    const g = s.generator;
    let provided: string[];
    if (g.engine === 'madgraph5') provided = g.detector === 'none' ? ['particle'] : OBJECT_KINDS.filter((k) => k.level === 'top').map((k) => k.name);
    else if (g.engine === 'files') {
      if (g.format === 'auto') {
        const files = Array.isArray(g.files) ? g.files.map(String) : [];
        if (!files.every((f) => /\.(lhe|lhe\.gz|hepmc|hepmc3|hepmc\.gz)$/i.test(f))) return undefined;
      } else if (g.format === 'delphes') return undefined;
      provided = ['particle'];
    } else provided = ['particle'];
    common = common ? new Set(provided.filter((p) => common!.has(p))) : new Set(provided);
  }
  return common;
}

function hasDelphes(samples: Record<string, unknown>): boolean {
  return Object.values(samples).some((s) => isRecord(s) && isRecord(s.generator) && ((s.generator.engine === 'madgraph5' && s.generator.detector !== 'none') || (s.generator.engine === 'files' && (s.generator.format === 'delphes' || (Array.isArray(s.generator.files) && s.generator.files.some((f) => /\.root$/i.test(String(f))))))));
}

class Semantics {
  constructor(
    private readonly v: Validator,
    private readonly value: Record<string, unknown>,
    private readonly sink: Pending[],
  ) {}

  private info(path: Path): NodeInfo | undefined {
    return this.v.nodes.get(pathKey(path));
  }

  private at(path: Path, useKey = false): [number, number] {
    const i = this.info(path);
    if (!i) return [0, 0];
    if (useKey && i.keyStart !== undefined && i.keyEnd !== undefined) return [i.keyStart, i.keyEnd];
    return [i.start, i.end];
  }

  private push(path: Path, severity: Severity, code: string, message: string, fixes?: Pending['fixes'], useKey = false): void {
    const [start, end] = this.at(path, useKey);
    this.sink.push({ start, end, severity, code, message, fixes, path });
  }

  run(): ExpressionSite[] {
    const samples = isRecord(this.value.samples) ? this.value.samples : {};
    const datasets = isRecord(this.value.datasets) ? this.value.datasets : {};
    const methods = isRecord(this.value.methods) ? this.value.methods : {};
    const reco = isRecord(this.value.reconstruction) ? this.value.reconstruction : {};

    // Labels: at least one of each class.
    const labels = Object.values(samples).map((s) => (isRecord(s) ? s.label : undefined));
    if (Object.keys(samples).length > 0 && this.info(['samples'])) {
      if (!labels.includes('background') && labels.every((l) => l === 'signal')) this.push(['samples'], 2, 'no-background', 'No sample is labelled `background`: methods need both classes to train. Add a background sample.', undefined, true);
      if (!labels.includes('signal') && labels.every((l) => l === 'background')) this.push(['samples'], 2, 'no-signal', 'No sample is labelled `signal`: methods need both classes to train. Add a signal sample.', undefined, true);
    }
    for (const [name, s] of Object.entries(samples)) {
      if (!isRecord(s) || !isRecord(s.generator)) continue;
      const g = s.generator;
      if (typeof g.events === 'number' && g.events < 100) this.push(['samples', name, 'generator', 'events'], 2, 'few-events', `Only ${g.events} events: metrics will be dominated by statistical noise. Use at least a few thousand for a study (small numbers are fine for a quick test).`);
      if (g.engine === 'madgraph5' && g.detector === 'delphes' && g.shower === 'none') this.push(['samples', name, 'generator', 'detector'], 1, 'delphes-needs-shower', 'Delphes needs showered, hadronised events: set `shower: pythia8` or `detector: none`.');
    }

    // Reconstruction.
    const delphes = hasDelphes(samples);
    for (const [name, j] of Object.entries(reco)) {
      if (!isRecord(j)) continue;
      if (j.algorithm === 'genkt' && j.p === undefined) this.push(['reconstruction', name, 'algorithm'], 1, 'genkt-needs-p', 'The generalised kT algorithm needs its exponent: add `p:` (-1 anti-kT, 0 C/A, 1 kT).');
      if (j.algorithm !== 'genkt' && j.p !== undefined) this.push(['reconstruction', name, 'p'], 2, 'unused-key', `'p' is only used with \`algorithm: genkt\`; ${String(j.algorithm)} fixes its own exponent. Remove it.`, undefined, true);
      const kind = OBJECT_KINDS.find((k) => k.name === name);
      if (delphes && kind && kind.level === 'top' && kind.name !== 'subjet' && j.replace !== true) {
        this.push(['reconstruction', name], 1, 'collection-clash', `Delphes events already have a '${name}' collection. Add \`replace: true\` to rebuild it, or choose another name (e.g. '${name}_r${String(j.r).replace('.', '')}').`, undefined, true);
      }
      if (kind && (kind.level === 'child' || kind.name === 'subjet')) this.push(['reconstruction', name], 1, 'bad-name', `'${name}' is reserved for sub-objects of jets; choose another collection name.`, undefined, true);
    }
    const collections = Object.keys(reco);
    const provided = providedCollections(samples);

    // Methods → datasets.
    const datasetNames = Object.keys(datasets);
    for (const [name, m] of Object.entries(methods)) {
      if (!isRecord(m) || typeof m.dataset !== 'string') continue;
      const d = datasets[m.dataset];
      if (!(m.dataset in datasets)) {
        const guess = closest(m.dataset, datasetNames);
        const [s, e] = this.at(['methods', name, 'dataset']);
        this.sink.push({
          start: s,
          end: e,
          severity: 1,
          code: 'unknown-dataset',
          message: `Method '${name}' trains on dataset '${m.dataset}', which is not defined under \`datasets:\`.${guess ? ` Did you mean '${guess}'?` : ` Defined: ${datasetNames.join(', ') || 'none'}.`}`,
          fixes: guess ? [{ title: `Change to '${guess}'`, edits: [{ start: s, end: e, newText: guess }], isPreferred: true }] : undefined,
          path: ['methods', name, 'dataset'],
        });
        continue;
      }
      const want = METHOD_DATASET_TYPE[m.type as keyof typeof METHOD_DATASET_TYPE];
      if (want && isRecord(d) && typeof d.type === 'string' && d.type !== want) {
        const fitting = Object.entries(datasets).filter(([, x]) => isRecord(x) && x.type === want).map(([k]) => k);
        this.push(['methods', name, 'dataset'], 1, 'method-dataset-type', `A ${String(m.type)} method needs a \`${want}\` dataset, but '${m.dataset}' is \`${d.type}\`.${fitting.length ? ` Use ${fitting.map((f) => `'${f}'`).join(' or ')}.` : ` Define a \`type: ${want}\` dataset.`}`);
      }
    }
    const exp = this.value.export;
    if (isRecord(exp) && Array.isArray(exp.methods)) {
      exp.methods.forEach((mn, i) => {
        if (typeof mn === 'string' && !(mn in methods)) {
          const guess = closest(mn, Object.keys(methods));
          this.push(['export', 'methods', i], 1, 'unknown-method', `No method named '${mn}'.${guess ? ` Did you mean '${guess}'?` : ''}`);
        }
      });
    }

    // Splits.
    for (const [name, d] of Object.entries(datasets)) {
      if (!isRecord(d) || !isRecord(d.split)) continue;
      const sp = d.split;
      const parts = [sp.train, sp.validation ?? 0, sp.test];
      if (parts.every((x) => typeof x === 'number')) {
        const sum = (parts as number[]).reduce((a, b) => a + b, 0);
        if (Math.abs(sum - 1) > 1e-9) {
          const newTest = Math.round((1 - (sp.train as number) - ((sp.validation as number | undefined) ?? 0)) * 1e9) / 1e9;
          const testInfo = this.info(['datasets', name, 'split', 'test']);
          const fixes: Pending['fixes'] = testInfo && this.info(['datasets', name, 'split'])?.node && newTest >= 0 ? [{ title: `Set test to ${newTest}`, edits: [{ start: testInfo.start, end: testInfo.end, newText: String(newTest) }], isPreferred: true }] : undefined;
          this.push(['datasets', name, 'split'], 1, 'split-sum', `The split fractions add up to ${Number(sum.toPrecision(12))}, not 1: train + validation + test must be 1.${newTest >= 0 ? ` With these train/validation values, test should be ${newTest}.` : ''}`, fixes);
        }
      }
      if (d.type === 'set' && Array.isArray(d.observables)) {
        const seen = new Map<string, number>();
        d.observables.forEach((o, i) => {
          const k = String(o).replace(/\s+/g, '').toLowerCase();
          if (seen.has(k)) this.push(['datasets', name, 'observables', i], 2, 'duplicate-observable', `'${String(o)}' is already column ${seen.get(k)! + 1} of this dataset; remove the repeat.`);
          else seen.set(k, i);
        });
      }
    }

    return this.expressions(collections, provided, datasets);
  }

  private expressions(collections: string[], provided: Set<string> | undefined, datasets: Record<string, unknown>): ExpressionSite[] {
    const out: ExpressionSite[] = [];
    const text = this.v.text;
    const byPath = new Map<string, ExpressionSite>();
    for (const site of this.v.sites) {
      const raw = String(site.node.value);
      const offset = valueOffset(text, site.node);
      const r = site.node.range ?? [0, 0, 0];
      const es: ExpressionSite = { path: site.path, text: raw, format: site.format, offset };
      out.push(es);
      byPath.set(pathKey(site.path), es);
      if (site.format === 'metric') {
        this.metric(site.path, raw);
        continue;
      }
      if (site.format === 'dataset-ref' || site.format === 'method-ref' || site.format === 'cloud-feature') continue;
      const base = offset ?? 0;
      const inImage = site.path[0] === 'datasets' && isRecord(datasets[String(site.path[1])]) && (datasets[String(site.path[1])] as Record<string, unknown>).type === 'image';
      const analyzed = analyzeExpression(raw, site.format, collections, inImage, base);
      es.ast = analyzed.ast;
      es.check = analyzed.check;
      const diags: ExprDiagnostic[] = [...analyzed.parseDiagnostics, ...(analyzed.check?.diagnostics ?? [])].map((d) => ({ ...d }));
      for (const d of diags) {
        if (d.code === 'expr-missing-observable' && site.node.type === 'PLAIN' && text[r[1]] === ',') {
          d.message += ' Inside [ … ] a comma separates list items: quote an expression that contains one, e.g. "jet0,jet1.delta_r".';
        }
        const [s, e] = offset === undefined ? [r[0], r[1]] : [d.range.start, Math.max(d.range.end, d.range.start)];
        this.sink.push({
          start: s,
          end: e,
          severity: d.severity === 'error' ? 1 : d.severity === 'warning' ? 2 : 3,
          code: d.code,
          message: d.message,
          fixes: offset === undefined ? undefined : d.fixes?.map((f) => ({ title: f.title, edits: f.edits.map((x) => ({ start: x.range.start, end: x.range.end, newText: x.newText })) })),
          path: site.path,
        });
      }
      if (provided && analyzed.ast && !diags.some((d) => d.severity === 'error')) this.produced(analyzed.ast, provided, collections, site.path, inImage);
    }
    this.images(datasets, byPath);
    this.clouds(datasets, byPath);
    return out;
  }

  private produced(ast: ExprNode, provided: Set<string>, collections: string[], path: Path, inImage: boolean): void {
    const stack: ExprNode[] = [ast];
    const reported = new Set<string>();
    while (stack.length) {
      const n = stack.pop()!;
      if (n.kind === 'observable') {
        for (const o of n.objects) {
          if (provided.has(o.name) || collections.includes(o.name) || (inImage && o.name === 'subjet') || reported.has(o.name)) continue;
          reported.add(o.name);
          this.sink.push({
            start: o.nameRange.start,
            end: o.nameRange.end,
            severity: 2,
            code: 'collection-not-produced',
            message: `No sample provides '${o.name}' objects (built-in, LHE and HepMC3 samples give particles only). Build it under \`reconstruction:\` (e.g. \`${o.name}: { algorithm: antikt, r: ${o.name === 'fatjet' ? '1.0' : '0.4'} }\`).`,
            path,
          });
        }
      } else if ('operand' in n) stack.push(n.operand);
      else if (n.kind === 'binary' || n.kind === 'logical') stack.push(n.left, n.right);
      else if (n.kind === 'compare') stack.push(...n.operands);
      else if (n.kind === 'call') stack.push(...n.args);
    }
  }

  private metric(path: Path, raw: string): void {
    const m = /^([a-z_]+)(?:@(.*))?$/.exec(raw.trim());
    const names = Object.keys(METRIC_DOCS).map((k) => k.replace('@X', ''));
    const base = m?.[1];
    const needsPoint = base === 'rejection' || base === 'efficiency';
    if (!m || !names.includes(base!) || (needsPoint && m[2] === undefined) || (!needsPoint && m[2] !== undefined)) {
      const guess = closest(raw.replace(/@.*/, ''), names);
      const [s, e] = this.at(path);
      this.sink.push({
        start: s,
        end: e,
        severity: 1,
        code: 'bad-metric',
        message: `Unknown metric '${raw}'.${guess ? ` Did you mean '${guess}${guess === 'rejection' || guess === 'efficiency' ? '@0.5' : ''}'?` : ''} Metrics: accuracy, auc, log_loss, max_significance, significance, rejection@X, efficiency@X (0 < X < 1).`,
        fixes: guess ? [{ title: `Change to '${guess}'`, edits: [{ start: s, end: e, newText: guess === 'rejection' || guess === 'efficiency' ? `${guess}@${m?.[2] ?? '0.5'}` : guess }] }] : undefined,
        path,
      });
      return;
    }
    if (needsPoint) {
      const x = Number(m[2]);
      if (!(x > 0 && x < 1) || m[2]!.trim() === '') this.push(path, 1, 'bad-metric', `The working point of '${raw}' must be a signal (or background) efficiency strictly between 0 and 1, e.g. '${base}@0.5'.`);
    }
  }

  private images(datasets: Record<string, unknown>, sites: Map<string, ExpressionSite>): void {
    for (const [name, d] of Object.entries(datasets)) {
      if (!isRecord(d) || d.type !== 'image') continue;
      const axes: [Path, ExpressionSite | undefined][] = [['height'], ['width']].map((k) => [['datasets', name, ...k], sites.get(pathKey(['datasets', name, ...k]))]);
      if (typeof d.channel === 'string') axes.push([['datasets', name, 'channel'], sites.get(pathKey(['datasets', name, 'channel']))]);
      else if (Array.isArray(d.channel)) d.channel.forEach((_, i) => axes.push([['datasets', name, 'channel', i], sites.get(pathKey(['datasets', name, 'channel', i]))]));
      const checked = axes.filter(([, s]) => s?.check && !s.check.diagnostics.some((x) => x.severity === 'error'));
      const first = checked[0];
      for (const [p, s] of checked) {
        if (s!.check!.shape !== 'ragged') {
          this.push(p, 1, 'image-axes', `'${s!.text}' is one value per event; an image axis or channel needs one value per particle, e.g. 'fatjet0.constituents.${String(p[2]) === 'height' ? 'phi' : String(p[2]) === 'width' ? 'eta' : 'pt'}'.`);
        } else if (first && first[1]!.check!.shape === 'ragged' && s!.check!.domain !== first[1]!.check!.domain) {
          this.push(p, 1, 'image-axes', `'${s!.text}' ranges over ${s!.check!.domain} but '${first[1]!.text}' over ${first[1]!.check!.domain}: height, width and channel must be values of the same particles.`);
        }
      }
      for (const p of [['translate'], ['rotate', 'axis']]) {
        const s = sites.get(pathKey(['datasets', name, ...p]));
        if (s?.check && !s.check.diagnostics.some((x) => x.severity === 'error') && s.check.shape !== 'scalar') {
          this.push(['datasets', name, ...p], 1, 'image-object', `'${s.text}' selects several objects; ${p.join('.')} needs one, e.g. '${s.text.replace(/(:\d*)?$/, '0').replace(/(\D)0?$/, '$10')}' (subjet0, fatjet0 …).`);
        }
      }
    }
  }

  private clouds(datasets: Record<string, unknown>, sites: Map<string, ExpressionSite>): void {
    for (const [name, d] of Object.entries(datasets)) {
      if (!isRecord(d) || d.type !== 'cloud') continue;
      const s = sites.get(pathKey(['datasets', name, 'object']));
      if (!s?.check || s.check.diagnostics.some((x) => x.severity === 'error')) continue;
      if (s.check.shape !== 'ragged') {
        this.push(['datasets', name, 'object'], 1, 'cloud-object', `'${s.text}' is a single object; a cloud needs a collection of particles, e.g. 'fatjet0.constituents' or 'eflowtrack'.`);
        continue;
      }
      const kind = s.check.objectKind;
      if (!Array.isArray(d.features)) continue;
      d.features.forEach((f, i) => {
        const p: Path = ['datasets', name, 'features', i];
        const isChild = kind === 'constituents' || kind === 'subjets';
        // Cloud-only features (classes, fractions) and the stored fields clouds fill with 0 when a source lacks them.
        const only = lookupCloudFeature(String(f));
        if (only) {
          if (only.relative && !isChild) this.push(p, 1, 'cloud-feature', `'${only.name}' is relative to a parent jet: it needs a jet's constituents, e.g. \`object: fatjet0.constituents\`.`);
          return;
        }
        if (/^(pdg_id|pid|pdgid|charge|q)$/i.test(String(f))) return;
        const spec = lookupObservable(String(f));
        if (!spec) {
          const guess = closest(String(f), OBJECT_KINDS.length ? [...COMMON_CLOUD_FEATURES, 'mass', ...CLOUD_ONLY_FEATURES.map((c) => c.name)] : []);
          const [st, en] = this.at(p);
          this.sink.push({ start: st, end: en, severity: 1, code: 'cloud-feature', message: `Unknown particle feature '${String(f)}'.${guess ? ` Did you mean '${guess}'?` : ''}`, fixes: guess ? [{ title: `Change to '${guess}'`, edits: [{ start: st, end: en, newText: guess }], isPreferred: true }] : undefined, path: p });
          return;
        }
        const relative = spec.arity === 'pair' && spec.relativeToParent;
        if ((spec.arity !== 'each' && !relative) || (relative && !isChild) || (kind && !observableAccepts(spec, kind))) {
          this.push(p, 1, 'cloud-feature', `'${spec.name}' is not a per-particle feature of ${kind ?? 'these'} objects${relative && !isChild ? ' (relative features need a jet\'s constituents, e.g. `object: fatjet0.constituents`)' : ''}.`);
        }
      });
    }
  }
}

// ---------------------------------------------------------------- entry point

function yamlCode(code: string): string {
  return code === 'DUPLICATE_KEY' ? 'duplicate-key' : 'yaml-syntax';
}

const YAML_HINTS: Record<string, string> = {
  TAB_AS_INDENT: ' YAML indents with spaces only: replace the tab with spaces.',
  BAD_INDENT: ' Check the indentation: items of one mapping or list must line up.',
  DUPLICATE_KEY: ' Keep one of them (names of samples, datasets and methods must be unique).',
  MULTIPLE_DOCS: ' An analysis file holds one YAML document: remove the `---` separator and what follows, or split it into two files.',
  MISSING_CHAR: '',
  BAD_ALIAS: '',
};

/** The incremental parse, or undefined (a full parse) on anything unexpected: it is an optimisation only. */
function reparseSafely(previous: PreviousParse, text: string): Document | undefined {
  try {
    return reparseIncremental(previous.text, previous.document, text);
  } catch {
    return undefined;
  }
}

/** The text and YAML document of an earlier version of the same file, for an incremental parse. */
export interface PreviousParse {
  text: string;
  /** Modified in place by the incremental parse: the earlier result must not be used afterwards. */
  document?: Document;
}

/**
 * Parses and validates an analysis file's text. Never throws. With `previous` (the editor's last version), an edit
 * inside one entry re-parses only that entry (core/analysis/incremental.ts); the result is the same as without.
 */
export function validateText(text: string, previous?: PreviousParse): ValidationResult {
  const lines = new LineIndex(text);
  const pending: Pending[] = [];
  const finish = (partial: unknown, document?: Document, v?: Validator, expressions: ExpressionSite[] = []): ValidationResult => {
    // After a YAML syntax error the tree is a guess: schema complaints about what follows it are noise.
    const firstSyntax = Math.min(...pending.filter((p) => p.code === 'yaml-syntax').map((p) => p.start));
    for (let i = pending.length - 1; i >= 0 && Number.isFinite(firstSyntax); i--) {
      const p = pending[i];
      if (p.code !== 'yaml-syntax' && p.code !== 'duplicate-key' && p.code !== 'yaml-warning' && (p.end >= firstSyntax || p.code === 'missing-key')) pending.splice(i, 1);
    }
    pending.sort((a, b) => a.start - b.start || a.end - b.end);
    const diagnostics: HmlDiagnostic[] = [];
    const seen = new Set<string>();
    for (const p of pending) {
      // Ranges end at the last visible character, never on the following line.
      while (p.end > p.start + 1 && /\s/.test(text[p.end - 1] ?? '')) p.end--;
      const k = `${p.start}:${p.end}:${p.code}:${p.message}`;
      if (seen.has(k)) continue;
      seen.add(k);
      const d: HmlDiagnostic = { range: lines.range(p.start, p.end), severity: p.severity, code: p.code, source: 'hml', message: p.message };
      const fixes: Fix[] | undefined = p.fixes?.map((f) => ({ title: f.title, isPreferred: f.isPreferred, edits: f.edits.map((e) => ({ range: lines.range(e.start, e.end), newText: e.newText })) }));
      if (fixes?.length || p.path) d.data = { ...(fixes?.length ? { fixes } : {}), ...(p.path ? { path: p.path } : {}) };
      diagnostics.push(d);
    }
    const ok = !diagnostics.some((d) => d.severity === 1) && isRecord(partial);
    return { analysis: ok ? (partial as Analysis) : undefined, partial, diagnostics, document, lines, nodes: v?.nodes ?? new Map(), expressions };
  };

  if (text.length > MAX_ANALYSIS_BYTES) {
    pending.push({ start: 0, end: Math.min(text.length, lines.lineStart(1) || text.length), severity: 1, code: 'file-too-large', message: `This file has ${(text.length / 1048576).toFixed(1)} MB of text; analysis files are a few kB and at most ${MAX_ANALYSIS_BYTES / 1048576} MB are read. Is it the right file?` });
    return finish(undefined);
  }
  let doc: Document;
  try {
    doc = (previous && reparseSafely(previous, text)) || parseDocument(text, YAML_OPTIONS);
  } catch (err) {
    // The yaml package recurses on nesting; pathological depth ends here instead of in the caller.
    pending.push({ start: 0, end: Math.min(text.length, 1), severity: 1, code: 'too-deep', message: `The YAML could not be read (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); it nests far deeper than an analysis file does.` });
    return finish(undefined);
  }
  for (const e of [...doc.errors, ...doc.warnings]) {
    const s = e.pos[0];
    let en = e.pos[1];
    if (e.code === 'DUPLICATE_KEY') {
      // The yaml package marks one character; the whole key is what the user must change.
      const km = /^("[^"\n]*"|'[^'\n]*'|[^:\s,{}[\]]+)/.exec(text.slice(s, s + 200));
      if (km) en = s + km[1].length;
    }
    const first = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    pending.push({ start: s, end: Math.max(en, s), severity: e.name === 'YAMLWarning' ? 2 : 1, code: e.name === 'YAMLWarning' ? 'yaml-warning' : yamlCode(e.code), message: `${first}.${YAML_HINTS[e.code] ?? ''}`.replace('..', '.') });
  }
  const v = new Validator(text, doc);
  const root = doc.contents as YamlNode | null;
  if (!root || (isScalar(root) && root.value === null)) {
    if (!pending.some((p) => p.severity === 1)) {
      pending.push({ start: 0, end: 0, severity: 1, code: 'missing-key', message: 'The file is empty. An analysis starts with `hml: 1` and has `samples:` and `datasets:` sections (try the completion snippets, or copy an example from examples/).' });
    }
    return finish(undefined, doc, v);
  }
  if (!isMap(root)) {
    const [s, e] = [root.range?.[0] ?? 0, root.range?.[1] ?? 0];
    pending.push({ start: s, end: e, severity: 1, code: 'not-a-mapping', message: `An analysis file is a mapping of sections (hml:, samples:, datasets: …), not ${typeName(root)}.` });
    return finish(undefined, doc, v);
  }
  let partial: unknown;
  let expressions: ExpressionSite[] = [];
  try {
    partial = v.walk(root, ANALYSIS_SCHEMA, [], { push: (d) => pending.push(d) }, [0, text.length], 0);
    if (isRecord(partial)) expressions = new Semantics(v, partial, pending).run();
    else partial = undefined;
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    pending.push({ start: 0, end: 1, severity: 1, code: 'too-deep', message: 'The file nests far deeper than an analysis file does; simplify it.' });
  }
  return finish(partial, doc, v, expressions);
}

export { ANALYSIS_SCHEMA };
export type { ObjectNode };
