/**
 * Fixtures with a `|` cursor marker (yaml-language-server style): the marker is removed and its position returned.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LineIndex } from '../../core/analysis/index';
import type { ServiceDocument } from '../../core/analysis/service/index';

export const EXAMPLES = join(import.meta.dirname, '..', '..', 'examples');

let version = 0;

export function doc(text: string, uri = 'file:///tmp/hml-test/a.hml.yaml'): ServiceDocument {
  const v = ++version;
  return { uri, version: v, getText: () => text };
}

/** Text with one `|` marking the cursor → the document without it and the cursor position. */
export function withCursor(marked: string, uri?: string): { doc: ServiceDocument; position: { line: number; character: number }; offset: number } {
  const offset = marked.indexOf('|');
  if (offset < 0) throw new Error('fixture has no | cursor');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  return { doc: doc(text, uri), position: new LineIndex(text).positionAt(offset), offset };
}

export function example(name: string): string {
  return readFileSync(join(EXAMPLES, name), 'utf8');
}

/** A small valid analysis to splice cursors into. */
export const BASE = `hml: 1
name: test
samples:
  wjets:
    label: signal
    generator: { engine: builtin, process: w-jets, events: 1000, pt: [250, 300] }
  qcd:
    label: background
    generator:
      engine: builtin
      process: qcd-jets
      events: 1000
reconstruction:
  fatjet: { algorithm: antikt, r: 1.0, min_pt: 200 }
  jet: { r: 0.4 }
preselection:
  - fatjet.size > 0
datasets:
  features:
    type: set
    observables: [fatjet0.mass, fatjet0.tau21]
    split: { train: 0.7, test: 0.3 }
methods:
  bdt: { type: gbdt, dataset: features, trees: 50 }
  cuts:
    type: cut-and-count
    dataset: features
evaluation:
  metrics: [auc, rejection@0.5]
export:
  methods: [bdt]
`;
