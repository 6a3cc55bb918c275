/**
 * `hml validate FILE... [--format text|json]`: checks analysis files (schema, references, expressions) without
 * running anything. Text output is one `file:line:col: severity: message [code]` line per problem (1-based,
 * UTF-16 columns, problem-matcher friendly) with a summary on stderr; `--format json` prints an array of LSP
 * Diagnostic objects, each with `file` and `code`. A directory argument means every *.hml.yaml / *.hml.yml in it.
 * Exit codes (CONTRACTS.md "Command line"): 0 no errors (warnings allowed), 1 some file has errors, 2 usage
 * error or a file that cannot be read.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { diagnosticJson, formatDiagnostic, parseAnalysisText, type HmlDiagnostic } from '../../core/analysis/index';

export const summary = 'check analysis files (*.hml.yaml): schema, references, expressions';

const USAGE = `usage: hml validate FILE... [--format text|json]

Checks analysis files and prints each problem as file:line:col: severity: message [code].
Exit status: 0 no errors, 1 errors found, 2 bad usage or unreadable file.`;

function expand(arg: string): string[] {
  try {
    if (statSync(arg).isDirectory()) {
      const out: string[] = [];
      for (const name of readdirSync(arg).sort()) {
        const p = join(arg, name);
        if (/\.hml\.ya?ml$/.test(name) && statSync(p).isFile()) out.push(p);
      }
      return out;
    }
  } catch {
    // Reported when read.
  }
  return [arg];
}

/** `hml validate … | head` must end quietly, not with an EPIPE stack trace. */
export function quietOnClosedPipe(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
}

export async function run(argv: string[]): Promise<number> {
  quietOnClosedPipe();
  let format = 'text';
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      process.stdout.write(USAGE + '\n');
      return 0;
    } else if (a === '--format') format = argv[++i] ?? '';
    else if (a.startsWith('--format=')) format = a.slice('--format='.length);
    else if (a.startsWith('-') && a !== '-') {
      process.stderr.write(`hml validate: unknown option '${a}'\n${USAGE}\n`);
      return 2;
    } else files.push(...expand(a));
  }
  if (format !== 'text' && format !== 'json') {
    process.stderr.write(`hml validate: --format must be text or json, not '${format}'\n`);
    return 2;
  }
  if (files.length === 0) {
    process.stderr.write(`hml validate: no files given\n${USAGE}\n`);
    return 2;
  }
  let unreadable = false;
  let errors = 0;
  let warnings = 0;
  const json: (HmlDiagnostic & { file: string })[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file === '-' ? 0 : file, 'utf8');
    } catch (err) {
      unreadable = true;
      errors++;
      const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message;
      const d: HmlDiagnostic = { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: 1, code: 'file-unreadable', source: 'hml', message: `Cannot read the file (${reason}); check the path.` };
      if (format === 'json') json.push(diagnosticJson(file, d));
      else process.stdout.write(formatDiagnostic(file, d) + '\n');
      continue;
    }
    const { diagnostics } = parseAnalysisText(text, file);
    for (const d of diagnostics) {
      if (d.severity === 1) errors++;
      else if (d.severity === 2) warnings++;
      if (format === 'json') json.push(diagnosticJson(file, d));
      else process.stdout.write(formatDiagnostic(file, d) + '\n');
    }
  }
  if (format === 'json') process.stdout.write(JSON.stringify(json, null, 2) + '\n');
  else {
    const n = files.length;
    process.stderr.write(`${n} file${n === 1 ? '' : 's'} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}\n`);
  }
  if (unreadable) return 2;
  return errors > 0 ? 1 : 0;
}
