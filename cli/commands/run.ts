/**
 * `hml run FILE [--stage NAME…] [--force] [--jobs N] [--threads N] [--progress bars|json|none]`: runs the
 * analysis pipeline, reusing every stage whose key is unchanged, and prints the results table.
 *
 * --stage X      run X and its stale upstream stages only (repeatable; `train:bdt` or just `bdt`)
 * --force        re-run the selected stages (all without --stage) even when up to date
 * --jobs N       independent stages at once (default: the machine's cores); dataset stages then run on worker
 *                threads side by side. Results do not depend on it.
 * --threads N    worker threads per stage (event generation, jet reconstruction, boosted trees; default: the
 *                machine's cores). Results do not depend on it.
 * --progress     bars (stderr, default), json (NDJSON on stdout, CONTRACTS "Progress stream"), none
 * Exit codes: 0 success, 1 a stage failed, 2 bad input, 3 locked by another run, 130 cancelled (Ctrl-C).
 * The progress events are always appended to .hml/<stem>/progress.ndjson.
 */
import { availableParallelism } from 'node:os';
import { barsSink, jsonSink } from '../../core/pipeline/sinks';
import { currentResults, openSession, runSession } from '../../core/pipeline/session';
import { formatResultsTable } from '../../core/pipeline/table';
import { HmlError } from '../../core/util/errors';

export const summary = 'run the analysis pipeline (generate → datasets → train → evaluate → export) and print the results table';

const USAGE = 'usage: hml run FILE [--stage NAME]... [--force] [--jobs N] [--threads N] [--progress bars|json|none]';

export interface ParsedArgs {
  positional: string[];
  options: Map<string, string[]>;
  flags: Set<string>;
}

export function parseArgs(argv: readonly string[], spec: { flags: readonly string[]; options: readonly string[] }, command: string): ParsedArgs {
  const out: ParsedArgs = { positional: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || a === '--') {
      out.positional.push(a);
      continue;
    }
    const [key, inline] = a.slice(2).split(/=(.*)/s, 2);
    if (spec.flags.includes(key)) {
      out.flags.add(key);
    } else if (spec.options.includes(key)) {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new HmlError('usage', `hml ${command}: --${key} needs a value`, { exitCode: 2 });
      out.options.set(key, [...(out.options.get(key) ?? []), v]);
    } else {
      const known = [...spec.flags, ...spec.options].map((k) => `--${k}`).join(', ');
      throw new HmlError('usage', `hml ${command}: unknown option --${key} (options: ${known})`, { exitCode: 2 });
    }
  }
  return out;
}

export function one(p: ParsedArgs, key: string): string | undefined {
  return p.options.get(key)?.at(-1);
}

export function positiveInt(p: ParsedArgs, key: string, command: string, def: number): number {
  const v = one(p, key);
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new HmlError('usage', `hml ${command}: --${key} must be a positive integer (got '${v}')`, { exitCode: 2 });
  return n;
}

/** Ctrl-C / SIGTERM abort the run cleanly (exit 130); a second Ctrl-C exits at once. */
export function cancelOnSignals(): { signal: AbortSignal; dispose(): void } {
  const ac = new AbortController();
  const onSig = (): void => {
    if (ac.signal.aborted) process.exit(130);
    process.stderr.write('\nhml: stopping (Ctrl-C again to quit at once)…\n');
    ac.abort();
  };
  process.on('SIGINT', onSig);
  process.on('SIGTERM', onSig);
  return {
    signal: ac.signal,
    dispose: () => {
      process.off('SIGINT', onSig);
      process.off('SIGTERM', onSig);
    },
  };
}

export async function run(argv: string[]): Promise<number> {
  const p = parseArgs(argv, { flags: ['force', 'help'], options: ['stage', 'jobs', 'threads', 'progress'] }, 'run');
  if (p.flags.has('help')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (p.positional.length !== 1) throw new HmlError('usage', `${USAGE}\n(give exactly one analysis file)`, { exitCode: 2 });
  const mode = one(p, 'progress') ?? 'bars';
  if (!['bars', 'json', 'none'].includes(mode)) throw new HmlError('usage', `hml run: --progress must be bars, json or none (got '${mode}')`, { exitCode: 2 });
  const jobs = positiveInt(p, 'jobs', 'run', availableParallelism());
  const threads = positiveInt(p, 'threads', 'run', availableParallelism());
  const session = openSession(p.positional[0]);
  const cancel = cancelOnSignals();
  try {
    const out = await runSession(session, {
      targets: p.options.get('stage'),
      force: p.flags.has('force'),
      jobs,
      threads,
      sink: mode === 'json' ? jsonSink() : mode === 'bars' ? barsSink() : undefined,
      signal: cancel.signal,
    });
    if (mode === 'none') for (const w of out.warnings) process.stderr.write(`hml: warning: ${w}\n`);
    if (mode !== 'json') {
      for (const s of out.stages) if (s.state === 'failed') process.stderr.write(`hml: ${s.stage} failed: ${s.error?.message} [${s.error?.code}]\n`);
    }
    const results = out.status === 'success' ? currentResults(session, out.planned) : undefined;
    if (results) {
      const table = formatResultsTable(results, session.loaded.analysis.evaluation.metrics);
      // stdout carries only NDJSON in json mode
      (mode === 'json' ? process.stderr : process.stdout).write(`\n${table}\n\nresults: ${out.runDir}/results.json\n`);
    }
    return out.exitCode;
  } finally {
    cancel.dispose();
  }
}
