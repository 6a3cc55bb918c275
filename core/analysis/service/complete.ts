/**
 * Completion: keys valid at the cursor (with docs and snippets for whole samples, datasets and methods), enum
 * values, physics objects and observables inside expression strings (after `fatjet0.` what a fat jet has), names
 * of datasets and methods where a reference is expected, built-in processes, MadGraph5 run-card keys and metrics.
 */
import { isMap, isPair, isScalar } from 'yaml';
import type { CompletionItem, CompletionList, Position } from 'vscode-languageserver-types';
import { expressionCompletions, lookupCloudFeature, lookupObservable } from '../../expressions/index';
import type { FieldDef, ObjectNode, SchemaNode } from '../dsl';
import { nodeInfo, schemaNodeAt } from '../index';
import { COMMON_CLOUD_FEATURES, METRIC_DOCS } from '../schema';
import type { Path } from '../validate';
import { cursorContext, type KeyContext, type ValueContext } from './context';
import type { ServiceContext } from './index';
import { documentEntries } from './navigate';
import { fieldMarkdown } from './hover';

// LSP CompletionItemKind / InsertTextFormat numbers (kept numeric: this module has no runtime LSP dependency).
const K = { Text: 1, Method: 2, Function: 3, Field: 5, Variable: 6, Class: 7, Module: 9, Property: 10, Unit: 11, Value: 12, Enum: 13, Keyword: 14, Snippet: 15, Reference: 18, Struct: 22, EnumMember: 20, Constant: 21, Operator: 24 } as const;
const SNIPPET = 2;

type Item = CompletionItem;

/** Keys present in the mapping at `path` (from the YAML tree, so defaults the model filled in do not count). */
function presentKeys(c: ServiceContext, path: Path): Set<string> {
  const n = nodeInfo(c.doc, path)?.node;
  const out = new Set<string>();
  if (n && isMap(n)) for (const it of n.items) if (isPair(it) && isScalar(it.key)) out.add(String(it.key.value));
  return out;
}

function customCollections(c: ServiceContext): string[] {
  const r = (c.doc.partial as Record<string, unknown> | undefined)?.reconstruction;
  return typeof r === 'object' && r !== null ? Object.keys(r) : [];
}

const escapeSnippet = (s: string): string => s.replace(/[$}\\]/g, (m) => `\\${m}`);

function fieldSnippet(key: string, f: FieldDef, flow: boolean): string {
  const n = f.node;
  const d = f.default;
  switch (n.kind) {
    case 'string':
      if (n.enum) return `${key}: \${1|${n.enum.map((e) => e.value.replace(/[|,]/g, '')).join(',')}|}`;
      return `${key}: \${1${typeof d === 'string' ? `:${escapeSnippet(d)}` : ''}}`;
    case 'boolean':
      return `${key}: \${1|${d === true ? 'true,false' : 'false,true'}|}`;
    case 'number':
      return `${key}: \${1${typeof d === 'number' ? `:${d}` : ''}}`;
    case 'array':
      return `${key}: [\${1${Array.isArray(d) && d.length ? `:${escapeSnippet(d.map((x) => JSON.stringify(x)).join(', '))}` : ''}}]`;
    case 'object':
      if (n.snippet) return `${key}: ${n.snippet}`;
      return flow ? `${key}: { $1 }` : `${key}:\n  $0`;
    case 'map':
    case 'tagged':
      return flow ? `${key}: { $1 }` : `${key}:\n  $0`;
    default:
      return `${key}: $0`;
  }
}

function keyItems(c: ServiceContext, cx: KeyContext, snippets: boolean): Item[] {
  const node = schemaNodeAt(cx.parent, c.doc);
  if (!node) return [];
  const present = presentKeys(c, cx.parent);
  const range = c.lines.range(cx.start, cx.end);
  const out: Item[] = [];
  const addFields = (o: ObjectNode, variantNote?: string): void => {
    for (const [key, f] of Object.entries(o.fields)) {
      if (present.has(key) && key !== cx.prefix) continue;
      if (out.some((x) => x.label === key)) continue;
      // A tagged field offers one item per variant, each with its snippet (`generator` → builtin / madgraph5 / files).
      if (f.node.kind === 'tagged' && snippets) {
        for (const [tag, v] of Object.entries(f.node.variants)) {
          out.push({
            label: key,
            labelDetails: { description: tag },
            kind: K.Module,
            detail: `${key}: ${tag}`,
            documentation: { kind: 'markdown', value: v.description },
            sortText: `1${key}${tag}`,
            filterText: key,
            insertTextFormat: SNIPPET,
            textEdit: { range, newText: v.snippet ? `${key}: ${v.snippet}` : `${key}:\n  ${f.node.tag}: ${tag}\n  $0` },
          });
        }
        continue;
      }
      out.push({
        label: key,
        kind: f.node.kind === 'object' || f.node.kind === 'map' ? K.Module : K.Property,
        detail: `${f.required ? 'required' : 'optional'}${variantNote ? ` (${variantNote})` : ''}${f.node.title ? ` · ${f.node.title}` : ''}`,
        documentation: { kind: 'markdown', value: fieldMarkdown(key, f) },
        sortText: `${f.required ? '0' : '1'}${key}`,
        insertTextFormat: snippets ? SNIPPET : 1,
        textEdit: { range, newText: snippets ? fieldSnippet(key, f, cx.flow) : `${key}: ` },
      });
    }
  };
  if (node.kind === 'object') addFields(node);
  else if (node.kind === 'tagged') {
    const tagValue = (() => {
      let v: unknown = c.doc.partial;
      for (const p of cx.parent) v = typeof v === 'object' && v !== null ? (v as Record<string | number, unknown>)[p] : undefined;
      return typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[node.tag] : undefined;
    })();
    const variant = typeof tagValue === 'string' ? node.variants[tagValue] : undefined;
    if (variant) addFields(variant);
    else {
      if (!present.has(node.tag) || cx.prefix === node.tag) {
        out.push({
          label: node.tag,
          kind: K.Property,
          detail: 'required',
          documentation: { kind: 'markdown', value: `${node.description}\n\n${Object.entries(node.variants).map(([k, v]) => `- \`${k}\`: ${v.description}`).join('\n')}` },
          sortText: `0${node.tag}`,
          insertTextFormat: snippets ? SNIPPET : 1,
          textEdit: { range, newText: snippets ? `${node.tag}: \${1|${Object.keys(node.variants).join(',')}|}` : `${node.tag}: ` },
        });
      }
      for (const [tag, v] of Object.entries(node.variants)) addFields(v, tag);
    }
  } else if (node.kind === 'map' && !cx.flow) {
    // A new entry: the map's own snippet or one per variant of its values (datasets: set / image / cloud).
    const values = node.values;
    const variants: [string, string | undefined, string][] = values.kind === 'tagged'
      ? Object.entries(values.variants).map(([tag, v]) => [tag, v.snippet, v.description])
      : [[node.keyDescription, node.snippet ?? (values.kind === 'object' && values.snippet ? `\${1:name}: ${values.snippet}` : undefined), values.description]];
    for (const [tag, snip, doc] of variants) {
      if (!snip) continue;
      // Method snippets start with the entry name; object snippets of values are flow mappings.
      const text = /^\$\{1:/.test(snip) ? snip : `\${1:name}: ${snip}`;
      out.push({
        label: `new ${node.keyDescription.replace(/ name$/, '')}${values.kind === 'tagged' ? ` (${tag})` : ''}`,
        kind: K.Snippet,
        detail: node.keyDescription,
        documentation: { kind: 'markdown', value: `${doc}\n\n\`\`\`yaml\n${text.replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d/g, '')}\n\`\`\`` },
        sortText: `2${tag}`,
        filterText: cx.prefix || tag,
        insertTextFormat: snippets ? SNIPPET : 1,
        textEdit: { range, newText: snippets ? text : text.replace(/\$\{\d+\|([^,|]*)[^}]*\}/g, '$1').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d/g, '') },
      });
    }
  }
  return out;
}

function leaves(n: SchemaNode | undefined): SchemaNode[] {
  if (!n) return [];
  if (n.kind === 'union') return n.variants.flatMap(leaves);
  if (n.kind === 'array') return leaves(n.items);
  return [n];
}

function valueItems(c: ServiceContext, cx: ValueContext, snippets: boolean): Item[] {
  const range = c.lines.range(cx.start, cx.end);
  const out: Item[] = [];
  const push = (label: string, kind: number, detail: string | undefined, doc: string | undefined, insert = label, snippet = false): void => {
    if (out.some((x) => x.label === label)) return;
    out.push({ label, kind: kind as Item['kind'], detail, documentation: doc ? { kind: 'markdown', value: doc } : undefined, insertTextFormat: snippet && snippets ? SNIPPET : 1, textEdit: { range, newText: snippet && !snippets ? insert.replace(/\$\{\d+:([^}]*)\}/g, '$1') : insert } });
  };
  let node = schemaNodeAt(cx.path, c.doc);
  // `- item` under a key whose value is not a list: the dash path guessed an index; try without it.
  if (!node && typeof cx.path[cx.path.length - 1] === 'number') node = schemaNodeAt(cx.path.slice(0, -1), c.doc);
  for (const n of leaves(node)) {
    if (n.kind === 'string' && n.enum) {
      for (const e of n.enum) push(e.value, K.EnumMember, undefined, e.description);
    } else if (n.kind === 'boolean') {
      push('true', K.Constant, undefined, n.description);
      push('false', K.Constant, undefined, n.description);
    } else if (n.kind === 'string' && n.format) {
      switch (n.format) {
        case 'observable':
        case 'per-object':
        case 'cut':
        case 'object': {
          for (const e of expressionCompletions(cx.text, cx.text.length, customCollections(c))) {
            const kind = e.kind === 'object' || e.kind === 'child' ? K.Class : e.kind === 'observable' ? K.Field : e.kind === 'function' ? K.Function : K.Keyword;
            push(e.label, kind, e.detail, e.documentation, e.insertText, e.snippet === true);
          }
          break;
        }
        case 'dataset-ref':
        case 'method-ref': {
          const section = n.format === 'dataset-ref' ? 'datasets' : 'methods';
          for (const e of documentEntries(c)) if (e.section === section) push(e.name, K.Reference, e.detail, `${section === 'datasets' ? 'Dataset' : 'Method'} \`${e.name}\`${e.detail ? ` (${e.detail})` : ''}, line ${c.doc.lines.positionAt(e.keyStart).line + 1}.`);
          break;
        }
        case 'metric':
          for (const [m, doc] of Object.entries(METRIC_DOCS)) {
            if (m.endsWith('@X')) push(m.replace('@X', '@0.5'), K.Value, m, doc, `${m.replace('@X', '')}@\${1:0.5}`, true);
            else push(m, K.Value, undefined, doc);
          }
          break;
        case 'cloud-feature':
          for (const f of COMMON_CLOUD_FEATURES) {
            const o = lookupObservable(f);
            const cf = lookupCloudFeature(f);
            push(f, K.Field, o ? `${o.title}${o.unit !== '1' ? ` [${o.unit}]` : ''}` : cf?.title, o?.doc ?? cf?.doc);
          }
          break;
        default:
          break;
      }
    } else if (n.kind === 'object' && n.snippet && snippets && cx.text.trim() === '') {
      push(n.snippet.replace(/\$\{\d+(?::|\|)([^,}|]*)[^}]*\}/g, '$1'), K.Snippet, 'whole mapping', n.description, n.snippet, true);
    } else if (n.kind === 'tagged' && snippets && cx.text.trim() === '') {
      for (const [tag, v] of Object.entries(n.variants)) if (v.snippet) push(`{ ${n.tag}: ${tag} … }`, K.Snippet, tag, v.description, v.snippet, true);
    }
  }
  return out;
}

export interface CompleteOptions {
  snippets: boolean;
}

export function doComplete(c: ServiceContext, p: Position, o: CompleteOptions = { snippets: c.options.snippetSupport !== false }): CompletionList {
  const cx = cursorContext(c.text, c.lines.offsetAt(p));
  const items = cx.kind === 'key' ? keyItems(c, cx, o.snippets) : cx.kind === 'value' ? valueItems(c, cx, o.snippets) : [];
  return { isIncomplete: false, items };
}
