/**
 * `openEventFile`: one entry point for every event file a user may give (LHE, HepMC3 ASCII, Delphes ROOT), the
 * format found by content (magic bytes / first line), with the file name as a hint only.
 */
import { HmlError } from '../util/errors';
import { openDelphes } from './delphes';
import { openHepmc3 } from './hepmc3';
import { headBytes, headText, isGzip } from './lines';
import { openLhe } from './lhe';
import type { EventFile, EventFileFormat, ReadOptions } from './types';

export type { EventFile, EventFileFormat, ReadOptions, SourceEventBatch, CrossSection } from './types';

/** Finds the format of a file from its content (name only as a tie-breaker). */
export async function sniffFormat(path: string): Promise<EventFileFormat> {
  const magic = headBytes(path, 4);
  if (magic.toString('latin1') === 'root') return 'delphes';
  let text: string;
  try {
    text = await headText(path, 4096);
  } catch (err) {
    if (err instanceof HmlError) throw err;
    throw new HmlError('file-read-error', `cannot read the file (${(err as Error).message})`, { location: { file: path }, cause: err });
  }
  const t = text.trimStart();
  if (t.startsWith('HepMC::')) return 'hepmc3';
  if (/^(<\?xml[^>]*>\s*)?<LesHouchesEvents/.test(t)) return 'lhe';
  const name = path.toLowerCase().replace(/\.gz$/, '');
  const hint = name.endsWith('.lhe') || name.endsWith('.lhef') ? 'lhe' : name.endsWith('.hepmc') || name.endsWith('.hepmc3') ? 'hepmc3' : name.endsWith('.root') ? 'delphes' : undefined;
  throw new HmlError(
    'unknown-event-format',
    `unrecognised event file${isGzip(path) ? ' (gzip)' : ''}${hint ? `; the name says ${hint} but the content does not start like one` : ''}: HEP ML Lab reads LHE (<LesHouchesEvents>), HepMC3 ASCII (HepMC::Version / Asciiv3) and Delphes ROOT files`,
    { location: { file: path, line: 1 } },
  );
}

/**
 * Opens an event file. Missing collections (asked for in `opts.collections` but not in the file) come back
 * empty, not as errors. Throws HmlError for a missing file, an unknown format or a broken header.
 */
export async function openEventFile(path: string, opts: ReadOptions = {}): Promise<EventFile> {
  const sniffed = await sniffFormat(path);
  const format = opts.format && opts.format !== 'auto' ? opts.format : sniffed;
  if (format !== sniffed) {
    throw new HmlError('wrong-event-format', `the sample says format ${format} but the file content is ${sniffed}; fix the format (or use auto)`, { location: { file: path, line: 1 } });
  }
  switch (format) {
    case 'lhe':
      return openLhe(path, opts);
    case 'hepmc3':
      return openHepmc3(path, opts);
    case 'delphes':
      return openDelphes(path, opts);
  }
}
