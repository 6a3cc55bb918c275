/**
 * Progress consumers for `hml run --progress bars|json|none`: NDJSON on stdout (the editor's stream), or
 * terminal bars on stderr. `progress.ndjson` in the run directory is written by the runner in every mode.
 */
import type { HmlProgressEvent } from '../../protocol/progress';
import type { ProgressSink } from './types';

export function jsonSink(out: NodeJS.WritableStream = process.stdout): ProgressSink {
  return (e) => {
    out.write(JSON.stringify(e) + '\n');
  };
}

/**
 * Bars on a TTY (one line redrawn per running stage), plain lines otherwise (CI logs must not fill with
 * carriage returns).
 */
export function barsSink(err: NodeJS.WriteStream = process.stderr): ProgressSink {
  const tty = !!err.isTTY;
  const lastPct = new Map<string, number>();
  let drawn = false;
  const clear = (): void => {
    if (tty && drawn) err.write('\r\x1b[K');
    drawn = false;
  };
  const line = (s: string): void => {
    clear();
    err.write(s + '\n');
  };
  return (e: HmlProgressEvent) => {
    switch (e.type) {
      case 'plan': {
        const todo = e.stages.filter((s) => s.state === 'stale').length;
        line(`plan: ${e.stages.length} stages, ${todo} to run, ${e.stages.filter((s) => s.state === 'cached').length} cached`);
        break;
      }
      case 'stage-started':
        line(`▶ ${e.stage}`);
        break;
      case 'stage-cached':
        line(`✓ ${e.stage} (cached)`);
        break;
      case 'stage-finished':
        line(`✓ ${e.stage} (${e.seconds.toFixed(1)} s)`);
        break;
      case 'stage-failed':
        line(`✗ ${e.stage}: ${e.message} [${e.code}]${e.log ? '\n' + e.log : ''}`);
        break;
      case 'log':
        if (e.level !== 'debug') line(`${e.level}: ${e.stage ? e.stage + ': ' : ''}${e.message}`);
        break;
      case 'progress': {
        const frac = e.total > 0 ? Math.min(1, e.done / e.total) : 0;
        if (tty) {
          const w = 30;
          const fill = Math.round(frac * w);
          clear();
          err.write(`  ${e.stage} [${'█'.repeat(fill)}${'·'.repeat(w - fill)}] ${e.done}/${e.total} ${e.unit}`);
          drawn = true;
        } else {
          const pct = Math.floor(frac * 4) * 25;
          if (pct > (lastPct.get(e.stage) ?? -1)) {
            lastPct.set(e.stage, pct);
            line(`  ${e.stage}: ${e.done}/${e.total} ${e.unit}`);
          }
        }
        break;
      }
      case 'metric':
        break;
      case 'run-finished':
        line(`run ${e.status} in ${e.seconds.toFixed(1)} s`);
        break;
    }
  };
}
