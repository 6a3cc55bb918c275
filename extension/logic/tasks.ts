/**
 * The `hml` task type: definitions in tasks.json → the CLI's argument list, the tasks offered for each analysis
 * file, and the parsing of `hml validate` lines (`file:line:col: severity: message [code]`, CONTRACTS
 * "Command line"), mirrored by the `hml` problem matcher in package.json.
 */
export interface HmlTaskDefinition {
  type: 'hml';
  command: 'run' | 'validate' | 'export' | 'status';
  file: string;
  stage?: string;
  force?: boolean;
}

export function isHmlTaskDefinition(d: { type: string; [k: string]: unknown }): d is HmlTaskDefinition & { [k: string]: unknown } {
  return d.type === 'hml' && typeof d.file === 'string' && ['run', 'validate', 'export', 'status'].includes(String(d.command));
}

/** Arguments after the CLI script path; `workers` 0 leaves --threads to the CLI. */
export function taskArgs(d: HmlTaskDefinition, opts: { workers?: number } = {}): string[] {
  const args: string[] = [d.command, d.file];
  if (d.command === 'run') {
    if (d.stage) args.push('--stage', d.stage);
    if (d.force) args.push('--force');
    if (opts.workers && opts.workers > 0) args.push('--threads', String(opts.workers));
    args.push('--progress', 'bars');
  }
  return args;
}

export function taskLabel(d: HmlTaskDefinition): string {
  return `${d.command}${d.stage ? ` ${d.stage}` : ''}: ${d.file}`;
}

/** The tasks offered for one analysis file: validate, run all, each stage, export. */
export function tasksFor(file: string, stages: readonly string[]): HmlTaskDefinition[] {
  return [
    { type: 'hml', command: 'validate', file },
    { type: 'hml', command: 'run', file },
    ...stages.map((stage) => ({ type: 'hml' as const, command: 'run' as const, file, stage })),
    { type: 'hml', command: 'export', file },
  ];
}

/** Same pattern as the `hml` problem matcher in package.json (kept in sync by a test). */
export const VALIDATE_LINE = /^(.+?):(\d+):(\d+):\s+(error|warning|info):\s+(.*?)(?:\s+\[([\w:.-]+)\])?$/;

export interface ParsedDiagnostic {
  file: string;
  line: number;
  column: number;
  severity: 'error' | 'warning' | 'info';
  message: string;
  code?: string;
}

export function parseValidateLine(line: string): ParsedDiagnostic | undefined {
  const m = VALIDATE_LINE.exec(line.trimEnd());
  if (!m) return undefined;
  return { file: m[1], line: Number(m[2]), column: Number(m[3]), severity: m[4] as ParsedDiagnostic['severity'], message: m[5], code: m[6] };
}
