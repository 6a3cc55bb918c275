/**
 * The plain text event format of fastjet-ref (../shared/tools/fastjet-ref.cc): a line starting with `#` starts an
 * event, then one particle per line, `px py pz E` in GeV (whitespace separated). Empty lines are ignored;
 * particle lines before the first `#` form an event of their own (as fastjet-ref reads them).
 */
import { CollectionBuilder, type EventBatch } from '../physics/events';
import { HmlError } from '../util/errors';

/**
 * Reads the whole text into one EventBatch with a `particle` collection (weights 1). A line that is not four
 * numbers is an HmlError with file and line (`file` is only used in messages).
 */
export function readTextEvents(text: string, file?: string): EventBatch {
  const b = new CollectionBuilder('particle');
  let nEvents = 0;
  let open = false;
  const lines = text.split('\n');
  for (let ln = 0; ln < lines.length; ln++) {
    const line = lines[ln].trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      if (open) b.endEvent();
      open = true;
      nEvents++;
      continue;
    }
    if (!open) {
      open = true;
      nEvents++;
    }
    const t = line.split(/\s+/);
    const x = t.length >= 4 ? t.slice(0, 4).map(Number) : [];
    if (x.length !== 4 || x.some((v, i) => Number.isNaN(v) && !/^[+-]?nan$/i.test(t[i]))) {
      throw new HmlError('text-events.bad-line', `expected four numbers 'px py pz E' (GeV), got '${line.slice(0, 80)}'`, { location: { file, line: ln + 1, column: 1 } });
    }
    b.add(x[0], x[1], x[2], x[3]);
  }
  if (open) b.endEvent();
  return { size: nEvents, firstEvent: 0, weights: new Float64Array(nEvents).fill(1), collections: new Map([['particle', b.finish()]]) };
}
