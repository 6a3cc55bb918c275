/**
 * A small schema language in TypeScript. The analysis-file schema (schema.ts) is written with these builders once;
 * from it come the `Analysis` type (through `Infer`), the validator, the JSON Schema and the hover/completion docs.
 *
 * Every builder returns a plain runtime node (`SchemaNode`) that also carries, at type level only, the TypeScript
 * type of the value it describes (after defaults are applied).
 */

/** Phantom carrier of the described value's TypeScript type. */
export interface Typed<T> {
  readonly __type?: T;
}

/** Type of the value a node describes. */
export type Infer<N> = N extends Typed<infer T> ? T : never;

/** What a string holds, so the validator and the language server know how to read it. */
export type StringFormat =
  /** A cut expression (`fatjet.size > 0`). */
  | 'cut'
  /** An observable, one number per event (`fatjet0.tau21`). */
  | 'observable'
  /** An observable, one number per event or per object (image axes). */
  | 'per-object'
  /** An object selection (`fatjet0.constituents`, `subjet0`). */
  | 'object'
  /** A per-particle feature name of a cloud (`delta_eta`, `log_pt`). */
  | 'cloud-feature'
  /** A metric (`auc`, `rejection@0.5`). */
  | 'metric'
  /** The name of a dataset of this file. */
  | 'dataset-ref'
  /** The name of a method of this file. */
  | 'method-ref'
  /** A file path, relative to the analysis file. */
  | 'path'
  /** A MadGraph5 process line (`p p > t t~`). */
  | 'mg5-process';

interface Common {
  /** Markdown shown on hover, written for physicists. */
  description: string;
  /** Short title for completion lists. */
  title?: string;
  /** Diagnostic code used when a value fails this node's own check (else the generic code). */
  code?: string;
}

export interface EnumValue {
  value: string;
  description: string;
}

export interface StringNode extends Common {
  kind: 'string';
  enum?: EnumValue[];
  format?: StringFormat;
  /** Regular expression the value must match (anchored). */
  pattern?: string;
  patternMessage?: string;
}

export interface NumberNode extends Common {
  kind: 'number';
  integer: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  /** Physical unit (`GeV`, `pb`, `fb^-1`, `degrees`), shown on hover and in messages. */
  unit?: string;
}

export interface BooleanNode extends Common {
  kind: 'boolean';
}

export interface ArrayNode extends Common {
  kind: 'array';
  items: SchemaNode;
  minItems?: number;
  maxItems?: number;
}

export interface FieldDef {
  node: SchemaNode;
  required: boolean;
  default?: unknown;
}

export interface ObjectNode extends Common {
  kind: 'object';
  fields: Record<string, FieldDef>;
  /** Old or tempting names that mean a field of this object (`energy` → `sqrt_s`), for did-you-mean. */
  hints?: Record<string, string>;
  /** Values of keys not in `fields`: undefined means unknown keys are errors. */
  additional?: SchemaNode;
  /** Severity of an unknown key when `additional` is set but the key is not among the documented ones. */
  unknownKeySeverity?: 'warning' | 'info';
  /** Completion snippet (LSP snippet syntax) inserting a typical whole object. */
  snippet?: string;
}

export interface MapNode extends Common {
  kind: 'map';
  values: SchemaNode;
  /** What a key names (`sample name`), for docs. */
  keyDescription: string;
  keyPattern?: string;
  minProperties?: number;
  /** Completion snippet for a new entry (key and value). */
  snippet?: string;
}

export interface TaggedNode extends Common {
  kind: 'tagged';
  /** The key whose value selects the variant (`type`, `engine`). */
  tag: string;
  variants: Record<string, ObjectNode>;
}

export interface UnionNode extends Common {
  kind: 'union';
  variants: SchemaNode[];
}

/** Free-form scalar: a string, number or boolean (MadGraph5 run-card settings). */
export interface ScalarNode extends Common {
  kind: 'scalar';
}

export type SchemaNode = StringNode | NumberNode | BooleanNode | ArrayNode | ObjectNode | MapNode | TaggedNode | UnionNode | ScalarNode;

export interface Field<T, Present extends boolean> extends FieldDef, Typed<T> {
  readonly __present?: Present;
}

type AnyField = Field<unknown, boolean>;
type FieldType<F> = F extends Field<infer T, boolean> ? T : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type PresentKeys<F> = { [K in keyof F]: F[K] extends Field<unknown, true> ? K : never }[keyof F];
type OptionalKeys<F> = Exclude<keyof F, PresentKeys<F>>;
export type ObjectType<F> = Simplify<{ [K in PresentKeys<F>]: FieldType<F[K]> } & { [K in OptionalKeys<F>]?: FieldType<F[K]> }>;

type Opts<N> = Omit<N, 'kind' | 'description'>;

export function str(description: string, opts: Opts<StringNode> = {}): StringNode & Typed<string> {
  return { kind: 'string', description, ...opts };
}

/** A closed set of string values, each with its own doc; the type is the union of the keys. */
export function enm<V extends string>(description: string, values: Record<V, string>, opts: Omit<Opts<StringNode>, 'enum'> = {}): StringNode & Typed<V> {
  return { kind: 'string', description, enum: Object.entries(values).map(([value, d]) => ({ value, description: d as string })), ...opts };
}

export function num(description: string, opts: Omit<Opts<NumberNode>, 'integer'> = {}): NumberNode & Typed<number> {
  return { kind: 'number', integer: false, description, ...opts };
}

export function int(description: string, opts: Omit<Opts<NumberNode>, 'integer'> = {}): NumberNode & Typed<number> {
  return { kind: 'number', integer: true, description, ...opts };
}

export function bool(description: string): BooleanNode & Typed<boolean> {
  return { kind: 'boolean', description };
}

export function scalar(description: string): ScalarNode & Typed<string | number | boolean> {
  return { kind: 'scalar', description };
}

export function arr<N extends SchemaNode & Typed<unknown>>(items: N, description: string, opts: Omit<Opts<ArrayNode>, 'items'> = {}): ArrayNode & Typed<Infer<N>[]> {
  return { kind: 'array', items, description, ...opts };
}

export function obj<F extends Record<string, AnyField>>(description: string, fields: F, opts: Omit<Opts<ObjectNode>, 'fields'> = {}): ObjectNode & Typed<ObjectType<F>> {
  return { kind: 'object', description, fields, ...opts };
}

export function map<N extends SchemaNode & Typed<unknown>>(values: N, description: string, opts: Omit<Opts<MapNode>, 'values'>): MapNode & Typed<Record<string, Infer<N>>> {
  return { kind: 'map', values, description, ...opts };
}

type TaggedType<Tag extends string, V> = { [K in keyof V]: Simplify<Infer<V[K]> & { [P in Tag]: K }> }[keyof V];

export function tagged<Tag extends string, V extends Record<string, ObjectNode & Typed<unknown>>>(tag: Tag, description: string, variants: V): TaggedNode & Typed<TaggedType<Tag, V>> {
  return { kind: 'tagged', tag, description, variants };
}

export function union<N extends (SchemaNode & Typed<unknown>)[]>(description: string, ...variants: N): UnionNode & Typed<Infer<N[number]>> {
  return { kind: 'union', description, variants };
}

/** A key that must be present. */
export function req<N extends SchemaNode & Typed<unknown>>(node: N): Field<Infer<N>, true> {
  return { node, required: true };
}

/** A key that may be absent (and has no default). */
export function opt<N extends SchemaNode & Typed<unknown>>(node: N): Field<Infer<N>, false> {
  return { node, required: false };
}

/** A key with a default: always present in the validated model. */
export function dflt<N extends SchemaNode & Typed<unknown>>(node: N, value: Infer<N>): Field<Infer<N>, true> {
  return { node, required: false, default: value };
}
