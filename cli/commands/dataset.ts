/**
 * `hml dataset info|summary|verify FILE.h5 [--format text|json] [--bins N] [--split S]`: look into a dataset file
 * written by the pipeline. `info` prints the description (kind, features with units, samples, split sizes, content
 * hash); `summary` the inspector's JSON (counts, cut flow, per-feature histograms by class, mean images);
 * `verify` recomputes the content hash over data and attributes and exits 1 when the file is damaged.
 */
import { datasetInfo, summarizeDataset, verifyDataset, type SplitName } from '../../core/datasets';
import { HmlError } from '../../core/util/errors';
import { one, parseArgs, positiveInt } from './run';

export const summary = 'describe, summarise or verify a dataset file (HDF5)';

const USAGE = 'usage: hml dataset info|summary|verify FILE.h5 [--format text|json] [--bins N] [--split train|validation|test]';

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { flags: ['help'], options: ['format', 'bins', 'split'] }, 'dataset');
  if (p.flags.has('help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [action, file, ...rest] = p.positional;
  if (!action || !file || rest.length > 0 || !['info', 'summary', 'verify'].includes(action)) throw new HmlError('usage', USAGE, { exitCode: 2 });
  const json = (one(p, 'format') ?? 'text') === 'json';
  if (action === 'verify') {
    const hash = await verifyDataset(file);
    process.stdout.write(json ? JSON.stringify({ file, ok: true, content_hash: hash }) + '\n' : `${file}: ok, content hash ${hash}\n`);
    return 0;
  }
  if (action === 'summary') {
    const split = one(p, 'split') as SplitName | undefined;
    if (split !== undefined && !['train', 'validation', 'test'].includes(split)) throw new HmlError('usage', `--split must be train, validation or test`, { exitCode: 2 });
    const s = await summarizeDataset(file, { bins: positiveInt(p, 'bins', 'dataset', 40), splits: split ? [split] : undefined });
    process.stdout.write(JSON.stringify(s) + '\n');
    return 0;
  }
  const i = await datasetInfo(file);
  if (json) {
    process.stdout.write(JSON.stringify({ ...i, attributes: undefined }) + '\n');
    return 0;
  }
  const lines = [
    `${i.name}: ${i.kind} dataset, rows of shape [${i.rowShape.join(', ')}]`,
    `  splits: ${Object.entries(i.splits).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `  samples: ${i.sampleNames.join(', ')}`,
    `  ${i.kind === 'image' ? 'channels' : 'features'}:`,
    ...i.featureNames.map((n, k) => `    ${n} [${i.featureUnits[k] ?? '1'}]: ${i.featureDefinitions[k] ?? ''}`),
    `  content hash: ${i.contentHash ?? '(none)'}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}
