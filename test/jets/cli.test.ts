/**
 * `hml jets` against fastjet-ref: the text output is byte-identical (same layout, %.10g, rapidity, φ in [0, 2π)),
 * from a file and from stdin; JSON carries the same jets; bad input is an error naming event and particle.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatG } from '../../cli/commands/jets';
import { Rng } from '../../core/util/random';
import { ROOT, buildFastjetRef, edgeEvents, formatEvents, generateEvent, generateTieEvent, runFastjetRef } from './fastjet-ref';

const bin = buildFastjetRef();

function hml(args: string[], input?: string): { out: string; err: string; code: number } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'cli', 'main.ts'), ...args], { input, cwd: ROOT, maxBuffer: 1 << 26 });
  return { out: r.stdout.toString(), err: r.stderr.toString(), code: r.status ?? -1 };
}

test('formatG prints like C printf %.10g', () => {
  const cases: [number, string][] = [[385, '385'], [0.000123456789012, '0.000123456789'], [1e-5, '1e-05'], [12345678901, '1.23456789e+10'], [3.141592653589793, '3.141592654'], [-0.5, '-0.5'], [0, '0'], [1234567890, '1234567890'], [99999999999, '1e+11']];
  for (const [x, s] of cases) assert.equal(formatG(x), s, String(x));
});

test('hml jets output equals fastjet-ref byte for byte (file and stdin, every algorithm)', { skip: bin === null ? 'no FastJet' : false }, () => {
  const rng = new Rng(31);
  const input = formatEvents([...edgeEvents(), generateEvent(rng, 200), generateEvent(rng, 900), generateTieEvent(rng, 60)]);
  const dir = mkdtempSync(join(tmpdir(), 'hml-jets-'));
  const file = join(dir, 'events.txt');
  writeFileSync(file, input);
  for (const [alg, r, pt] of [['antikt', '0.4', '20'], ['kt', '0.6', '5'], ['cambridge', '1.0', '10']]) {
    const ref = runFastjetRef(bin as string, [alg, r, pt], input);
    const ours = hml(['jets', file, '--algorithm', alg, '--r', r, '--min-pt', pt]);
    assert.equal(ours.code, 0, ours.err);
    assert.equal(ours.out, ref, `${alg} R=${r}`);
  }
  const viaStdin = hml(['jets', '-', '--min-pt', '20'], input);
  assert.equal(viaStdin.out, runFastjetRef(bin as string, ['antikt', '0.4', '20'], input));
  const json = JSON.parse(hml(['jets', file, '--format', 'json', '--min-pt', '20']).out);
  assert.equal(json.events.length, 9);
  const first = json.events.find((e: { jets: unknown[] }) => e.jets.length > 0);
  assert.ok(first.jets[0].pt >= 20 && first.jets[0].constituents.length === first.jets[0].nconst);
});

test('hml jets: bad momenta and bad lines are errors with a location (exit 2)', () => {
  const neg = hml(['jets', '-'], '#\n1 2 3 10\n#\n1 0 0 5\n0 1 0 -3\n');
  assert.equal(neg.code, 2);
  assert.match(neg.err, /event 1, particle 1: particle has negative energy/);
  const nan = hml(['jets', '-'], '#\nnan 0 0 1\n');
  assert.equal(nan.code, 2);
  assert.match(nan.err, /event 0, particle 0: particle has a non-finite momentum/);
  const line = hml(['jets', '-'], '#\n1 2 3\n');
  assert.equal(line.code, 2);
  assert.match(line.err, /<stdin>:2:1: expected four numbers/);
  assert.equal(hml(['jets', '-', '--algorithm', 'siscone'], '').code, 2);
});
