/**
 * JSON Schema (draft-07) generated from the TypeScript schema, for other YAML tools (the Red Hat YAML extension,
 * CI linters). `hml schema` prints it. Expressions are plain strings here; only HML checks their meaning.
 */
import type { SchemaNode } from './dsl';
import { ANALYSIS_SCHEMA } from './schema';

export type JsonSchema = { [key: string]: unknown };

function describe(n: SchemaNode, out: JsonSchema, dflt?: unknown): JsonSchema {
  out.description = n.description.replace(/\$([^$]+)\$/g, '$1');
  out.markdownDescription = n.description + (n.kind === 'number' && n.unit ? `\n\nUnit: ${n.unit}.` : '');
  if (n.title) out.title = n.title;
  if (dflt !== undefined) out.default = dflt;
  return out;
}

/** Converts one node (with its default, when it is a field with one). */
export function toJsonSchema(n: SchemaNode, dflt?: unknown): JsonSchema {
  switch (n.kind) {
    case 'string': {
      const s: JsonSchema = { type: 'string' };
      if (n.enum) {
        s.enum = n.enum.map((e) => e.value);
        s.markdownEnumDescriptions = n.enum.map((e) => e.description);
      }
      if (n.pattern) s.pattern = n.pattern;
      if (n.format) s['x-hml-format'] = n.format;
      return describe(n, s, dflt);
    }
    case 'number': {
      const s: JsonSchema = { type: n.integer ? 'integer' : 'number' };
      if (n.minimum !== undefined) s.minimum = n.minimum;
      if (n.maximum !== undefined) s.maximum = n.maximum;
      if (n.exclusiveMinimum !== undefined) s.exclusiveMinimum = n.exclusiveMinimum;
      if (n.exclusiveMaximum !== undefined) s.exclusiveMaximum = n.exclusiveMaximum;
      if (n.unit) s['x-unit'] = n.unit;
      return describe(n, s, dflt);
    }
    case 'boolean':
      return describe(n, { type: 'boolean' }, dflt);
    case 'scalar':
      return describe(n, { type: ['string', 'number', 'boolean'] }, dflt);
    case 'array': {
      const s: JsonSchema = { type: 'array', items: toJsonSchema(n.items) };
      if (n.minItems !== undefined) s.minItems = n.minItems;
      if (n.maxItems !== undefined) s.maxItems = n.maxItems;
      return describe(n, s, dflt);
    }
    case 'object': {
      const properties: Record<string, JsonSchema> = {};
      const required: string[] = [];
      for (const [k, f] of Object.entries(n.fields)) {
        properties[k] = toJsonSchema(f.node, f.default);
        if (f.required) required.push(k);
      }
      const s: JsonSchema = { type: 'object', properties, additionalProperties: n.additional ? toJsonSchema(n.additional) : false };
      if (required.length) s.required = required;
      if (n.snippet) s.defaultSnippets = [{ label: 'template', bodyText: n.snippet }];
      return describe(n, s, dflt);
    }
    case 'map': {
      const s: JsonSchema = { type: 'object', additionalProperties: toJsonSchema(n.values) };
      if (n.keyPattern) s.propertyNames = { pattern: n.keyPattern };
      if (n.minProperties !== undefined) s.minProperties = n.minProperties;
      return describe(n, s, dflt);
    }
    case 'tagged': {
      // One branch per variant, selected by the tag's constant value (if/then keeps error messages readable).
      const s: JsonSchema = {
        type: 'object',
        required: [n.tag],
        properties: { [n.tag]: { enum: Object.keys(n.variants) } },
        allOf: Object.entries(n.variants).map(([tag, v]) => ({
          if: { properties: { [n.tag]: { const: tag } }, required: [n.tag] },
          then: toJsonSchema(v),
        })),
      };
      return describe(n, s, dflt);
    }
    case 'union':
      return describe(n, { anyOf: n.variants.map((v) => toJsonSchema(v)) }, dflt);
  }
}

/** The whole analysis-file schema as JSON Schema draft-07. */
export function analysisJsonSchema(): JsonSchema {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://hep-ml-lab.invalid/schema/analysis-1.json',
    title: 'HEP ML Lab analysis file (*.hml.yaml)',
    ...toJsonSchema(ANALYSIS_SCHEMA),
  };
}
