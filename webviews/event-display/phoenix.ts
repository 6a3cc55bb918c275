/**
 * Reads Phoenix-format events (core/sources/phoenix.ts) into flat arrays the display draws from. Energies come
 * in MeV unless the event says `units: GeV`; everything here is GeV and radians.
 */
import type { DisplayObject } from '../../protocol/webview';

type Obj = Record<string, unknown>;
const num = (o: Obj, ...keys: string[]): number => {
  for (const k of keys) {
    const v = o[k];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return NaN;
};

export interface DisplayEvent {
  key: string;
  number: number;
  objects: DisplayObject[];
  met?: { pt: number; phi: number };
}

const KINDS: Record<string, DisplayObject['kind']> = { Tracks: 'track', CaloClusters: 'cluster', Jets: 'jet', Electrons: 'electron', Muons: 'muon', Photons: 'photon' };

export function readPhoenixEvent(key: string, ev: Obj): DisplayEvent {
  const scale = ev.units === 'GeV' ? 1 : 1e-3;
  const out: DisplayEvent = { key, number: num(ev, 'event number'), objects: [] };
  for (const [type, groups] of Object.entries(ev)) {
    if (!groups || typeof groups !== 'object' || Array.isArray(groups)) continue;
    for (const [collection, list] of Object.entries(groups as Record<string, unknown>)) {
      if (!Array.isArray(list)) continue;
      if (type === 'MissingEnergy') {
        const o = list[0] as Obj | undefined;
        if (o) {
          const x = num(o, 'etx') * scale, y = num(o, 'ety') * scale;
          out.met = { pt: Math.hypot(x, y), phi: Math.atan2(y, x) };
        }
        continue;
      }
      const kind = KINDS[type];
      if (!kind) continue;
      for (const o of list as Obj[]) {
        const pt = num(o, 'pT', 'pt', 'et') * scale;
        const eta = num(o, 'eta');
        const phi = num(o, 'phi');
        if (!Number.isFinite(pt) || !Number.isFinite(eta) || !Number.isFinite(phi)) continue;
        const d: DisplayObject = { kind, collection, pt, eta, phi };
        if (kind === 'jet') d.radius = num(o, 'coneR') || 0.4;
        out.objects.push(d);
      }
    }
  }
  return out;
}

export function readPhoenixFile(file: Record<string, unknown>): DisplayEvent[] {
  return Object.entries(file)
    .filter(([, v]) => v && typeof v === 'object')
    .map(([k, v]) => readPhoenixEvent(k, v as Obj))
    .sort((a, b) => a.number - b.number);
}

/** Observables of the event shown beside the display (GeV). */
export function eventSummary(e: DisplayEvent): [string, string][] {
  const jets = e.objects.filter((o) => o.kind === 'jet');
  const fat = jets.filter((j) => (j.radius ?? 0) >= 0.7).sort((a, b) => b.pt - a.pt);
  const small = jets.filter((j) => (j.radius ?? 0) < 0.7).sort((a, b) => b.pt - a.pt);
  const parts = e.objects.filter((o) => o.kind === 'track' || o.kind === 'cluster');
  const ht = small.reduce((s, j) => s + j.pt, 0);
  const rows: [string, string][] = [
    ['event', String(e.number)],
    ['particles / tracks + clusters', String(parts.length)],
    ['jets (R < 0.7)', String(small.length)],
    ['fat jets', String(fat.length)],
    ['H_T [GeV]', ht.toFixed(1)],
  ];
  if (small[0]) rows.push(['jet0 pT [GeV]', small[0].pt.toFixed(1)], ['jet0 η', small[0].eta.toFixed(2)]);
  if (fat[0]) rows.push(['fatjet0 pT [GeV]', fat[0].pt.toFixed(1)], ['fatjet0 η', fat[0].eta.toFixed(2)]);
  if (e.met) rows.push(['MET [GeV]', e.met.pt.toFixed(1)], ['MET φ', e.met.phi.toFixed(2)]);
  return rows;
}
