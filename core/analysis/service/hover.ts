/**
 * Hover: an observable's definition with formula and unit (from the expression catalog), the meaning of a key
 * (from the schema), an enum value's meaning, and what a dataset / method reference points to.
 */
import type { Hover, Position } from 'vscode-languageserver-types';
import { expressionHover, lookupCloudFeature, lookupObservable } from '../../expressions/index';
import type { FieldDef, SchemaNode } from '../dsl';
import { expressionAt, fieldAt, locate, schemaNodeAt } from '../index';
import { METRIC_DOCS } from '../schema';
import type { ServiceContext } from './index';
import { documentEntries } from './navigate';

function unitOf(n: SchemaNode): string | undefined {
  if (n.kind === 'number') return n.unit;
  if (n.kind === 'array') return unitOf(n.items);
  if (n.kind === 'union') return n.variants.map(unitOf).find(Boolean);
  return undefined;
}

function kindWords(n: SchemaNode): string {
  switch (n.kind) {
    case 'number':
      return `${n.integer ? 'whole number' : 'number'}${n.unit ? ` in ${n.unit}` : ''}${n.minimum !== undefined ? `, ≥ ${n.minimum}` : ''}${n.exclusiveMinimum !== undefined ? `, > ${n.exclusiveMinimum}` : ''}${n.maximum !== undefined ? `, ≤ ${n.maximum}` : ''}`;
    case 'string':
      return n.enum ? `one of ${n.enum.map((e) => `\`${e.value}\``).join(', ')}` : n.format ? `${n.format.replace('-', ' ')}` : 'text';
    case 'boolean':
      return 'true or false';
    case 'array':
      return `list of ${kindWords(n.items)}`;
    case 'union':
      return n.variants.map(kindWords).join(' or ');
    default:
      return 'mapping';
  }
}

/** Markdown for a key: what it means, its type and unit, its default. */
export function fieldMarkdown(key: string, f: FieldDef | undefined, node: SchemaNode | undefined = f?.node): string {
  if (!node) return `**${key}**`;
  const parts = [`**${key}**${node.title ? ` — ${node.title}` : ''}`, node.description];
  const facts: string[] = [];
  if (node.kind !== 'object' && node.kind !== 'map' && node.kind !== 'tagged') facts.push(`*Type:* ${kindWords(node)}`);
  const unit = unitOf(node);
  if (unit && node.kind !== 'number') facts.push(`*Unit:* ${unit}`);
  if (f?.required) facts.push('*Required*');
  else if (f && f.default !== undefined) facts.push(`*Default:* \`${JSON.stringify(f.default)}\``);
  if (facts.length) parts.push(facts.join('  \n'));
  if (node.kind === 'string' && node.enum && node.enum.length <= 12) parts.push(node.enum.map((e) => `- \`${e.value}\`: ${e.description}`).join('\n'));
  return parts.join('\n\n');
}

export function doHover(c: ServiceContext, p: Position): Hover | null {
  const offset = c.doc.lines.offsetAt(p);
  const range = (s: number, e: number) => c.doc.lines.range(s, e);
  const site = expressionAt(c.doc, offset);
  if (site && site.offset !== undefined) {
    const whole = range(site.offset, site.offset + site.text.length);
    switch (site.format) {
      case 'dataset-ref':
      case 'method-ref': {
        const section = site.format === 'dataset-ref' ? 'datasets' : 'methods';
        const e = documentEntries(c).find((x) => x.section === section && x.name === site.text);
        const what = section === 'datasets' ? 'Dataset' : 'Method';
        const value = e
          ? `${what} **${e.name}**${e.detail ? ` — ${e.detail}` : ''}, defined at line ${c.doc.lines.positionAt(e.keyStart).line + 1}.\n\n\`\`\`yaml\n${c.text.slice(e.start, Math.min(e.end, e.start + 600)).trimEnd()}\n\`\`\``
          : `No ${section === 'datasets' ? 'dataset' : 'method'} named \`${site.text}\` in this file.`;
        return { contents: { kind: 'markdown', value }, range: whole };
      }
      case 'metric': {
        const key = /^(rejection|efficiency)@/.test(site.text) ? site.text.replace(/@.*/, '@X') : site.text;
        const doc = METRIC_DOCS[key];
        return doc ? { contents: { kind: 'markdown', value: `**${site.text}**\n\n${doc}` }, range: whole } : null;
      }
      case 'cloud-feature': {
        const o = lookupObservable(site.text);
        const cf = lookupCloudFeature(site.text);
        const value = o ? `**${o.name}** — ${o.title}${o.unit !== '1' ? ` [${o.unit}]` : ''}\n\n${o.doc}` : cf ? `**${cf.name}** — ${cf.title}\n\n${cf.doc}` : undefined;
        return value ? { contents: { kind: 'markdown', value }, range: whole } : null;
      }
      default:
        if (site.ast) {
          const collections = Object.keys(((c.doc.partial as Record<string, unknown> | undefined)?.reconstruction as object | undefined) ?? {});
          const h = expressionHover(site.ast, site.text, site.offset, offset, collections);
          if (h) return { contents: { kind: 'markdown', value: h.contents }, range: range(h.range.start, h.range.end) };
        }
    }
  }
  const loc = locate(c.doc, offset);
  if (loc.path.length === 0) return null;
  const key = String(loc.path[loc.path.length - 1]);
  const hr = loc.start !== undefined && loc.end !== undefined ? range(loc.start, loc.end) : undefined;
  if (loc.onKey) {
    if (loc.path.length === 2 && ['samples', 'datasets', 'methods', 'reconstruction'].includes(String(loc.path[0]))) {
      const e = documentEntries(c).find((x) => x.section === loc.path[0] && x.name === key);
      const section = String(loc.path[0]);
      const kind = section === 'samples' ? 'Sample' : section === 'datasets' ? 'Dataset' : section === 'methods' ? 'Method' : 'Jet collection';
      const refs = section === 'datasets' ? c.doc.expressions.filter((s) => s.format === 'dataset-ref' && s.text === key).length : section === 'methods' ? c.doc.expressions.filter((s) => s.format === 'method-ref' && s.text === key).length : 0;
      const stage = section === 'samples' ? `generate:${key}` : section === 'datasets' ? `dataset:${key}` : section === 'methods' ? `train:${key}` : undefined;
      const value = `${kind} **${key}**${e?.detail ? ` — ${e.detail}` : ''}${refs ? `\n\nReferenced ${refs} time${refs === 1 ? '' : 's'}.` : ''}${stage ? `\n\nStage \`${stage}\` (\`hml run ${stage}\`).` : ''}`;
      return { contents: { kind: 'markdown', value }, range: hr };
    }
    const f = fieldAt(loc.path, c.doc);
    const node = f?.node ?? schemaNodeAt(loc.path, c.doc);
    if (!node) return null;
    return { contents: { kind: 'markdown', value: fieldMarkdown(key, f, node) }, range: hr };
  }
  const node = schemaNodeAt(loc.path, c.doc);
  if (!node) return null;
  const raw = loc.node && 'value' in loc.node ? (loc.node as { value: unknown }).value : undefined;
  const leaves = node.kind === 'union' ? node.variants : [node];
  for (const n of leaves) {
    if (n.kind === 'string' && n.enum && typeof raw === 'string') {
      const e = n.enum.find((x) => x.value === raw);
      if (e) return { contents: { kind: 'markdown', value: `**${e.value}** (${key})\n\n${e.description}` }, range: hr };
    }
  }
  const f = fieldAt(loc.path, c.doc);
  return { contents: { kind: 'markdown', value: fieldMarkdown(key, f, node) }, range: hr };
}
