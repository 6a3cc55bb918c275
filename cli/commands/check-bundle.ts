/**
 * `hml check-bundle DIR [--format text|json]`: re-validates an exported model bundle (or every bundle under DIR):
 * checksums, model card, ONNX header (IR 8, opset 17, ai.onnx.ml 3) and the test vectors run with onnxruntime.
 * Exit 0 when every check passes, 1 otherwise.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkBundle, type BundleCheckResult } from '../../core/export/check';
import { HmlError } from '../../core/util/errors';
import { one, parseArgs } from './run';

export const summary = 'verify an exported model bundle (checksums, ONNX opset, test vectors through onnxruntime)';

function bundlesUnder(dir: string): string[] {
  if (existsSync(join(dir, 'SHA256SUMS')) || existsSync(join(dir, 'model.onnx'))) return [dir];
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...bundlesUnder(p));
  }
  return out;
}

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { flags: ['help'], options: ['format'] }, 'check-bundle');
  if (p.flags.has('help')) {
    process.stdout.write('usage: hml check-bundle DIR [--format text|json]\n');
    return 0;
  }
  const dir = p.positional[0];
  if (!dir || p.positional.length > 1) throw new HmlError('usage', 'usage: hml check-bundle DIR [--format text|json]', { exitCode: 2 });
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new HmlError('not-a-bundle', `${dir} is not a folder; give the folder of an exported bundle (it holds model.onnx and SHA256SUMS)`, { exitCode: 2 });
  const dirs = bundlesUnder(dir);
  if (dirs.length === 0) throw new HmlError('not-a-bundle', `no bundle (SHA256SUMS / model.onnx) under ${dir}`, { exitCode: 1 });
  const results: BundleCheckResult[] = [];
  for (const d of dirs) results.push(await checkBundle(d));
  if (one(p, 'format') === 'json') process.stdout.write(JSON.stringify(results, null, 1) + '\n');
  else {
    for (const r of results) {
      process.stdout.write(`${r.ok ? '✓' : '✗'} ${r.dir}\n`);
      for (const c of r.checks) process.stdout.write(`    ${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(16)} ${c.message}\n`);
    }
  }
  return results.every((r) => r.ok) ? 0 : 1;
}
