/**
 * Fixtures of broken analysis files: the first line says `# expect: <code> <severity>`; `«` and `»` mark the
 * range where the diagnostic must be (they are removed before validation). Without markers only the code and
 * severity are checked.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LineIndex, type Range } from '../../core/analysis/index';

export interface Fixture {
  name: string;
  text: string;
  code: string;
  severity: 'error' | 'warning' | 'info';
  range?: Range;
}

export const FIXTURE_DIR = join(import.meta.dirname, 'fixtures');

export function loadFixture(file: string): Fixture {
  const raw = readFileSync(join(FIXTURE_DIR, file), 'utf8');
  const m = /^# expect: (\S+) (error|warning|info)\n/.exec(raw);
  if (!m) throw new Error(`${file}: first line must be '# expect: <code> <severity>'`);
  const s = raw.indexOf('«');
  const e = raw.indexOf('»');
  const text = raw.replace('«', '').replace('»', '');
  let range: Range | undefined;
  if (s >= 0 && e > s) {
    const lines = new LineIndex(text);
    range = lines.range(s, e - 1);
  }
  return { name: file, text, code: m[1], severity: m[2] as Fixture['severity'], range };
}

export function fixtureFiles(): string[] {
  return readdirSync(FIXTURE_DIR).filter((f) => f.endsWith('.hml.yaml')).sort();
}
