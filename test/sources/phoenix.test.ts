import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openEventFile } from '../../core/sources/open';
import { phoenixEvent, phoenixEvents, writePhoenixJson, type PhoenixEvent } from '../../core/sources/phoenix';
import type { SourceEventBatch } from '../../core/sources/types';
import { DELPHES_FILE, HEPMC3_FILE, scratch } from './helpers';

const REQUIRED: Record<string, string[]> = {
  Tracks: ['dparams'],
  Jets: ['eta', 'phi', 'energy'],
  CaloClusters: ['energy', 'eta', 'phi'],
  MissingEnergy: ['etx', 'ety'],
  Muons: ['eta', 'phi', 'pt'],
  Electrons: ['eta', 'phi', 'pt'],
  Photons: ['eta', 'phi', 'energy'],
};

/** The checks of Phoenix's event format: known object types, named collections of objects, required attributes. */
function checkPhoenix(file: Record<string, PhoenixEvent>): void {
  const text = JSON.stringify(file);
  assert.ok(!text.includes('null'), 'no null / NaN in the JSON');
  for (const [key, ev] of Object.entries(file)) {
    assert.equal(typeof ev['event number'], 'number', key);
    assert.equal(typeof ev['run number'], 'number', key);
    for (const [type, value] of Object.entries(ev)) {
      if (type === 'event number' || type === 'run number' || typeof value !== 'object') continue;
      assert.ok(REQUIRED[type], `unknown Phoenix object type ${type}`);
      for (const [name, objects] of Object.entries(value)) {
        assert.ok(Array.isArray(objects), `${type}/${name} is a list`);
        for (const o of objects) {
          for (const k of REQUIRED[type]) assert.ok(k in o, `${type}/${name} object lacks ${k}`);
          if (type === 'Tracks') assert.equal((o.dparams as number[]).length, 5);
        }
      }
    }
  }
}

async function firstBatch(path: string, opts = {}): Promise<SourceEventBatch> {
  const f = await openEventFile(path, opts);
  for await (const b of f.batches()) return b;
  throw new Error('no batch');
}

test('Phoenix export of a Delphes event: tracks with perigee parameters, towers, jets with cone radius, MET, leptons', async () => {
  const b = await firstBatch(DELPHES_FILE, { batchSize: 10 });
  const ev = phoenixEvent(b, 3);
  const count = (name: string) => b.collections.get(name)!.offsets[4] - b.collections.get(name)!.offsets[3];
  const jets = ev.Jets as Record<string, Record<string, number>[]>;
  assert.equal(ev['event number'], 3);
  assert.equal(jets.jet.length, count('jet'));
  assert.equal(jets.fatjet.length, count('fatjet'));
  assert.equal(jets.fatjet[0].coneR, 0.8);
  assert.ok(Math.abs(jets.fatjet[0].et - 241075.7) < 1, 'MeV');
  assert.equal(jets.fatjet[0].constituents, 26);
  const calo = ev.CaloClusters as Record<string, unknown[]>;
  assert.equal(calo.tower.length, count('tower'));
  const tracks = (ev.Tracks as Record<string, { dparams: number[]; charge: number; pT: number }[]>).track;
  assert.ok(tracks.length > 0 && tracks.length <= count('track'));
  const t = tracks[0];
  assert.ok(Math.abs(t.dparams[4] - t.charge / (t.pT / Math.sin(t.dparams[3]))) < 1e-12, 'q/p in 1/MeV');
  const met = (ev.MissingEnergy as Record<string, { etx: number; ety: number }[]>).missinget[0];
  const m = b.collections.get('missinget')!;
  assert.ok(Math.abs(Math.hypot(met.etx, met.ety) - 1000 * m.fields.met[3]) < 1e-6);
  assert.equal(ev.Tracks && 'eflowtrack' in (ev.Tracks as object), false, 'tracks are not exported twice');
  const all = phoenixEvents(Array.from({ length: b.size }, (_, i) => ({ batch: b, index: i })));
  assert.equal(Object.keys(all).length, 10);
  checkPhoenix(all);
  const gev = phoenixEvent(b, 3, { units: 'GeV', collections: ['fatjet'] });
  assert.deepEqual(Object.keys(gev).sort(), ['Jets', 'event number', 'run number']);
  assert.ok(Math.abs((gev.Jets as Record<string, { et: number }[]>).fatjet[0].et - 241.0757) < 1e-3);
});

test('Phoenix export of generator-level events (HepMC3): charged particles as tracks, neutrals as clusters, file written atomically', async () => {
  const b = await firstBatch(HEPMC3_FILE, { batchSize: 5 });
  const ev = phoenixEvent(b, 0, { runNumber: 7, metadata: { time: 'simulated' } });
  assert.equal(ev['run number'], 7);
  assert.equal(ev.time, 'simulated');
  const tracks = (ev.Tracks as Record<string, unknown[]>)['particle (charged)'];
  const neutral = (ev.CaloClusters as Record<string, unknown[]>)['particle (neutral)'];
  assert.equal(tracks.length, 2); // τ+ τ-
  assert.equal(neutral.length, 0); // its two ISR photons run exactly along the beam (pT = 0): not drawable
  const dir = scratch('phoenix');
  const path = join(dir, 'event.json');
  const file = phoenixEvents([{ batch: b, index: 0 }, { batch: b, index: 1 }]);
  writePhoenixJson(path, file);
  const back = JSON.parse(readFileSync(path, 'utf8'));
  assert.deepEqual(Object.keys(back), ['Event 0', 'Event 1']);
  checkPhoenix(back);
});
